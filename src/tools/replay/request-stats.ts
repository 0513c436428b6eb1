// What the built function actually sent, counted from the requests it made
// (the runtime's onRequest observer): requests by endpoint and status, the
// objects in /users/track bodies, and the data points Braze bills for what
// it accepted. Nothing here knows how the function plans its calls.
import { addDataPoints, estimateTrackDataPoints, type DataPoints } from '../data-points'
import type { ObservedRequest } from '../segment-runtime'

export interface EndpointCount {
  count: number
  /** By HTTP status; "error" when no answer came (network failure, time-out). */
  statuses: Record<string, number>
}

export interface TrackObjects {
  attributes: number
  events: number
  purchases: number
}

/** Plain data: crosses from a worker thread to the main thread as is. */
export interface RequestCounts {
  byEndpoint: Record<string, EndpointCount>
  /** Objects in every /users/track request sent, retries included. */
  sent: TrackObjects
  /** Objects in /users/track requests Braze answered with a 2xx. */
  accepted: TrackObjects
  /** Braze bills what it accepted: a 429, a 5xx or a refused request costs nothing. */
  dataPoints: DataPoints
}

const TRACK_ARRAYS = ['attributes', 'events', 'purchases'] as const

export function emptyCounts(): RequestCounts {
  return {
    byEndpoint: {},
    sent: { attributes: 0, events: 0, purchases: 0 },
    accepted: { attributes: 0, events: 0, purchases: 0 },
    dataPoints: { attributes: 0, events: 0, purchases: 0, total: 0 }
  }
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

export function countRequest(
  counts: RequestCounts,
  exchange: Pick<ObservedRequest, 'method' | 'url' | 'body' | 'status'> & { contentType?: string }
): void {
  const path = pathOf(exchange.url)
  const key = `${exchange.method} ${path}`
  const status = exchange.status === undefined ? 'error' : String(exchange.status)
  const entry = (counts.byEndpoint[key] ??= { count: 0, statuses: {} })
  entry.count++
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1
  if (path !== '/users/track' || exchange.body === undefined) return
  let body: unknown
  try {
    body = JSON.parse(exchange.body)
  } catch {
    return
  }
  if (body === null || typeof body !== 'object') return
  // A 2xx that is not JSON (a proxy's page) is no Braze answer: the function retries it, and so nothing counts as accepted.
  const json = exchange.contentType === undefined || /json/i.test(exchange.contentType)
  const ok = exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300 && json
  for (const name of TRACK_ARRAYS) {
    const items = (body as Record<string, unknown>)[name]
    if (!Array.isArray(items)) continue
    counts.sent[name] += items.length
    if (ok) counts.accepted[name] += items.length
  }
  if (ok) addDataPoints(counts.dataPoints, estimateTrackDataPoints(body))
}

export function totalRequests(counts: RequestCounts): number {
  return Object.values(counts.byEndpoint).reduce((sum, entry) => sum + entry.count, 0)
}

/** Adds `more` into `into`. */
export function addCounts(into: RequestCounts, more: RequestCounts): RequestCounts {
  for (const [key, entry] of Object.entries(more.byEndpoint)) {
    const target = (into.byEndpoint[key] ??= { count: 0, statuses: {} })
    target.count += entry.count
    for (const [status, n] of Object.entries(entry.statuses)) target.statuses[status] = (target.statuses[status] ?? 0) + n
  }
  for (const name of TRACK_ARRAYS) {
    into.sent[name] += more.sent[name]
    into.accepted[name] += more.accepted[name]
  }
  addDataPoints(into.dataPoints, more.dataPoints)
  return into
}
