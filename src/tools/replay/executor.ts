// Runs one job of a replay through the built function, as Segment would:
// parses the items' JSON, hands the events to onBatch (or one single-handler
// call per event), retries what the function marks retryable, and says what
// became of every event. It sees the function only from outside: what a
// handler returns or throws, and (elsewhere) the requests it makes. The same
// code runs in a worker thread or, with --workers 0, in the main thread.
import { BATCH_WARNING_PREFIX } from '../../destination/summary'
import type { SegmentRuntime } from '../segment-runtime'
import type { BrazeRateLimiter, Clock } from './rate-limiter'
import type { RetryPolicy } from './retry'
import { describeThrown } from '../../destination/errors'

type Outcome = 'delivered' | 'rejected' | 'retry'

export interface EventFailure {
  /** Index of the item in the job. */
  item: number
  /** Position of the event inside an item that held an array of events (0-based). */
  sub?: number
  outcome: 'rejected' | 'retry'
  reason: string
  messageId?: string
  /** The event's JSON when it was one element of an item (the item's own text stays with the reader). */
  text?: string
}

export interface JobResult {
  /** Events the function ran on (whatever became of them). */
  events: number
  /** Events never sent: the replay was stopping (Ctrl-C) before their batch started (`text` as in EventFailure). */
  unsent: Array<{ item: number; text?: string }>
  delivered: number
  failures: EventFailure[]
  retries: { attempts: number; eventsRetried: number; deliveredAfterRetry: number; waitedMs: number }
  /** The function's warnings (returned by the single handlers, logged by onBatch), by text. */
  warnings: Array<[string, number]>
}

export interface ExecutorOptions {
  runtime: SegmentRuntime
  /** Passed to the function untouched, as Segment passes the settings. */
  rawSettings: Record<string, unknown>
  batchSize: number
  /** Batches in flight at once in this thread, whatever job they belong to. */
  concurrency: number
  retry: RetryPolicy
  clock: Clock
  limiter?: BrazeRateLimiter
  /**
   * The warnings onBatch logged (batchWarningOf), filled as the function logs them. Batches of several
   * jobs run at once, so each job takes what is there when it ends: every warning is counted once.
   */
  loggedWarnings?: LoggedWarning[]
}

/** Lines and elements that are not events are counted as rejected with this prefix. */
export const UNREADABLE = 'Unreadable input'
/** The handlers cap an event's warnings and end the list with this (src/destination/summary.ts). */
const MORE_WARNINGS = /^…and (\d+) more warnings$/
const UNLISTED_WARNINGS = '(more warnings on the same events, not listed by the function)'

/** A line onBatch logs for a warning: `<prefix> <n> (messageId "<JSON>"): <warning>` (src/destination/summary.ts). */
const BATCH_WARNING = new RegExp(`^${BATCH_WARNING_PREFIX} \\d+(?: \\(messageId ("(?:[^"\\\\]|\\\\.)*")\\))?: `)

export interface LoggedWarning {
  text: string
  messageId?: string
}

/** The warning a line of the function's log carries, if it is one of onBatch's warning lines. */
export function batchWarningOf(line: string): LoggedWarning | undefined {
  const match = BATCH_WARNING.exec(line)
  if (!match) return undefined
  const text = line.slice(match[0].length)
  return match[1] === undefined ? { text } : { text, messageId: JSON.parse(match[1]) as string }
}

/** Warnings of events onBatch ran again (a retry logs them again): seen recently, by messageId, and not counted twice. */
const MAX_SEEN_WARNINGS = 50_000

interface Entry {
  event: Record<string, unknown>
  item: number
  sub?: number
}

interface Result {
  outcome: Outcome
  reason?: string
}

export class Executor {
  readonly handler: 'onBatch' | 'single'
  private stopped = false
  private running = 0
  private readonly waiting: Array<() => void> = []
  private wake: () => void = () => undefined
  private readonly stopping = new Promise<void>((resolve) => (this.wake = resolve))

  constructor(private readonly options: ExecutorOptions) {
    this.handler = options.batchSize > 1 && typeof options.runtime.handlers.onBatch === 'function' ? 'onBatch' : 'single'
  }

  /** No more retries: the replay is ending (Ctrl-C). Running invocations finish. */
  stop(): void {
    this.stopped = true
    this.wake()
    for (const next of this.waiting.splice(0)) next()
  }

  /**
   * A job: its items' events in batches (onBatch) or one by one (single
   * handlers), at most `concurrency` of them in flight in this thread.
   */
  async run(texts: readonly string[]): Promise<JobResult> {
    const result: JobResult = {
      events: 0,
      unsent: [],
      delivered: 0,
      failures: [],
      retries: { attempts: 0, eventsRetried: 0, deliveredAfterRetry: 0, waitedMs: 0 },
      warnings: []
    }
    const warnings = new Map<string, number>()
    const entries = parseItems(texts, result)
    const size = this.handler === 'onBatch' ? this.options.batchSize : 1
    const batches: Entry[][] = []
    for (let start = 0; start < entries.length; start += size) batches.push(entries.slice(start, start + size))
    await Promise.all(
      batches.map(async (batch) => {
        if (!(await this.slot())) return unsent(batch, result)
        try {
          await this.runBatch(batch, result, warnings)
        } finally {
          this.release()
        }
      })
    )
    if (this.options.loggedWarnings) countWarnings(this.firstSeen(this.options.loggedWarnings.splice(0)), warnings)
    result.warnings = [...warnings.entries()]
    return result
  }

  private readonly seenWarnings = new Set<string>()

  private firstSeen(logged: LoggedWarning[]): string[] {
    return logged.flatMap(({ text, messageId }) => {
      if (messageId === undefined) return [text]
      const key = `${messageId}\u0000${text}`
      if (this.seenWarnings.has(key)) return []
      if (this.seenWarnings.size >= MAX_SEEN_WARNINGS) this.seenWarnings.clear()
      this.seenWarnings.add(key)
      return [text]
    })
  }

  /** Waits for a free slot; false when the replay is stopping instead. */
  private async slot(): Promise<boolean> {
    while (this.running >= this.options.concurrency && !this.stopped) await new Promise<void>((resolve) => this.waiting.push(resolve))
    if (this.stopped) return false
    this.running++
    return true
  }

  private release(): void {
    this.running--
    this.waiting.shift()?.()
  }

  private async runBatch(entries: Entry[], result: JobResult, warnings: Map<string, number>): Promise<void> {
    const { retry, clock, limiter } = this.options
    const events = entries.map((entry) => entry.event)
    // A 429's pause can last a minute: Ctrl-C ends the wait, and the batch was never sent.
    if (limiter) await Promise.race([limiter.ready(), this.stopping])
    if (this.stopped) return unsent(entries, result)
    const results = await this.send(events, warnings)

    let pending = indexesOf(results, 'retry')
    const retried = new Set<number>()
    for (let attempt = 1; attempt <= retry.delaysMs.length && pending.length > 0 && !this.stopped; attempt++) {
      const wait = retry.delaysMs[attempt - 1]!
      await Promise.race([clock.sleep(wait), this.stopping])
      if (this.stopped) break
      result.retries.waitedMs += wait
      result.retries.attempts++
      for (const i of pending) retried.add(i)
      if (limiter) await Promise.race([limiter.ready(), this.stopping])
      if (this.stopped) break
      const again = await this.send(
        pending.map((i) => events[i]!),
        warnings
      )
      pending.forEach((index, k) => {
        results[index] = again[k]!
      })
      pending = pending.filter((index) => results[index]!.outcome === 'retry')
    }

    result.retries.eventsRetried += retried.size
    results.forEach((outcome, i) => {
      result.events++
      if (outcome.outcome === 'delivered') {
        result.delivered++
        if (retried.has(i)) result.retries.deliveredAfterRetry++
        return
      }
      const entry = entries[i]!
      const messageId = typeof entry.event.messageId === 'string' ? entry.event.messageId : undefined
      result.failures.push({
        item: entry.item,
        ...(entry.sub === undefined ? {} : { sub: entry.sub, text: JSON.stringify(entry.event) }),
        outcome: outcome.outcome,
        reason: outcome.reason ?? 'no reason given',
        ...(messageId === undefined ? {} : { messageId })
      })
    })
  }

  private send(events: Array<Record<string, unknown>>, warnings: Map<string, number>): Promise<Result[]> {
    return this.handler === 'onBatch' ? this.sendBatch(events) : this.sendSingly(events, warnings)
  }

  private async sendBatch(events: Array<Record<string, unknown>>): Promise<Result[]> {
    const { runtime, rawSettings } = this.options
    let answer: unknown
    try {
      answer = await runtime.handlers.onBatch!(events, rawSettings)
    } catch (error) {
      // A throw decides for the whole batch: RetryError retries all of it, anything else discards all of it.
      const result = fromThrown(error)
      return events.map(() => result)
    }
    if (!Array.isArray(answer) || answer.length !== events.length) {
      const reason = `onBatch returned ${Array.isArray(answer) ? `${answer.length} results for ${events.length} events` : 'something other than an array'}`
      return events.map(() => ({ outcome: 'rejected', reason }))
    }
    return answer.map(fromBatchStatus)
  }

  private async sendSingly(events: Array<Record<string, unknown>>, warnings: Map<string, number>): Promise<Result[]> {
    const { runtime, rawSettings } = this.options
    const results: Result[] = []
    for (const event of events) {
      try {
        const summary = (await runtime.deliver(event, rawSettings)) as { warnings?: unknown } | undefined
        if (Array.isArray(summary?.warnings)) countWarnings(summary.warnings, warnings)
        results.push({ outcome: 'delivered' })
      } catch (error) {
        results.push(fromThrown(error))
      }
    }
    return results
  }
}

function countWarnings(list: unknown[], into: Map<string, number>): void {
  for (const warning of list) {
    const text = String(warning)
    const more = MORE_WARNINGS.exec(text)
    if (more) into.set(UNLISTED_WARNINGS, (into.get(UNLISTED_WARNINGS) ?? 0) + Number(more[1]))
    else into.set(text, (into.get(text) ?? 0) + 1)
  }
}

/** The items' events, in order; an item holding an array is several events, anything else is unreadable. */
function parseItems(texts: readonly string[], result: JobResult): Entry[] {
  const entries: Entry[] = []
  const unreadable = (item: number, reason: string, sub?: number, text?: string) => {
    result.events++
    result.failures.push({ item, outcome: 'rejected', reason: `${UNREADABLE}: ${reason}`, ...(sub === undefined ? {} : { sub, text }) })
  }
  texts.forEach((text, item) => {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      unreadable(item, `not valid JSON (${shortParseError(error)})`)
      return
    }
    if (!Array.isArray(value)) {
      if (isEvent(value)) entries.push({ event: value, item })
      else unreadable(item, notAnEvent(value))
      return
    }
    value.forEach((element, sub) => {
      if (isEvent(element)) entries.push({ event: element, item, sub })
      else unreadable(item, notAnEvent(element), sub, JSON.stringify(element) ?? String(element))
    })
  })
  return entries
}

const isEvent = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

function notAnEvent(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  return `not an event: a JSON ${kind}, not an object`
}

/**
 * JSON.parse's message without the echoed input or the position, so that the
 * same mistake on many lines counts as one reason ("Unexpected token '}'").
 */
function shortParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message
    .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ (?:in|after) JSON at position \d+.*$/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 120)
}

function indexesOf(results: Result[], outcome: Outcome): number[] {
  const out: number[] = []
  results.forEach((result, i) => {
    if (result.outcome === outcome) out.push(i)
  })
  return out
}

/** As Segment classifies a thrown error (https://segment.com/docs/connections/functions/destination-functions/#errors-and-error-handling). */
function fromThrown(error: unknown): Result {
  const { name, message } = describeThrown(error)
  if (name === 'RetryError') return { outcome: 'retry', reason: `RetryError: ${message}` }
  if (name === 'ValidationError' || name === 'InvalidEventPayload' || name === 'EventNotSupported') {
    return { outcome: 'rejected', reason: `${name}: ${message}` }
  }
  // Segment shows any other error as "Bad Request" and drops the event.
  return { outcome: 'rejected', reason: `Bad Request (${name}): ${message}` }
}

/**
 * An onBatch status: 200 delivered, 500 retried, anything else discarded
 * (https://segment.com/docs/connections/functions/destination-functions/#handling-batching-errors).
 * The batch protocol carries no error class, only the status and a message.
 */
function fromBatchStatus(entry: unknown): Result {
  const status = (entry as { status?: unknown } | null)?.status
  const message = String((entry as { errormessage?: unknown } | null)?.errormessage ?? 'no message')
  if (status === 200) return { outcome: 'delivered' }
  if (status === 500) return { outcome: 'retry', reason: `status 500: ${message}` }
  return { outcome: 'rejected', reason: `status ${String(status)}: ${message}` }
}

/** Events whose batch never started: the replay was stopping (Ctrl-C). */
function unsent(entries: Entry[], result: JobResult): void {
  for (const entry of entries)
    result.unsent.push({ item: entry.item, ...(entry.sub === undefined ? {} : { text: JSON.stringify(entry.event) }) })
}
