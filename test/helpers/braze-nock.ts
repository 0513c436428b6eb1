// Shared nock helpers: a Braze REST host that records every request it gets
// and answers as each test scripts it.
import nock from 'nock'
import { planDelivery, requestLimits } from '../../src/destination/delivery-plan'
import { inTimeOrder } from '../../src/destination/merge-attributes'
import { mapEvent } from '../../src/destination/map-event'
import { bodyOf } from '../../src/destination/track-bundle'
import type { EventPlan } from '../../src/destination/plan'
import { parseSettings } from '../../src/destination/settings'

export const BRAZE_HOST = 'https://rest.iad-01.braze.com'
/** Distinctive, so a leak anywhere is easy to find. */
export const API_KEY = 'brz-SECRET-KEY-7f3e9c21-4d8a-4b6e-a1f0-c0ffee5ec4e7'
/**
 * ecommerceMode "purchases": these suites test delivery with Order Completed as
 * legacy purchases; the default, recommended events, is covered by
 * test/mapping-ecommerce.test.ts and test/built-ecommerce.test.ts.
 */
export const SETTINGS = Object.freeze({ apiKey: API_KEY, dataCenter: 'US-01', ecommerceMode: 'purchases' })

export interface RecordedRequest {
  path: string
  body: any
  headers: Record<string, string | string[] | undefined>
}

interface ScriptedReply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedReply | undefined

/** What Braze answers when everything goes well. */
function success(request: RecordedRequest): ScriptedReply {
  if (request.path !== '/users/track') return { status: 202, body: { message: 'success' } }
  const count = (name: string) => (Array.isArray(request.body?.[name]) ? request.body[name].length : 0)
  return {
    status: 201,
    body: {
      message: 'success',
      attributes_processed: count('attributes'),
      events_processed: count('events'),
      purchases_processed: count('purchases')
    }
  }
}

export interface BrazeMock {
  requests: RecordedRequest[]
  scope: nock.Scope
  /** Requests to one path. */
  to(path: string): RecordedRequest[]
}

/**
 * A persistent catch-all for POSTs to the Braze host. `respond` may return
 * undefined to fall back to `success`. Register more specific (e.g. delayed)
 * interceptors *before* calling this: nock uses the first that matches.
 */
export function mockBraze(respond: Responder = () => undefined, host = BRAZE_HOST): BrazeMock {
  const requests: RecordedRequest[] = []
  const scope = nock(host)
    .persist()
    .post(/.*/)
    .reply(function (uri, body) {
      const request: RecordedRequest = {
        path: uri,
        body: typeof body === 'string' ? safeParse(body) : body,
        headers: { ...this.req.headers }
      }
      requests.push(request)
      const reply = respond(request, requests.length - 1) ?? success(request)
      const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '')
      return [reply.status, payload, { 'Content-Type': 'application/json', ...(reply.headers ?? {}) }]
    })
  return { requests, scope, to: (path) => requests.filter((request) => request.path === path) }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Every track object of the recorded requests, by array. */
export function trackObjects(requests: RecordedRequest[]): { attributes: any[]; events: any[]; purchases: any[] } {
  const out = { attributes: [] as any[], events: [] as any[], purchases: [] as any[] }
  for (const request of requests) {
    if (request.path !== '/users/track') continue
    for (const name of ['attributes', 'events', 'purchases'] as const) out[name].push(...(request.body?.[name] ?? []))
  }
  return out
}

function resetNock(): void {
  nock.abortPendingRequests()
  nock.cleanAll()
}

/**
 * A test file's nock lifecycle: no real network while it runs, a clean slate
 * after each test, and nock's patch taken off Node's http at the end (jest
 * shares that module between the test files of one worker).
 */
export function useNock(options: { loopback?: boolean } = {}): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate()
  })
  beforeEach(() => {
    nock.disableNetConnect()
    // The embedded Braze listens on loopback.
    if (options.loopback) nock.enableNetConnect('127.0.0.1')
  })
  afterEach(() => {
    resetNock()
    nock.enableNetConnect()
  })
  afterAll(() => {
    nock.restore()
  })
}

/** Whatever a test got back, thrown or returned, must never contain the key, nor any 16-character piece of it. */
export function expectNoKey(...values: unknown[]): void {
  const pieces = Array.from({ length: API_KEY.length - 15 }, (_, i) => API_KEY.slice(i, i + 16))
  for (const value of values) {
    const text =
      value instanceof Error
        ? `${value.name} ${value.message} ${value.stack} ${JSON.stringify(value)}`
        : (JSON.stringify(value) ?? String(value))
    const piece = pieces.find((candidate) => text.includes(candidate))
    if (piece) throw new Error(`the API key leaked ("${piece}") into: ${text.slice(0, 400)}`)
  }
}

/**
 * A connection reset as Node reports it. nock's `replyWithError({ code })`
 * with a plain object never reaches node-fetch v2 (the request just hangs
 * until the deadline), so runtime tests use a real Error.
 */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
}

/** The first-round /users/track bodies the sources plan for these events, in planning order (requests run concurrently). */
export function plannedBodies(events: unknown[], rawSettings: unknown): Array<Record<string, unknown>> {
  const parsed = parseSettings(rawSettings)
  if (!('settings' in parsed)) throw new Error('bad settings')
  const mapped = events.map((event) => mapEvent(event, parsed.settings)) as EventPlan[]
  // deliver() plans the events in time order (src/destination/deliver.ts).
  const plans = inTimeOrder(mapped.map((plan, owner) => ({ plan, owner, epoch: plan.epoch }))).map(({ plan }) => plan)
  return planDelivery(plans, { limits: requestLimits(parsed.settings.maxObjectsPerRequest) }).requests.map(bodyOf)
}
