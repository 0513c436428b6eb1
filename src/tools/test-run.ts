// `npm test`: jest, and beside it the static checks (tsc, then `npm run lint`)
// in one lane of their own. On a two-core machine jest leaves a core idle for
// part of its run (suites waiting on sockets, timers and child processes), and
// the checks use it: on a fresh clone, 34.7 s against 36.5 s with the checks
// first (medians of three paired runs). Jest's output streams as usual; a
// failed check's output follows it, then one line per lane. The exit code is
// the first failure's. Arguments go to jest.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './paths'
import { painter } from './start/paint'

interface Lane {
  name: string
  code: number
  output: string
  ms: number
}

/** Runs a package's JavaScript entry point with this Node (no shell, no .cmd shims on Windows). */
function run(name: string, script: string, args: string[], capture: boolean): Promise<Lane> {
  const started = Date.now()
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, ms: Date.now() - started }))
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output, ms: Date.now() - started }))
  })
}

/** A direct dependency's file: npm installs those at the top of node_modules. */
const dependency = (file: string) => join(ROOT, 'node_modules', file)

async function checks(): Promise<Lane[]> {
  const tsc = await run('tsc --noEmit', dependency('@typescript/native/bin/tsc'), ['--noEmit'], true)
  // npm sets npm_execpath to its own entry point for the scripts it runs.
  const npm = process.env.npm_execpath
  if (!npm) return [tsc, { name: 'npm run lint', code: 1, output: 'Run this through npm test (npm_execpath is not set).\n', ms: 0 }]
  return [tsc, await run('npm run lint', npm, ['run', '-s', 'lint'], true)]
}

async function main(): Promise<number> {
  const jestArgs = process.argv.slice(2)
  const [jest, lanes] = await Promise.all([run('jest', dependency('jest/bin/jest.js'), jestArgs, false), checks()])
  const all = [jest, ...lanes]
  const paint = painter(process.stdout, process.env)
  for (const lane of lanes) if (lane.code !== 0) process.stdout.write(`\n${paint('bold', lane.name)}\n${lane.output}`)
  process.stdout.write('\n')
  for (const lane of all) {
    const status = lane.code === 0 ? paint('green', 'passed') : paint('red', `failed (exit ${lane.code})`)
    process.stdout.write(`${lane.name.padEnd(14)} ${status} in ${(lane.ms / 1000).toFixed(1)} s\n`)
  }
  return all.find((lane) => lane.code !== 0)?.code ?? 0
}

main().then((code) => (process.exitCode = code))
