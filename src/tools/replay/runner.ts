// One thread's share of a replay: the built script loaded in the local
// Segment runtime, its requests sent to the embedded Braze (in-process) or
// through the HTTP transport (--live), and counted, and the executor that runs
// jobs through it. Built the same way in a worker thread and, with
// --workers 0, in the main thread.
import { loadFunction } from '../segment-runtime'
import { batchWarningOf, Executor, type LoggedWarning } from './executor'
import { BrazeRateLimiter, type Clock } from './rate-limiter'
import { countRequest, emptyCounts, type RequestCounts } from './request-stats'
import type { RetryPolicy } from './retry'
import { embeddedFetch, type AskBraze } from './embedded-transport'
import { createTransport, type Transport } from './transport'

/** Plain data: what a worker thread is started with. */
export interface RunnerConfig {
  code: string
  rawSettings: Record<string, unknown>
  batchSize: number
  /** Batches in flight at once in this thread. */
  concurrency: number
  retry: RetryPolicy
  /** Requests go to the embedded Braze in the main thread (no HTTP); `askBraze` answers them. */
  embedded: boolean
  /** Where Braze requests go instead of the dataCenter's host (--braze-url). */
  brazeBaseUrl?: string
  /** Braze's rate limits apply (--live). */
  rateLimited: boolean
  /** This thread's share of the rate limits (1 / number of threads). */
  share: number
}

export interface Runner {
  executor: Executor
  limiter: BrazeRateLimiter | undefined
  /** The requests counted since the last call. */
  takeCounts(): RequestCounts
  /** Drops what the function logged (nothing reads it during a replay; memory stays flat). */
  forgetLogs(): void
  close(): void
}

export interface RunnerHooks {
  /** A 429 paused this thread until then (the others should wait too). */
  onPause?: (until: number) => void
  /** Answers the embedded Braze's requests (required when `config.embedded`). */
  askBraze?: AskBraze
}

export function createRunner(config: RunnerConfig, clock: Clock, hooks: RunnerHooks = {}): Runner {
  const limiter = config.rateLimited ? new BrazeRateLimiter(clock, config.share) : undefined
  let transport: Transport
  if (!config.embedded) transport = createTransport({ limiter, clock, onPause: hooks.onPause })
  else if (hooks.askBraze) transport = { fetch: embeddedFetch(hooks.askBraze), close: () => undefined }
  else throw new Error('a replay against the embedded Braze needs askBraze')
  let counts = emptyCounts()
  const loggedWarnings: LoggedWarning[] = []
  const runtime = loadFunction(config.code, {
    brazeBaseUrl: config.brazeBaseUrl,
    fetch: transport.fetch,
    onRequest: (exchange) => countRequest(counts, exchange),
    onLog: (line) => {
      const warning = batchWarningOf(line)
      if (warning !== undefined) loggedWarnings.push(warning)
    }
  })
  const executor = new Executor({
    runtime,
    rawSettings: config.rawSettings,
    batchSize: config.batchSize,
    concurrency: config.concurrency,
    retry: config.retry,
    clock,
    limiter,
    loggedWarnings
  })
  return {
    executor,
    limiter,
    takeCounts() {
      const taken = counts
      counts = emptyCounts()
      return taken
    },
    forgetLogs() {
      runtime.logs.length = 0
    },
    close: transport.close
  }
}
