// Everything a replay counts, in bounded memory (counters, tables of reasons
// and warnings, the first failed events), and its two renderings: text for
// people, JSON for scripts.
import type { DataPoints } from '../data-points'
import { count, duration, plural } from '../wording'
import type { EventFailure, JobResult } from './executor'
import { addCounts, emptyCounts, totalRequests, type EndpointCount, type RequestCounts, type TrackObjects } from './request-stats'

interface ReasonCount {
  reason: string
  count: number
}

/** One event that was not delivered: where it is in the input, and why. */
export interface FailedEvent {
  where: string
  messageId?: string
  outcome: 'rejected' | 'retry'
  reason: string
}

export interface ReplaySummaryJson {
  input: string
  target: 'embedded' | 'live'
  /** The base URL requests went to instead of the dataCenter's host (--braze-url). */
  brazeUrl?: string
  handler: 'onBatch' | 'single'
  batchSize: number
  /** Threads running the function (0: the main thread). */
  workers: number
  durationMs: number
  /** Peak resident memory of the whole process (all threads). */
  peakRssMB: number
  /** Processor time of the whole process (all threads, user + system). */
  cpuSeconds: number
  /** Ctrl-C: the counts cover the events read before it. */
  interrupted: boolean
  /** After Ctrl-C: the place of the last item read, so that a replay of the rest can start after it. */
  stoppedAfter?: string
  /** `unfinished`: after Ctrl-C, events read but not sent, or still running when the grace time ran out (not in `total`). */
  events: { total: number; delivered: number; rejected: number; retry: number; unfinished: number }
  /** Every reason, with its count, most frequent first. */
  reasons: { rejected: ReasonCount[]; retry: ReasonCount[] }
  /** The first failed events (all of them are in the --rejects file). */
  failures: { listed: FailedEvent[]; notListed: number }
  /** The function's warnings (returned by the single handlers, logged by onBatch). */
  warnings: { total: number; byText: ReasonCount[] }
  retries: { attempts: number; eventsRetried: number; deliveredAfterRetry: number; waitedMs: number }
  rateLimit: { pausedMs: number }
  requests: { total: number; byEndpoint: Record<string, EndpointCount> }
  /** Objects in /users/track requests: all sent (retries included), and those in requests Braze answered 2xx. */
  objects: { sent: TrackObjects; accepted: TrackObjects }
  dataPoints: DataPoints
  /** Things the reader decided (a JSON array in a .jsonl file, read as an array). */
  notices: string[]
  rejectsFile?: string
  /** The events written to rejectsFile: an event that could not be read has no text to write. */
  rejectsWritten?: number
  requestsFile?: string
  profiles?: number
}

/** Distinct texts kept per table; more are folded into one line so that a noisy file cannot grow memory. */
const MAX_DISTINCT = 1000
const OTHER = `(other texts: more than ${count(MAX_DISTINCT)} distinct ones)`
const MAX_TEXT = 300
const MAX_LISTED_FAILURES = 1000
const MAX_NOTICES = 20

class CountTable {
  private readonly counts = new Map<string, number>()
  total = 0
  add(text: string, n = 1): void {
    this.total += n
    const key = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text
    const existing = this.counts.get(key)
    if (existing !== undefined) this.counts.set(key, existing + n)
    else if (this.counts.size < MAX_DISTINCT) this.counts.set(key, n)
    else this.counts.set(OTHER, (this.counts.get(OTHER) ?? 0) + n)
  }
  all(): ReasonCount[] {
    return [...this.counts.entries()]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
  }
}

export class ReplaySummary {
  readonly events = { total: 0, delivered: 0, rejected: 0, retry: 0, unfinished: 0 }
  private readonly reasons = { rejected: new CountTable(), retry: new CountTable() }
  private readonly warnings = new CountTable()
  private readonly listed: FailedEvent[] = []
  private notListed = 0
  readonly retries = { attempts: 0, eventsRetried: 0, deliveredAfterRetry: 0, waitedMs: 0 }
  pausedMs = 0
  private readonly counts = emptyCounts()
  private readonly notices: string[] = []

  /** A job's outcome; `where` names each of its items. */
  job(where: readonly string[], result: JobResult, counts: RequestCounts, pausedMs: number): void {
    this.events.total += result.events
    this.events.delivered += result.delivered
    for (const key of Object.keys(this.retries) as Array<keyof typeof this.retries>) this.retries[key] += result.retries[key]
    for (const [text, n] of result.warnings) this.warnings.add(text, n)
    addCounts(this.counts, counts)
    this.pausedMs += pausedMs
    for (const failure of result.failures) this.record(failedEvent(where, failure))
  }

  /** Something in the input the reader could not use at all (a file problem): one rejected event. */
  unreadable(event: FailedEvent): FailedEvent {
    this.events.total++
    return this.record(event)
  }

  private record(event: FailedEvent): FailedEvent {
    this.events[event.outcome]++
    this.reasons[event.outcome].add(event.reason)
    if (this.listed.length < MAX_LISTED_FAILURES) this.listed.push(event)
    else this.notListed++
    return event
  }

  /** Events read but not sent after Ctrl-C, or still running when its grace time ran out. */
  unfinished(n: number): void {
    this.events.unfinished += n
  }

  notice(message: string): void {
    if (this.notices.length < MAX_NOTICES) this.notices.push(message)
  }

  toJSON(
    meta: Pick<ReplaySummaryJson, 'input' | 'target' | 'handler' | 'batchSize' | 'workers' | 'durationMs' | 'interrupted'> &
      Partial<Pick<ReplaySummaryJson, 'brazeUrl' | 'rejectsFile' | 'rejectsWritten' | 'requestsFile' | 'profiles' | 'stoppedAfter'>>
  ): ReplaySummaryJson {
    const cpu = process.cpuUsage()
    const byEndpoint = Object.fromEntries(Object.entries(this.counts.byEndpoint).sort(([a], [b]) => a.localeCompare(b)))
    return {
      ...meta,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      events: { ...this.events },
      reasons: { rejected: this.reasons.rejected.all(), retry: this.reasons.retry.all() },
      failures: { listed: [...this.listed], notListed: this.notListed },
      warnings: { total: this.warnings.total, byText: this.warnings.all() },
      retries: { ...this.retries },
      rateLimit: { pausedMs: this.pausedMs },
      requests: { total: totalRequests(this.counts), byEndpoint },
      objects: { sent: { ...this.counts.sent }, accepted: { ...this.counts.accepted } },
      dataPoints: { ...this.counts.dataPoints },
      notices: [...this.notices]
    }
  }
}

function failedEvent(where: readonly string[], failure: EventFailure): FailedEvent {
  const place = where[failure.item] ?? '?'
  return {
    // Counted from 0, as a .json array's items are (`file[n]`) and as jq and JavaScript count.
    where: failure.sub === undefined ? place : `${place}[${failure.sub}]`,
    ...(failure.messageId === undefined ? {} : { messageId: failure.messageId }),
    outcome: failure.outcome,
    reason: failure.reason
  }
}

/** Reasons and failed events shown in the text; --json has them all. */
const SHOWN_REASONS = 10
const SHOWN_FAILURES = 10
const SHOWN_WARNINGS = 10

const sameObjects = (a: TrackObjects, b: TrackObjects) =>
  a.attributes === b.attributes && a.events === b.events && a.purchases === b.purchases
const objects = (o: TrackObjects) =>
  `${plural(o.attributes, 'attribute object')}, ${plural(o.events, 'event')}, ${plural(o.purchases, 'purchase')}`

function table(rows: ReasonCount[], shown: number, what: string): string[] {
  const lines: string[] = []
  const width = Math.max(...rows.slice(0, shown).map((r) => count(r.count).length))
  for (const { reason, count: n } of rows.slice(0, shown)) lines.push(`  ${count(n).padStart(width)} × ${reason}`)
  if (rows.length > shown) {
    const rest = rows.slice(shown)
    const events = rest.reduce((sum, r) => sum + r.count, 0)
    lines.push(`  +${plural(rest.length, `more ${what}`)} (${plural(events, 'event')}; --json lists them all)`)
  }
  return lines
}

export function renderSummary(summary: ReplaySummaryJson, builtFile: string): string {
  const { events } = summary
  const lines: string[] = []
  const target =
    summary.target === 'embedded'
      ? 'the embedded Braze (no network)'
      : summary.brazeUrl
        ? `Braze at ${summary.brazeUrl}`
        : 'the live Braze instance'
  const handler = summary.handler === 'onBatch' ? `onBatch, batches of up to ${summary.batchSize}` : 'single-event handlers'
  const threads = summary.workers === 0 ? 'in the main thread' : `in ${plural(summary.workers, 'thread')}`
  // Under a second the time is mostly start-up (the build check, the threads): a rate would mislead.
  const rate = summary.durationMs >= 1000 ? `, ${plural(Math.round((events.total * 1000) / summary.durationMs), 'event')}/s` : ''
  lines.push(`Replayed ${summary.input} through ${builtFile} (${handler}, ${threads}) against ${target}`)
  lines.push(`in ${duration(summary.durationMs)}${rate}, peak memory ${count(summary.peakRssMB)} MB`)
  // The function's own messages name the dataCenter's host: it does not know the runtime sent its requests elsewhere.
  if (summary.brazeUrl) lines.push(`(Messages below that name the dataCenter's Braze host mean ${summary.brazeUrl}.)`)
  if (summary.interrupted) {
    const unfinished =
      events.unfinished > 0
        ? `; ${plural(events.unfinished, 'more event was', 'more events were')} read but not sent, or not finished in time`
        : ''
    lines.push(`Interrupted (Ctrl-C): these counts cover the events that ran${unfinished}.`)
    if (summary.stoppedAfter !== undefined) {
      const rest = summary.rejectsFile
        ? `; ${summary.rejectsFile} has every event read and not delivered, except any still running when the grace time ran out`
        : ''
      lines.push(`Reading stopped after ${summary.stoppedAfter}${rest}.`)
    }
  }
  for (const notice of summary.notices) lines.push(`Note: ${notice}`)
  lines.push('')
  lines.push(`Events: ${count(events.total)}`)
  const width = Math.max(...[events.delivered, events.rejected, events.retry].map((n) => count(n).length))
  lines.push(`  delivered  ${count(events.delivered).padStart(width)}`)
  lines.push(`  rejected   ${count(events.rejected).padStart(width)}   (Segment discards these)`)
  const after = summary.retries.attempts > 0 ? 'the retries' : 'the attempt'
  lines.push(`  retry      ${count(events.retry).padStart(width)}   (still failing after ${after}; Segment would keep retrying)`)
  for (const kind of ['rejected', 'retry'] as const) {
    const rows = summary.reasons[kind]
    if (rows.length === 0) continue
    lines.push('')
    lines.push(`${kind === 'rejected' ? 'Rejection' : 'Retry'} reasons (${count(rows.length)}):`)
    lines.push(...table(rows, SHOWN_REASONS, 'reason'))
  }
  const failed = summary.failures.listed.length + summary.failures.notListed
  if (failed > 0) {
    const shown = summary.failures.listed.slice(0, SHOWN_FAILURES)
    lines.push('')
    lines.push(
      failed > shown.length
        ? `Events not delivered (the first ${shown.length} of ${count(failed)}; --json lists the first ${count(MAX_LISTED_FAILURES)}):`
        : 'Events not delivered:'
    )
    for (const f of shown) lines.push(`  ${f.where}${f.messageId ? ` (messageId ${f.messageId})` : ''}: ${f.outcome}, ${f.reason}`)
    const written = summary.rejectsWritten ?? 0
    lines.push(
      !summary.rejectsFile
        ? '  --rejects FILE writes all of them, as they were in the input, to fix and replay.'
        : written >= failed
          ? `  All of them, as they were in the input: ${summary.rejectsFile}`
          : `  ${count(written)} of them, as they were in the input, in ${summary.rejectsFile} (the others could not be read: there is no event to write).`
    )
  }
  lines.push('')
  if (summary.warnings.total === 0) {
    lines.push('Warnings: none')
  } else {
    lines.push(`Warnings from the function: ${count(summary.warnings.total)}`)
    lines.push(...table(summary.warnings.byText, SHOWN_WARNINGS, 'warning'))
  }
  if (summary.retries.attempts > 0) {
    const r = summary.retries
    lines.push(
      `Retries: ${plural(r.attempts, 'retry call')} for ${plural(r.eventsRetried, 'event')}, ${count(r.deliveredAfterRetry)} delivered after a retry, ${duration(r.waitedMs)} waited`
    )
  }
  if (summary.rateLimit.pausedMs > 0)
    lines.push(`Rate limit: ${duration(summary.rateLimit.pausedMs)} spent waiting for Braze's reset after a 429`)
  lines.push('')
  lines.push(
    `Braze requests: ${count(summary.requests.total)}${summary.requestsFile ? `, each with its body in ${summary.requestsFile}` : ''}`
  )
  const endpoints = Object.entries(summary.requests.byEndpoint)
  const keyWidth = Math.max(0, ...endpoints.map(([key]) => key.length))
  for (const [key, { count: n, statuses }] of endpoints) {
    const detail = Object.entries(statuses)
      .map(([status, k]) => `${status} ×${count(k)}`)
      .join(', ')
    lines.push(`  ${key.padEnd(keyWidth)}  ${count(n).padStart(7)}   (${detail})`)
  }
  const { sent, accepted } = summary.objects
  if (sameObjects(sent, accepted)) lines.push(`Objects sent to /users/track: ${objects(sent)}, all in requests Braze accepted`)
  else {
    lines.push(`Objects sent to /users/track: ${objects(sent)}`)
    lines.push(`  in requests Braze accepted (2xx): ${objects(accepted)}`)
  }
  const dp = summary.dataPoints
  lines.push(
    `Estimated data points: ${count(dp.total)} (attributes ${count(dp.attributes)}, events ${count(dp.events)}, purchases ${count(dp.purchases)})`
  )
  if (summary.profiles !== undefined) lines.push(`Embedded Braze profiles: ${count(summary.profiles)}`)
  return `${lines.join('\n')}\n`
}
