// The replay command's options and usage text.
import { availableParallelism } from 'node:os'
import { shownPath, DEFAULT_SETTINGS_FILE } from '../paths'
import { parseOptions, UsageError, wholeNumber } from '../usage'

export interface ReplayArgs {
  input: string
  batchSize: number
  /** Batches in flight at once, per worker. */
  concurrency: number
  /** Worker threads running the function; 0 = in the main thread. */
  workers: number
  settingsFile: string | undefined
  live: boolean
  brazeUrl: string | undefined
  rejectsFile: string | undefined
  requestsFile: string | undefined
  quiet: boolean
  json: boolean
  help: boolean
}

const DEFAULT_BATCH_SIZE = 20
/** Segment's maximum batch size (Segment Support can raise it up to 400). */
const MAX_BATCH_SIZE = 400
const DEFAULT_CONCURRENCY = 4
const MAX_CONCURRENCY = 64
const MAX_WORKERS = 64
/**
 * With --live, the invocations in flight at once (threads × concurrency): the rate limiter lets them all
 * start once the balance is back at zero, so their requests must fit the room it keeps for requests in
 * flight (rate-limiter.ts, 5 % of 3,000 /users/track requests per 3 s: 150, about five per invocation).
 */
const MAX_LIVE_IN_FLIGHT = 32
/**
 * One thread per core; against the embedded Braze one fewer, since the
 * stand-in works in the main thread. (Measured at 1 M events on 2 cores: a
 * second thread saves a tenth of the time and costs 100 MB more.)
 */
const defaultWorkers = (live: boolean) => {
  const cores = Math.max(1, availableParallelism() - (live ? 0 : 1))
  return live ? Math.min(MAX_LIVE_IN_FLIGHT, cores) : cores
}

export const REPLAY_USAGE = `Usage: braze-destination-function replay <file|dir> [options]
       npm run replay -- <file|dir> [options]

Runs your own Segment events through the built function exactly as Segment
would (onBatch, or the single handlers), by default against an embedded Braze
stand-in (no network, no Braze account), and prints what happened: every
outcome with its reasons, where each failed event is, the function's
warnings, Braze requests, objects and the estimated Braze data points. It
rebuilds build/braze-destination.js first when the sources changed.

Input (streamed, any size):
  file.jsonl         one event per line (Segment's S3 destination stores .gz ones);
                     .ndjson too. A JSON array saved as .jsonl is read as an array.
  file.json          a JSON array of events (or one event, or one array per line)
  file.jsonl.gz      any of these gzip-compressed (.gz)
  dir/               every .json/.jsonl/.ndjson file and every .gz file in it and
                     its folders (a bucket synced from S3), in name order
  Unparseable lines and non-object values count as rejected, with their place.

Options:
  --batch-size N     events per onBatch call (default ${DEFAULT_BATCH_SIZE}, max ${MAX_BATCH_SIZE});
                     1 = one single-handler call per event (onIdentify, onTrack, …)
  --workers N        threads running the function (default: one per core, here
                     ${defaultWorkers(true)} with --live; one fewer against the embedded Braze,
                     which works in the main thread); 0 runs it in the main thread
  --concurrency N    batches in flight at once per thread (default ${DEFAULT_CONCURRENCY}); with --live,
                     threads × concurrency is at most ${MAX_LIVE_IN_FLIGHT}, within Braze's rate limits
                     (the default shrinks to fit)
  --settings FILE    function settings as JSON (default ${shownPath(DEFAULT_SETTINGS_FILE)} in
                     this package); the BRAZE_API_KEY environment variable, when
                     set, replaces its apiKey
  --live             send to the real Braze instance of the settings' dataCenter
                     (needs --settings: the default settings are the embedded Braze's),
                     within Braze's rate limits (3,000 requests / 3 s on /users/track,
                     20,000 / min on the other /users endpoints, shared by all threads),
                     pausing as long as a 429 asks (X-Ratelimit-Retry-After,
                     else X-RateLimit-Reset) and retrying
                     retryable results up to 3 times (after 1 s, 2 s, 4 s)
  --braze-url URL    with --live: send to this base URL instead of the dataCenter's
                     REST host (a proxy, or a mock server)
  --rejects FILE     write every event that was not delivered (rejected, or still
                     retryable at the end), as it was in the input, one per line
                     (JSONL): fix them and replay that file
  --requests FILE    write every request the function made to the embedded Braze,
                     with its answer's status, one JSON object per line
                     ({"endpoint", "status", "body"}): what your events became
  --json             print the summary as JSON instead of text (through npm:
                     npm run -s replay -- …, so that npm adds no lines)
  --quiet            no progress lines on stderr
  -h, --help         show this help

Ctrl-C stops reading, lets the batches in flight finish (at most 5 s), prints
the summary so far, with where reading stopped, and exits with 130. With
--rejects, the events read but not sent are written there too: replay that
file, then the input after the place where reading stopped.

Exit codes: 0 every event was delivered; 1 some were not (rejected, unreadable
or still retryable); 2 the replay could not run (bad usage, unreadable input
path, invalid settings, sources that do not build); 130 interrupted.
`

const OPTIONS = {
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  workers: { type: 'string' },
  settings: { type: 'string' },
  live: { type: 'boolean' },
  'braze-url': { type: 'string' },
  rejects: { type: 'string' },
  requests: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const { values, positionals } = parseOptions(argv, OPTIONS)
  const help = values.help === true
  const args: ReplayArgs = {
    input: positionals[0] ?? '',
    batchSize: wholeNumber('batch-size', values['batch-size'], DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE),
    concurrency: wholeNumber('concurrency', values.concurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
    workers: wholeNumber('workers', values.workers, defaultWorkers(values.live === true), 0, MAX_WORKERS),
    settingsFile: values.settings,
    live: values.live === true,
    brazeUrl: values['braze-url'],
    rejectsFile: values.rejects,
    requestsFile: values.requests,
    quiet: values.quiet === true,
    json: values.json === true,
    help
  }
  if (help) return args
  if (positionals.length === 0) throw new UsageError('Give the file or directory of events to replay.')
  if (args.live && values.concurrency === undefined)
    // The default fits the bound whatever the cores: fewer batches per thread on a machine with many.
    args.concurrency = Math.max(1, Math.min(DEFAULT_CONCURRENCY, Math.floor(MAX_LIVE_IN_FLIGHT / Math.max(1, args.workers))))
  const inFlight = Math.max(1, args.workers) * args.concurrency
  if (args.live && inFlight > MAX_LIVE_IN_FLIGHT)
    throw new UsageError(
      `With --live, --workers × --concurrency is at most ${MAX_LIVE_IN_FLIGHT} (here ${inFlight}): more invocations in flight at once could together pass Braze's rate limits.`
    )
  if (positionals.length > 1) {
    // `npm run replay file --batch-size 1` without `--`: npm takes the option and hands on its value (no path) as a second input.
    const optionValue = positionals.slice(1).some((positional) => !/[./\\]/.test(positional))
    const hint = optionValue
      ? 'Through npm, options go after `--`: npm run replay -- file.jsonl --batch-size 400.'
      : 'For several files, replay the folder that holds them.'
    throw new UsageError(`Give one file or directory, not ${positionals.length} (${positionals.join(', ')}). ${hint}`)
  }
  for (const [name, value] of [
    ['settings', args.settingsFile],
    ['rejects', args.rejectsFile],
    ['requests', args.requestsFile],
    ['braze-url', args.brazeUrl]
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} needs a value.`)
  }
  if (args.requestsFile !== undefined && args.live)
    throw new UsageError("--requests records what the embedded Braze receives: with --live, Braze's own logs have the requests.")
  if (args.brazeUrl !== undefined) {
    if (!args.live) throw new UsageError('--braze-url goes with --live (without it, replay uses the embedded Braze).')
    if (!/^https?:\/\/[^/]+/.test(args.brazeUrl)) throw new UsageError(`--braze-url must be an http(s) URL, got "${args.brazeUrl}".`)
  }
  return args
}
