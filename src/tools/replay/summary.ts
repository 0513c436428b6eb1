import { addDataPoints, estimateRequestDataPoints, type DataPoints } from '../data-points'

/**
 * Everything a replay counts, in bounded memory (counters and a capped table
 * of reasons), and its two renderings: text for people, JSON for scripts.
 */
export type Outcome = 'delivered' | 'rejected' | 'retry'

export interface ReasonCount {
  reason: string
  count: number
}

export interface EndpointCount {
  count: number
  /** By HTTP status; "error" when no answer came (network failure, time-out). */
  statuses: Record<string, number>
}

export interface ReplaySummaryJson {
  input: string
  target: 'embedded' | 'live'
  handler: 'onBatch' | 'single'
  batchSize: number
  durationMs: number
  events: { total: number; delivered: number; rejected: number; retry: number }
  reasons: { rejected: ReasonCount[]; retry: ReasonCount[] }
  retries: { attempts: number; eventsRetried: number; deliveredAfterRetry: number; waitedMs: number }
  requests: { total: number; byEndpoint: Record<string, EndpointCount> }
  objectsSent: { attributes: number; events: number; purchases: number }
  attributeMerge: { before: number; after: number; mergedAway: number }
  dataPoints: DataPoints
  /** The first few unreadable lines or elements, with where they are. */
  badInput: BadInputExample[]
  profiles?: number
}

export interface BadInputExample {
  where: string
  reason: string
}

export const BAD_INPUT_PREFIX = 'Unreadable input'
const BAD_INPUT_EXAMPLES = 5

/** Distinct reasons kept; more are folded into one line so a noisy file cannot grow memory. */
const MAX_REASONS = 500
const TOP_REASONS = 5
const OTHER_REASONS = '(other reasons)'

class ReasonTable {
  private readonly counts = new Map<string, number>()
  add(reason: string): void {
    const key = reason.length > 300 ? `${reason.slice(0, 299)}…` : reason
    const existing = this.counts.get(key)
    if (existing !== undefined) this.counts.set(key, existing + 1)
    else if (this.counts.size < MAX_REASONS) this.counts.set(key, 1)
    else this.counts.set(OTHER_REASONS, (this.counts.get(OTHER_REASONS) ?? 0) + 1)
  }
  top(n: number): ReasonCount[] {
    return [...this.counts.entries()]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, n)
  }
}

export interface ObservedExchange {
  method: string
  url: string
  body: string | undefined
  status: number | undefined
}

export class ReplaySummary {
  readonly events = { total: 0, delivered: 0, rejected: 0, retry: 0 }
  private readonly reasons = { rejected: new ReasonTable(), retry: new ReasonTable() }
  readonly retries = { attempts: 0, eventsRetried: 0, deliveredAfterRetry: 0, waitedMs: 0 }
  private readonly endpoints = new Map<string, EndpointCount>()
  readonly objectsSent = { attributes: 0, events: 0, purchases: 0 }
  readonly attributeMerge = { before: 0, after: 0 }
  readonly dataPoints: DataPoints = { attributes: 0, events: 0, purchases: 0, total: 0 }
  requestsTotal = 0
  private readonly badInputExamples: BadInputExample[] = []

  outcome(outcome: Outcome, reason?: string): void {
    this.events.total++
    this.events[outcome]++
    if (outcome !== 'delivered') this.reasons[outcome].add(reason ?? 'no reason given')
  }

  /** A line or element that is not an event: rejected, as Segment would never have accepted it. */
  badInput(where: string, reason: string): void {
    this.outcome('rejected', `${BAD_INPUT_PREFIX}: ${reason}`)
    if (this.badInputExamples.length < BAD_INPUT_EXAMPLES) this.badInputExamples.push({ where, reason })
  }

  /** One HTTP exchange the function made (observed through the runtime's onRequest). */
  request(exchange: ObservedExchange): void {
    const path = pathOf(exchange.url)
    const key = `${exchange.method} ${path}`
    const status = exchange.status === undefined ? 'error' : String(exchange.status)
    const entry = this.endpoints.get(key) ?? { count: 0, statuses: {} }
    entry.count++
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1
    this.endpoints.set(key, entry)
    this.requestsTotal++
    if (path !== '/users/track' || exchange.body === undefined) return
    let body: unknown
    try {
      body = JSON.parse(exchange.body)
    } catch {
      return
    }
    if (body === null || typeof body !== 'object') return
    for (const name of ['attributes', 'events', 'purchases'] as const) {
      const items = (body as Record<string, unknown>)[name]
      if (Array.isArray(items)) this.objectsSent[name] += items.length
    }
    // Braze bills what it accepted: a 429, a 5xx or a refused request costs nothing.
    if (exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300) {
      addDataPoints(this.dataPoints, estimateRequestDataPoints(path, body))
    }
  }

  merge(before: number, after: number): void {
    this.attributeMerge.before += before
    this.attributeMerge.after += after
  }

  toJSON(meta: Pick<ReplaySummaryJson, 'input' | 'target' | 'handler' | 'batchSize' | 'durationMs'> & { profiles?: number }): ReplaySummaryJson {
    const byEndpoint = Object.fromEntries([...this.endpoints.entries()].sort(([a], [b]) => a.localeCompare(b)))
    return {
      ...meta,
      events: { ...this.events },
      reasons: { rejected: this.reasons.rejected.top(TOP_REASONS), retry: this.reasons.retry.top(TOP_REASONS) },
      retries: { ...this.retries },
      requests: { total: this.requestsTotal, byEndpoint },
      objectsSent: { ...this.objectsSent },
      attributeMerge: { ...this.attributeMerge, mergedAway: this.attributeMerge.before - this.attributeMerge.after },
      dataPoints: { ...this.dataPoints },
      badInput: [...this.badInputExamples]
    }
  }
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

const number = (n: number) => n.toLocaleString('en-US')

export function renderSummary(summary: ReplaySummaryJson): string {
  const { events } = summary
  const lines: string[] = []
  const target = summary.target === 'live' ? 'the live Braze instance' : 'the embedded Braze (no network)'
  const handler = summary.handler === 'onBatch' ? `onBatch, batches of up to ${summary.batchSize}` : 'single-event handlers'
  lines.push(`Replayed ${summary.input} through build/braze-destination.js (${handler}) against ${target} in ${(summary.durationMs / 1000).toFixed(1)} s`)
  lines.push('')
  lines.push(`Events: ${number(events.total)}`)
  const width = Math.max(...[events.delivered, events.rejected, events.retry].map((n) => number(n).length))
  lines.push(`  delivered  ${number(events.delivered).padStart(width)}`)
  lines.push(`  rejected   ${number(events.rejected).padStart(width)}   (Segment discards these)`)
  lines.push(`  retry      ${number(events.retry).padStart(width)}   (still failing after ${summary.retries.attempts > 0 ? 'the retries' : 'the attempt'}; Segment would keep retrying)`)
  for (const kind of ['rejected', 'retry'] as const) {
    const top = summary.reasons[kind]
    if (top.length === 0) continue
    lines.push('')
    lines.push(`Top ${kind === 'rejected' ? 'rejection' : 'retry'} reasons:`)
    const countWidth = Math.max(...top.map((r) => number(r.count).length))
    for (const { reason, count } of top) lines.push(`  ${number(count).padStart(countWidth)} × ${reason}`)
  }
  if (summary.retries.attempts > 0) {
    const r = summary.retries
    lines.push('')
    lines.push(
      `Retries: ${number(r.attempts)} retry calls for ${number(r.eventsRetried)} events, ${number(r.deliveredAfterRetry)} delivered after a retry, ${(r.waitedMs / 1000).toFixed(1)} s waited`
    )
  }
  lines.push('')
  lines.push(`Braze requests: ${number(summary.requests.total)}`)
  const endpoints = Object.entries(summary.requests.byEndpoint)
  const keyWidth = Math.max(0, ...endpoints.map(([key]) => key.length))
  for (const [key, { count, statuses }] of endpoints) {
    const detail = Object.entries(statuses)
      .map(([status, n]) => `${status} ×${number(n)}`)
      .join(', ')
    lines.push(`  ${key.padEnd(keyWidth)}  ${number(count).padStart(7)}   (${detail})`)
  }
  const sent = summary.objectsSent
  lines.push(`Objects sent: ${number(sent.attributes)} attributes, ${number(sent.events)} events, ${number(sent.purchases)} purchases`)
  const merge = summary.attributeMerge
  lines.push(
    `Attribute objects: ${number(merge.before)} built, ${number(merge.after)} after merging per user (${number(merge.mergedAway)} merged away)`
  )
  const dp = summary.dataPoints
  lines.push(
    `Estimated data points: ${number(dp.total)} (attributes ${number(dp.attributes)}, events ${number(dp.events)}, purchases ${number(dp.purchases)})`
  )
  if (summary.profiles !== undefined) lines.push(`Embedded Braze profiles: ${number(summary.profiles)}`)
  if (summary.badInput.length > 0) {
    lines.push('')
    lines.push('First unreadable input:')
    for (const bad of summary.badInput) lines.push(`  ${bad.where}: ${bad.reason}`)
  }
  return `${lines.join('\n')}\n`
}
