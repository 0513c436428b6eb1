import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { BUILD_FILE } from '../paths'
import type { CommandIO } from '../command-io'
import { startEmbeddedBraze, type EmbeddedBraze } from '../embedded-braze'
import { loadBuiltFunction } from '../segment-runtime'
import { DEFAULT_SETTINGS_FILE, parseReplayArgs, REPLAY_USAGE, UsageError, type ReplayArgs } from './args'
import { InputError, openEventSource } from './event-source'
import { BrazeRateLimiter, realClock, type Clock } from './rate-limiter'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry'
import { ReplayRunner } from './runner'
import { loadSettingsFile, SettingsError, API_KEY_ENV, type LoadedSettings } from './settings-file'
import { renderSummary, ReplaySummary, type ReplaySummaryJson } from './summary'

/**
 * `replay <file|dir>`: a user's own Segment events through the built script,
 * as Segment would run them, against the embedded Braze (default) or the
 * real one (`--live`). See REPLAY_USAGE.
 */
export interface ReplayOptions {
  /** Replay against this embedded Braze (left running) instead of starting one. */
  braze?: EmbeddedBraze
  /** Time and waiting, for the rate limiter and retries (tests make them instant). */
  clock?: Clock
  /** Retries of retryable results. Default: 3 (1 s, 2 s, 4 s) with --live; none against the embedded Braze. */
  retry?: RetryPolicy
  /** Minimum time between progress lines (default 1000 ms). */
  progressIntervalMs?: number
}

/** The example key: it only opens the embedded Braze. */
const EXAMPLE_API_KEY = 'example-rest-api-key'
const NO_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, delaysMs: [] }

export async function replayCommand(argv: string[], io: CommandIO, options: ReplayOptions = {}): Promise<number> {
  let args: ReplayArgs
  try {
    args = parseReplayArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`replay: ${error.message}\n\n${REPLAY_USAGE}`)
    return 2
  }
  if (args.help) {
    io.stdout.write(REPLAY_USAGE)
    return 0
  }

  const fail = (message: string) => {
    io.stderr.write(`replay: ${message}\n`)
    return 1
  }
  let loaded: LoadedSettings
  try {
    loaded = await loadSettingsFile(resolve(io.cwd, args.settingsFile ?? DEFAULT_SETTINGS_FILE), io.env)
  } catch (error) {
    if (error instanceof SettingsError) return fail(error.message)
    throw error
  }
  if (args.live && loaded.settings.apiKey === EXAMPLE_API_KEY) {
    return fail(
      `--live sends to the real Braze (${loaded.settings.dataCenter.restHost}) and needs your REST API key: ` +
        `set the ${API_KEY_ENV} environment variable, or pass --settings with your own settings file.`
    )
  }
  if (!existsSync(BUILD_FILE)) return fail('build/braze-destination.js is missing: run `npm run build` first.')

  let source
  try {
    source = await openEventSource(resolve(io.cwd, args.input))
  } catch (error) {
    if (error instanceof InputError) return fail(error.message)
    throw error
  }

  if (args.live && !args.quiet) {
    const from = loaded.apiKeyFrom === 'env' ? `the ${API_KEY_ENV} environment variable` : 'the settings file'
    io.stderr.write(`replay: --live: sending to https://${loaded.settings.dataCenter.restHost} with the API key from ${from}\n`)
  }
  const clock = options.clock ?? realClock
  const ownsBraze = !args.live && !options.braze
  const braze = args.live ? undefined : (options.braze ?? (await startEmbeddedBraze({ apiKey: loaded.settings.apiKey })))
  try {
    const summary = new ReplaySummary()
    const runtime = loadBuiltFunction({
      brazeBaseUrl: braze?.url,
      onRequest: (exchange) => summary.request(exchange)
    })
    const interval = options.progressIntervalMs ?? 1000
    const started = Date.now()
    let lastProgress = started
    const runner = new ReplayRunner({
      runtime,
      rawSettings: loaded.raw,
      settings: loaded.settings,
      summary,
      batchSize: args.batchSize,
      concurrency: args.concurrency,
      retry: options.retry ?? (args.live ? DEFAULT_RETRY_POLICY : NO_RETRIES),
      clock,
      limiter: args.live ? new BrazeRateLimiter(clock) : undefined,
      onProgress: (handled) => {
        // Bounded memory: the function's console lines and the stand-in's request log are not needed here.
        runtime.logs.length = 0
        if (ownsBraze && braze) braze.requests.length = 0
        const now = Date.now()
        if (args.quiet || now - lastProgress < interval) return
        lastProgress = now
        const rate = Math.round(handled / ((now - started) / 1000))
        io.stderr.write(`replayed ${handled} event${handled === 1 ? '' : 's'}… (${rate}/s)\n`)
      }
    })
    await runner.run(source.items)

    if (summary.events.total === 0) return fail(`found no events in ${args.input}.`)
    const json: ReplaySummaryJson = summary.toJSON({
      input: args.input,
      target: args.live ? 'live' : 'embedded',
      handler: runner.handler,
      batchSize: runner.handler === 'onBatch' ? args.batchSize : 1,
      durationMs: Date.now() - started,
      ...(braze ? { profiles: braze.profiles().length } : {})
    })
    io.stdout.write(args.json ? `${JSON.stringify(json, null, 2)}\n` : renderSummary(json))
    return 0
  } finally {
    if (ownsBraze) await braze?.close()
  }
}
