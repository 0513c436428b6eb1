import type { CommandIO } from './command-io'
import { deployCommand } from './deploy/deploy'
import { replayCommand } from './replay/replay'
import { startCommand } from './start/start'

/**
 * The project's command line: `braze-destination-function <command>`, also
 * behind `npm start`, `npm run replay` and `npm run deploy`.
 */
const COMMANDS: Record<string, { run: (args: string[], io: CommandIO) => Promise<number>; summary: string }> = {
  start: { run: startCommand, summary: 'run the sample events through the built function against an embedded Braze and show the result' },
  replay: { run: replayCommand, summary: 'run your own Segment events (JSON, JSONL or a folder) through the built function' },
  deploy: { run: deployCommand, summary: "push build/braze-destination.js to Segment's Public API" }
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  return ['Usage: braze-destination-function <command> [options]', '', 'Commands:', ...lines, '', 'Run a command with --help for its options.', ''].join('\n')
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

export function runFromProcess(): void {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
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
