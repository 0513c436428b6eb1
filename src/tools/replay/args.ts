/**
 * The replay command's options: parsing and the usage text. Bad usage is a
 * UsageError (exit code 2), reported with the usage.
 */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface ReplayArgs {
  input: string
  batchSize: number
  settingsFile: string | undefined
  concurrency: number
  live: boolean
  quiet: boolean
  json: boolean
  help: boolean
}

export const DEFAULT_BATCH_SIZE = 20
/** Segment's maximum batch size (Segment Support can raise it up to 400). */
export const MAX_BATCH_SIZE = 400
export const DEFAULT_CONCURRENCY = 4
export const MAX_CONCURRENCY = 64
export const DEFAULT_SETTINGS_FILE = 'examples/settings.json'

export const REPLAY_USAGE = `Usage: braze-destination-function replay <file|dir> [options]
       npm run replay -- <file|dir> [options]

Runs your own Segment events through build/braze-destination.js exactly as
Segment would (onBatch, or the single handlers), by default against an
embedded Braze stand-in (no network, no Braze account), and prints what
happened: outcomes with the top reasons, Braze requests, objects sent,
attributes merged away and the estimated Braze data points.

Input (streamed, any size):
  file.json          a JSON array of events (or one event)
  file.jsonl         one event per line (the Segment debugger export form)
  dir/               every .json/.jsonl/.ndjson file in it, in name order
  Unparseable lines and non-object values are counted as rejected, with a reason.

Options:
  --batch-size N     events per onBatch call (default ${DEFAULT_BATCH_SIZE}, max ${MAX_BATCH_SIZE});
                     1 = one single-handler call per event (onIdentify, onTrack, …)
  --concurrency N    batches in flight at once (default ${DEFAULT_CONCURRENCY})
  --settings FILE    function settings as JSON (default ${DEFAULT_SETTINGS_FILE});
                     the BRAZE_API_KEY environment variable, when set, replaces its apiKey
  --live             send to the real Braze instance of the settings' dataCenter,
                     within Braze's rate limit (3,000 requests / 3 s on /users/track),
                     waiting for X-RateLimit-Reset after a 429 and retrying retryable
                     results up to 3 times (after 1 s, 2 s, 4 s)
  --json             print the summary as JSON instead of text
  --quiet            no progress lines on stderr
  -h, --help         show this help

Exit codes: 0 the replay ran (rejected events included), 1 unusable input or
settings, 2 bad usage.
`

const VALUE_OPTIONS = new Set(['--batch-size', '--concurrency', '--settings'])
const FLAG_OPTIONS = new Set(['--live', '--json', '--quiet', '--help', '-h'])

function wholeNumber(option: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${option} expects a whole number, got "${raw}".`)
  const n = Number(raw)
  if (n < min || n > max) throw new UsageError(`${option} must be between ${min} and ${max}, got ${n}.`)
  return n
}

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const args: ReplayArgs = {
    input: '',
    batchSize: DEFAULT_BATCH_SIZE,
    settingsFile: undefined,
    concurrency: DEFAULT_CONCURRENCY,
    live: false,
    quiet: false,
    json: false,
    help: false
  }
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    if (FLAG_OPTIONS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value.`)
      if (name === '--help' || name === '-h') args.help = true
      else if (name === '--live') args.live = true
      else if (name === '--json') args.json = true
      else if (name === '--quiet') args.quiet = true
      continue
    }
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`Unknown option ${name}.`)
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value.`)
    if (name === '--batch-size') args.batchSize = wholeNumber(name, value, 1, MAX_BATCH_SIZE)
    else if (name === '--concurrency') args.concurrency = wholeNumber(name, value, 1, MAX_CONCURRENCY)
    else args.settingsFile = value
  }
  if (args.help) return args
  if (positional.length === 0) throw new UsageError('Give the file or directory of events to replay.')
  if (positional.length > 1) throw new UsageError(`Give one file or directory, not ${positional.length} (${positional.join(', ')}).`)
  args.input = positional[0]!
  return args
}
