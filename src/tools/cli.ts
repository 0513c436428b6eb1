// The project's command line: `braze-destination-function <command>`, also
// behind `npm start`, `npm run replay` and `npm run deploy`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import type { CommandIO } from './command-io'
import { deployCommand } from './deploy/deploy'
import { ROOT } from './paths'
import { replayCommand } from './replay/replay'
import { startCommand } from './start/start'

interface Command {
  run: (args: string[], io: CommandIO) => Promise<number>
  summary: string
  /** Handles Ctrl-C itself (through `io.interrupt`); the others just stop. */
  interruptible?: boolean
}

const COMMANDS: Record<string, Command> = {
  start: { run: startCommand, summary: 'run the sample events through the built function against an embedded Braze and show the result' },
  replay: {
    run: replayCommand,
    summary: 'run your own Segment events (JSONL, JSON, .gz or a folder) through the built function',
    interruptible: true
  },
  deploy: { run: deployCommand, summary: "push build/braze-destination.js to Segment's Public API" }
}

/** package.json's name: npm gives it to the scripts it runs as npm_package_name. */
const PACKAGE_NAME = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name

/** Exit code of a process stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  return [
    'Usage: braze-destination-function <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run a command with --help for its options.',
    ''
  ].join('\n')
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...args] = argv
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) {
    const help = name === '--help' || name === '-h'
    ;(help ? io.stdout : io.stderr).write((help || name === undefined ? '' : `Unknown command "${name}".\n\n`) + usage())
    return help ? 0 : 2
  }
  return command.run(args, io)
}

/**
 * Where the user typed the command. npm runs a package's scripts in the package's folder and keeps
 * the folder it was run from in INIT_CWD (https://docs.npmjs.com/cli/v10/using-npm/scripts#current-working-directory):
 * `npm run replay -- events.jsonl` typed in a subfolder means that subfolder's events.jsonl.
 */
export function userFolder(env: NodeJS.ProcessEnv, cwd: string): string {
  const ownScript =
    env.npm_package_name === PACKAGE_NAME && env.npm_lifecycle_event !== undefined && Object.hasOwn(COMMANDS, env.npm_lifecycle_event)
  return ownScript && env.INIT_CWD ? env.INIT_CWD : cwd
}

export function runFromProcess(): void {
  // A replay allocates fast and keeps little (83 MB live across its threads
  // at 1 M events), and V8 lets a heap grow to several times what it keeps.
  // Growing by 30 % at most: peak 315–330 MB instead of 530 MB, for a fifth more
  // time (measured; README, "Performance"). V8 reads the flag at every resize.
  setFlagsFromString('--heap-growing-percent=30')
  // Output piped into a command that stops reading (`| head`) ends the run quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 0)
  })
  const [name] = process.argv.slice(2)
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: userFolder(process.env, process.cwd()) }
  if (name !== undefined && COMMANDS[name]?.interruptible) {
    const controller = new AbortController()
    io.interrupt = controller.signal
    process.on('SIGINT', () => {
      // A second Ctrl-C does not wait for the batches in flight.
      if (controller.signal.aborted) process.exit(INTERRUPTED)
      process.stderr.write('\nStopping: finishing the batches in flight (Ctrl-C again to quit now)…\n')
      controller.abort()
    })
  }
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code
    },
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
      process.exitCode = 1
    }
  )
}

if (require.main === module) runFromProcess()
