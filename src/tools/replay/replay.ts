// `replay <file|dir>`: a user's own Segment events through the current build
// of the function, as Segment would run them, against the embedded Braze
// (default) or a real one (`--live`). See REPLAY_USAGE.
import { resolve } from 'node:path'
import type { CommandIO } from '../command-io'
import { BuildError, currentBuild } from '../current-build'
import { startEmbeddedBraze, type EmbeddedBraze } from '../embedded-braze'
import { DEFAULT_SETTINGS_FILE, shownPath } from '../paths'
import { UsageError } from '../usage'
import { count } from '../wording'
import { InputError, openEventSource } from './event-source'
import { inThreadLanes, workerLanes, type Lanes } from './lanes'
import { parseReplayArgs, REPLAY_USAGE, type ReplayArgs } from './options'
import { pump } from './pump'
import { realClock, type Clock } from './rate-limiter'
import { RejectsFile, sameFile } from './rejects-file'
import { RequestsFile } from './requests-file'
import { EMBEDDED_RETRY_POLICY, LIVE_RETRY_POLICY, type RetryPolicy } from './retry'
import type { RunnerConfig } from './runner'
import { API_KEY_ENV, loadSettingsFile, SettingsError, type LoadedSettings } from './settings-file'
import { renderSummary, ReplaySummary } from './summary'

/** Test seams; everything else comes from the arguments and `io`. */
export interface ReplayOptions {
  /** Replay against this embedded Braze (left running) instead of starting one. */
  braze?: EmbeddedBraze
  /** Time and waiting for the rate limiter and retries, with --workers 0 (tests make them instant). */
  clock?: Clock
  /** Retries of retryable results. Default: 3 (1 s, 2 s, 4 s) with --live; none against the embedded Braze. */
  retry?: RetryPolicy
  /** Minimum time between progress lines (default 1000 ms). */
  progressIntervalMs?: number
}

const EXIT = { delivered: 0, notAllDelivered: 1, cannotRun: 2, interrupted: 130 } as const

/** Events per job handed to a thread: a few hundred, whole batches. */
const JOB_EVENTS = 400

/** The example key: it only opens the embedded Braze. */
const EXAMPLE_API_KEY = 'example-rest-api-key'

export async function replayCommand(argv: string[], io: CommandIO, options: ReplayOptions = {}): Promise<number> {
  let args: ReplayArgs
  try {
    args = parseReplayArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`replay: ${error.message} (see replay --help)\n`)
    return EXIT.cannotRun
  }
  if (args.help) {
    io.stdout.write(REPLAY_USAGE)
    return EXIT.delivered
  }
  const cannotRun = (message: string) => {
    io.stderr.write(`replay: ${message}\n`)
    return EXIT.cannotRun
  }

  // The examples' settings are for the embedded Braze: their data center and options (alias profiles, page events,
  // an audience array) are no one's workspace, so a live replay names its own settings file.
  if (args.live && args.settingsFile === undefined) {
    return cannotRun(
      `--live sends to your real Braze workspace: pass --settings with your own settings file (your dataCenter and options; ` +
        `the API key there, or in the ${API_KEY_ENV} environment variable). ${shownPath(DEFAULT_SETTINGS_FILE)} is for the embedded Braze only.`
    )
  }
  let loaded: LoadedSettings
  try {
    loaded = await loadSettingsFile(args.settingsFile === undefined ? DEFAULT_SETTINGS_FILE : resolve(io.cwd, args.settingsFile), io.env)
  } catch (error) {
    if (error instanceof SettingsError) return cannotRun(error.message)
    throw error
  }
  if (loaded.unknownKeys.length > 0) {
    const keys = loaded.unknownKeys.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')
    io.stderr.write(`replay: the function does not read ${keys} in the settings file (a typo?); see the README's settings table.\n`)
  }
  if (args.live && loaded.settings.apiKey === EXAMPLE_API_KEY) {
    return cannotRun(
      `--live sends to the real Braze (${loaded.settings.dataCenter.restHost}) and needs your REST API key, not the examples' ` +
        `"${EXAMPLE_API_KEY}": set it in ${shownPath(resolve(io.cwd, args.settingsFile!))}, or in the ${API_KEY_ENV} environment variable.`
    )
  }

  let build
  try {
    build = await currentBuild()
  } catch (error) {
    if (error instanceof BuildError) return cannotRun(`${error.message} (fix the sources, then run replay again).`)
    throw error
  }
  const builtFile = shownPath(build.file)
  if (build.rebuilt) io.stderr.write(`replay: rebuilt ${builtFile}: it was not what the current sources build to.\n`)

  let source
  let rejects: RejectsFile | undefined
  let requests: RequestsFile | undefined
  let writing = ''
  try {
    source = await openEventSource(resolve(io.cwd, args.input))
    const inputs = source.files
    const output = (option: string, name: string) => {
      const path = resolve(io.cwd, name)
      const input = inputs.find((file) => sameFile(file, path))
      if (input) throw new InputError(`--${option} ${name} is the input file ${shownPath(input)}: give the ${option} file another name.`)
      writing = `the ${option} file ${name}`
      return path
    }
    if (args.rejectsFile !== undefined) rejects = new RejectsFile(output('rejects', args.rejectsFile))
    if (args.requestsFile !== undefined) requests = new RequestsFile(output('requests', args.requestsFile))
  } catch (error) {
    await rejects?.close()
    if (error instanceof InputError) return cannotRun(error.message)
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string') return cannotRun(`cannot write ${writing} (${code}).`)
    throw error
  }

  if (args.live && !args.quiet) {
    const from = loaded.apiKeyFrom === 'env' ? `the ${API_KEY_ENV} environment variable` : 'the settings file'
    const to = args.brazeUrl ?? `https://${loaded.settings.dataCenter.restHost}`
    io.stderr.write(`replay: --live: sending to ${to} with the API key from ${from}\n`)
  }
  const ownsBraze = !args.live && !options.braze
  const braze = args.live
    ? undefined
    : (options.braze ?? (await startEmbeddedBraze({ apiKey: loaded.settings.apiKey, recentHistory: 0, maxRecordedRequests: 0 })))
  const config: RunnerConfig = {
    code: build.code,
    rawSettings: loaded.raw,
    batchSize: args.batchSize,
    concurrency: args.concurrency,
    retry: options.retry ?? (args.live ? LIVE_RETRY_POLICY : EMBEDDED_RETRY_POLICY),
    embedded: braze !== undefined,
    brazeBaseUrl: args.brazeUrl,
    rateLimited: args.live,
    share: 1 / Math.max(1, args.workers)
  }
  // A job is whole batches (one event at a time for the single handlers); a thread gets enough jobs to keep its batches busy, and one more.
  const perBatch = args.batchSize > 1 ? args.batchSize : 1
  const batchesPerJob = Math.max(1, Math.floor(JOB_EVENTS / perBatch))
  const jobsPerThread = Math.ceil(args.concurrency / batchesPerJob) + 1
  let lanes: Lanes | undefined
  try {
    const answer = braze && requests ? requests.recording(braze.answer) : braze?.answer
    lanes =
      args.workers === 0
        ? inThreadLanes(config, jobsPerThread, options.clock ?? realClock, answer)
        : await workerLanes(config, args.workers, jobsPerThread, answer)
    const summary = new ReplaySummary()
    const interval = options.progressIntervalMs ?? 1000
    const started = Date.now()
    let lastProgress = started
    const { interrupted, stoppedAfter } = await pump(source.items, {
      lanes,
      jobSize: batchesPerJob * perBatch,
      summary,
      rejects,
      interrupt: io.interrupt,
      onNotice: (message) => {
        if (!args.quiet) io.stderr.write(`replay: ${message}\n`)
      },
      onProgress: (handled) => {
        // The stand-in's request log is not needed here: memory stays flat.
        if (ownsBraze && braze) braze.requests.length = 0
        const now = Date.now()
        if (args.quiet || now - lastProgress < interval) return
        lastProgress = now
        const rate = Math.round(handled / Math.max(0.001, (now - started) / 1000))
        io.stderr.write(`replayed ${count(handled)} event${handled === 1 ? '' : 's'}… (${count(rate)}/s)\n`)
      }
    })
    const durationMs = Date.now() - started
    await lanes.close()
    lanes = undefined
    await rejects?.close()

    if (summary.events.total === 0 && !interrupted) return cannotRun(`found no events in ${args.input}.`)
    const json = summary.toJSON({
      input: args.input,
      target: args.live ? 'live' : 'embedded',
      ...(args.brazeUrl ? { brazeUrl: args.brazeUrl } : {}),
      handler: config.batchSize > 1 ? 'onBatch' : 'single',
      batchSize: args.batchSize,
      workers: args.workers,
      durationMs,
      interrupted,
      ...(stoppedAfter === undefined ? {} : { stoppedAfter }),
      ...(rejects ? { rejectsFile: args.rejectsFile, rejectsWritten: rejects.written } : {}),
      ...(requests ? { requestsFile: args.requestsFile } : {}),
      ...(braze ? { profiles: braze.profileCount() } : {})
    })
    io.stdout.write(args.json ? `${JSON.stringify(json, null, 2)}\n` : renderSummary(json, builtFile))
    if (interrupted) return EXIT.interrupted
    return json.events.delivered === json.events.total ? EXIT.delivered : EXIT.notAllDelivered
  } finally {
    await lanes?.close()
    await rejects?.close()
    requests?.close()
    if (ownsBraze) await braze?.close()
  }
}
