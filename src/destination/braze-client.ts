import { TRACK_ARRAYS, type TrackArray } from './braze-types'
import type { DataCenter } from './data-centers'

/**
 * The only place that talks to Braze. Every outcome comes back as a value —
 * accepted (with the objects Braze listed as rejected), retry, or reject — so
 * callers decide what Segment sees. The API key goes into the Authorization
 * header and nowhere else.
 */
export type BrazePath = '/users/track' | '/users/identify' | '/users/merge' | '/users/delete'

export interface BrazeConnection {
  dataCenter: DataCenter
  apiKey: string
  /** Epoch ms by which every call of this invocation must have finished (Segment allows 5 s). */
  deadline: number
}

export interface RejectedObject {
  array: TrackArray
  index: number
  message: string
}

export type CallOutcome =
  | { kind: 'accepted'; status: number; response: unknown; rejected: RejectedObject[]; unattributed: string[] }
  | { kind: 'retry' | 'reject'; status: number | undefined; response: unknown; message: string }

/** Segment's limit is 5 s per invocation; leave room to build the answer. */
export const INVOCATION_BUDGET_MS = 4000

/*
 * Braze's answers are checked by hand, not with zod/mini: an object schema
 * pulls ~10 KB of zod's object machinery into a bundle with a 100 KB budget,
 * for two small shapes.
 */
interface BrazeAnswer {
  message: string | undefined
  errors: unknown[]
}

function brazeAnswer(json: unknown): BrazeAnswer | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined
  const { message, errors } = json as Record<string, unknown>
  if (message !== undefined && typeof message !== 'string') return undefined
  if (errors !== undefined && !Array.isArray(errors)) return undefined
  return { message, errors: errors ?? [] }
}


/** An `errors[]` entry that names an object as sent: `{input_array, index}`. */
function objectError(entry: unknown): { array: TrackArray; index: number } | undefined {
  const array = (entry as { input_array?: unknown } | null)?.input_array
  const index = (entry as { index?: unknown } | null)?.index
  if (!(TRACK_ARRAYS as readonly unknown[]).includes(array) || typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined
  return { array: array as TrackArray, index }
}

type Fetch = (url: string, init: Record<string, unknown>) => Promise<{
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}>

export async function callBraze(path: BrazePath, body: unknown, connection: BrazeConnection): Promise<CallOutcome> {
  const remaining = connection.deadline - Date.now()
  if (remaining <= 0) return failure('retry', undefined, undefined, 'The invocation ran out of time before this Braze request could be sent.')
  const fetchImpl = (globalThis as { fetch?: Fetch }).fetch
  if (!fetchImpl) return failure('retry', undefined, undefined, 'No fetch is available in this runtime.')

  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort()
      resolve('timeout')
    }, remaining)
  })
  const url = `https://${connection.dataCenter.restHost}${path}`
  try {
    // node-fetch v2 (Segment's fetch) may not abort a body that is still streaming: race it.
    // It also follows redirects, resending the user data wherever they point: never (manual).
    const exchange = (async () => {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${connection.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: controller.signal
      })
      return { response, text: await response.text() }
    })()
    exchange.catch(() => undefined)
    const result = await Promise.race([exchange, timeout])
    if (result === 'timeout') {
      return failure('retry', undefined, undefined, `Braze did not answer ${path} within ${Math.round(remaining / 100) / 10} s (Segment's 5 s limit per invocation).`)
    }
    return classify(path, result.response.status, result.text, result.response.headers, connection)
  } catch (error) {
    return failure('retry', undefined, undefined, `Braze could not be reached at ${connection.dataCenter.restHost} (${networkReason(error, connection.apiKey)}).`)
  } finally {
    clearTimeout(timer)
  }
}

function failure(kind: 'retry' | 'reject', status: number | undefined, response: unknown, message: string): CallOutcome {
  return { kind, status, response, message }
}

function networkReason(error: unknown, apiKey: string): string {
  const code = (error as { code?: unknown })?.code
  const name = (error as { name?: unknown })?.name
  const raw = typeof code === 'string' ? code : typeof name === 'string' ? name : 'network error'
  return redact(raw, apiKey).slice(0, 80)
}

/** Braze's answers are echoed into errors and summaries: make sure the key never rides along. */
export function redact(text: string, apiKey: string): string {
  return apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function classify(
  path: BrazePath,
  status: number,
  text: string,
  headers: { get(name: string): string | null },
  connection: BrazeConnection
): CallOutcome {
  const json = parseJson(text)
  const answer = brazeAnswer(json)
  const brazeMessage = answer?.message ? redact(answer.message, connection.apiKey).slice(0, 300) : undefined
  // Redact before cutting: a cut through the key would leave part of it.
  const response = json === undefined ? redact(text, connection.apiKey).slice(0, 300) : redactDeep(json, connection.apiKey)
  const said = brazeMessage ? `: ${brazeMessage}` : ''

  if (status >= 200 && status < 300) {
    if (!answer) return failure('retry', status, response, `Braze answered ${path} with HTTP ${status} but a body that is not Braze's JSON; the outcome is unknown.`)
    if (answer.message !== 'success') {
      return failure('retry', status, response, `Braze answered ${path} with HTTP ${status} but message ${JSON.stringify(brazeMessage ?? null)} instead of "success".`)
    }
    const rejected: RejectedObject[] = []
    const unattributed: string[] = []
    for (const entry of answer.errors) {
      const target = objectError(entry)
      const message = redact(String((entry as { type?: unknown } | null)?.type ?? 'rejected by Braze'), connection.apiKey).slice(0, 300)
      if (target) rejected.push({ ...target, message })
      else unattributed.push(message)
    }
    return { kind: 'accepted', status, response, rejected, unattributed }
  }
  if (status === 429) {
    const reset = Number(headers.get('x-ratelimit-reset'))
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ''
    return failure('retry', status, response, `Braze rate limit reached (HTTP 429)${when}${said}.`)
  }
  if (status >= 500 || status === 408) return failure('retry', status, response, `Braze had a problem with ${path} (HTTP ${status})${said}.`)
  return failure('reject', status, response, `Braze rejected ${path} (HTTP ${status})${said}.${hintFor(status, connection)}`)
}

function hintFor(status: number, connection: BrazeConnection): string {
  if (status === 401) {
    return ` Check the apiKey setting (no quotes or spaces) and that dataCenter ${connection.dataCenter.instance} (${connection.dataCenter.restHost}) is the instance the key belongs to.`
  }
  if (status === 403) return ' The API key lacks the permission for this endpoint (users.track, users.identify, users.merge, users.delete), or the plan does not allow it.'
  if (status >= 300 && status < 400) return ' Braze answered with a redirect, which this function does not follow: check the dataCenter setting.'
  return ''
}

/** Walks the parsed answer: replacing inside its JSON text could break the JSON (a key like "1234" matches numbers). */
function redactDeep(value: unknown, apiKey: string): unknown {
  if (apiKey.length < 4) return value
  if (typeof value === 'string') return redact(value, apiKey)
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, apiKey))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key, apiKey), redactDeep(item, apiKey)]))
  }
  return value
}
