// Turns one HTTP call into Braze's answer: scripted answers first, then
// routing, method, key, JSON, and the endpoint handler. Every call is
// recorded here, before any delay, so a test that awaited the answer sees it.
import type { Answer } from './answer'
import { handleIdentify } from './identify'
import { handleMerge } from './merge'
import type { ProfileStore } from './profiles'
import { TRACK_RATE_LIMIT, USERS_RATE_LIMIT } from '../braze-rate-limits'
import { RateWindow } from './rate-limit'
import type { IncomingCall, Reply } from './server'
import { handleTrack } from './track'
import type { RecordedRequest, ScriptedResponse } from './types'
import { handleAliasNew, handleDelete } from './users'

const DEFAULT_MAX_RECORDED_REQUESTS = 10_000

export interface DispatchState {
  apiKey: string
  latencyMs: number
  maxObjectsPerRequest: number
  /** The request log keeps this many of the latest requests (0: none). */
  maxRecordedRequests: number
  store: ProfileStore
  scripted: ScriptedResponse[]
  requests: RecordedRequest[]
  trackWindow: RateWindow
  usersWindow: RateWindow
  now: () => number
}

export function createDispatchState(
  options: Pick<DispatchState, 'apiKey' | 'latencyMs' | 'maxObjectsPerRequest' | 'store'> &
    Partial<Pick<DispatchState, 'maxRecordedRequests'>>
): DispatchState {
  return {
    ...options,
    maxRecordedRequests: options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS,
    scripted: [],
    requests: [],
    trackWindow: new RateWindow(TRACK_RATE_LIMIT),
    usersWindow: new RateWindow(USERS_RATE_LIMIT),
    now: Date.now
  }
}

interface Route {
  window: (state: DispatchState) => RateWindow
  handle: (state: DispatchState, body: unknown) => Answer
}

const ROUTES: Record<string, Route> = {
  '/users/track': {
    window: (state) => state.trackWindow,
    handle: (state, body) => handleTrack(state.store, body, state.maxObjectsPerRequest)
  },
  '/users/identify': { window: (state) => state.usersWindow, handle: (state, body) => handleIdentify(state.store, body) },
  '/users/merge': { window: (state) => state.usersWindow, handle: (state, body) => handleMerge(state.store, body) },
  '/users/delete': { window: (state) => state.usersWindow, handle: (state, body) => handleDelete(state.store, body) },
  '/users/alias/new': {
    window: (state) => state.usersWindow,
    handle: (state, body) => handleAliasNew(state.store, body)
  }
}

const JSON_TYPE = 'application/json; charset=utf-8'

type ParsedBody = { ok: true; value: unknown } | { ok: false; text: string }

function parseBody(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, text }
  }
}

export function dispatch(state: DispatchState, call: IncomingCall): Reply {
  const body = parseBody(call.text)
  const scripted = state.scripted.shift()
  const { reply, response } = scripted ? scriptedReply(state, call, scripted) : normalReply(state, call, body)
  if (state.maxRecordedRequests > 0) {
    state.requests.push({
      method: call.method,
      path: call.path,
      headers: { ...call.headers },
      body: body.ok ? body.value : body.text === '' ? undefined : body.text,
      status: reply.destroySocket ? 0 : reply.status,
      response: reply.destroySocket ? undefined : response
    })
    // The array is trimmed in place: callers hold on to it (and replay empties it itself).
    while (state.requests.length > state.maxRecordedRequests) state.requests.shift()
  }
  return reply
}

function normalReply(state: DispatchState, call: IncomingCall, body: ParsedBody): { reply: Reply; response: unknown } {
  const route = ROUTES[call.path]
  if (!route) return json(state, 404, { message: `Not Found: Braze has no endpoint ${call.path}` })
  if (call.method !== 'POST') {
    return json(state, 405, { message: `Method Not Allowed: ${call.path} accepts POST only` }, { allow: 'POST' })
  }
  const limits = route.window(state).hit(state.now())
  if (call.headers.authorization !== `Bearer ${state.apiKey}`) {
    // The key is never echoed: answers end up in logs and Segment's Event Delivery.
    return json(state, 401, { message: unauthorisedMessage(call.headers.authorization) }, limits)
  }
  // "415 Unsupported Media Type: The Content-Type request header is missing or incorrect"
  // (https://www.braze.com/docs/api/errors/#fatal-errors).
  if (!/^application\/json\b/i.test(call.headers['content-type'] ?? '')) {
    return json(state, 415, { message: 'Unsupported Media Type: Content-Type must be application/json' }, limits)
  }
  if (!body.ok) return json(state, 400, { message: 'Invalid request: the body is not valid JSON' }, limits)
  const answer = route.handle(state, body.value)
  return json(state, answer.status, answer.body, limits)
}

function unauthorisedMessage(header: string | undefined): string {
  if (header === undefined) return 'Invalid API key: no Authorization header (expected "Bearer <REST API key>")'
  if (!header.startsWith('Bearer ')) return 'Invalid API key: the Authorization header must be "Bearer <REST API key>"'
  return 'Invalid API key: the key is not valid for this Braze instance or lacks permission for this endpoint'
}

function json(
  state: DispatchState,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {}
): { reply: Reply; response: unknown } {
  return {
    reply: {
      status,
      headers: lowerCaseKeys({ ...headers, 'content-type': JSON_TYPE }),
      payload: JSON.stringify(body),
      delayMs: state.latencyMs,
      destroySocket: false
    },
    response: body
  }
}

function scriptedReply(state: DispatchState, call: IncomingCall, scripted: ScriptedResponse): { reply: Reply; response: unknown } {
  const limits = (ROUTES[call.path]?.window(state) ?? state.trackWindow).hit(state.now())
  if (scripted.status === 429) limits['X-RateLimit-Remaining'] = '0'
  const payload = scripted.rawBody ?? (scripted.body === undefined ? '' : JSON.stringify(scripted.body))
  const contentType: Record<string, string> = payload === '' ? {} : { 'content-type': sniffContentType(payload) }
  return {
    reply: {
      status: scripted.status,
      headers: lowerCaseKeys({ ...limits, ...contentType, ...scripted.headers }),
      payload,
      delayMs: scripted.delayMs ?? state.latencyMs,
      destroySocket: scripted.destroySocket === true
    },
    response: scripted.rawBody ?? scripted.body
  }
}

/** Raw bodies are mostly HTML error pages (from a proxy) or cut-off JSON. */
function sniffContentType(payload: string): string {
  return payload.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : JSON_TYPE
}

/** Scripted headers may be spelled any way; later spellings win, and no header is sent twice. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]))
}
