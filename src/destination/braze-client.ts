// The only place that talks to Braze. Every outcome comes back as a value —
// accepted (with the objects Braze listed as rejected), retry, or reject — so
// callers decide what Segment sees. The API key goes into the Authorization
// header and nowhere else.
import { TRACK_ARRAYS, type TrackArray } from './braze-limits'
import type { DataCenter } from './data-centers'

export type BrazePath = '/users/track' | '/users/merge' | '/users/delete'

export interface BrazeConnection {
  dataCenter: DataCenter
  apiKey: string
  /** Epoch ms by which every call of this invocation must have finished (Segment allows 5 s). */
  deadline: number
}

interface RejectedObject {
  array: TrackArray
  index: number
  message: string
}

export type CallOutcome =
  | {
      kind: 'accepted'
      status: number
      response: unknown
      rejected: RejectedObject[]
      unattributed: string[]
      /** A 400 that names every object it refused: Braze took none of the request, named or not (this says why). */
      tookNone?: string
    }
  | {
      kind: 'retry' | 'reject'
      status: number | undefined
      response: unknown
      message: string
      /** Braze's own `message`, whole (`response` may show an excerpt of a long answer). */
      brazeMessage?: string
    }

/** Segment's limit is 5 s per invocation; leave room to build the answer. */
export const INVOCATION_BUDGET_MS = 4000

// Braze's answers have two small shapes, checked by hand.
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
  if (!(TRACK_ARRAYS as readonly unknown[]).includes(array) || typeof index !== 'number' || !Number.isInteger(index) || index < 0)
    return undefined
  return { array: array as TrackArray, index }
}

type Fetch = (
  url: string,
  init: Record<string, unknown>
) => Promise<{
  status: number
  headers: { get(name: string): string | null }
  body?: unknown
  text(): Promise<string>
}>

/**
 * Braze's answers are small: a 201 naming every object of a 225-object request
 * is about 50 KB. Anything larger is not an answer to act on, and reading it
 * whole would spend the invocation's time and memory.
 */
const MAX_ANSWER_BYTES = 1024 * 1024
/** An `errors[]` longer than this cannot name objects of one request (at most 225): the rest is counted, not read. */
const MAX_ERRORS_READ = 1000
/** Answers up to this size are shown whole (as JSON) in the Test panel; longer ones as an excerpt. */
const SHOWN_ANSWER_CHARS = 2000

type Exchange =
  | { response: Awaited<ReturnType<Fetch>>; text: string }
  /** `broke`: the connection failed mid-answer (else the answer was too big to read). */
  | { response: Awaited<ReturnType<Fetch>>; unreadable: string; broke?: true }

/** Frees the connection of an answer we will not read (node-fetch v2 streams, or web streams). */
function discard(body: unknown): void {
  const stream = body as { cancel?: () => Promise<void>; destroy?: () => void } | null | undefined
  if (typeof stream?.cancel === 'function') stream.cancel().catch(() => undefined)
  else if (typeof stream?.destroy === 'function') stream.destroy()
}

async function readAnswer(response: Awaited<ReturnType<Fetch>>): Promise<Exchange> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > MAX_ANSWER_BYTES) {
    discard(response.body)
    return { response, unreadable: `${declared} bytes, over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` }
  }
  try {
    const text = await response.text()
    // A fetch without node-fetch's `size` option reads everything: the bound still holds for what we process.
    if (text.length > MAX_ANSWER_BYTES) return { response, unreadable: `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` }
    return { response, text }
  } catch (error) {
    // node-fetch v2 rejects at `size` but leaves the stream flowing: the rest would still be downloaded, and thrown away.
    discard(response.body)
    const type = (error as { type?: unknown } | null)?.type
    if (type === 'max-size') return { response, unreadable: `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` }
    return { response, unreadable: 'the connection broke while it was read', broke: true }
  }
}

export async function callBraze(path: BrazePath, body: unknown, connection: BrazeConnection): Promise<CallOutcome> {
  const remaining = connection.deadline - Date.now()
  if (remaining <= 0)
    return failure('retry', undefined, undefined, 'The invocation ran out of time before this Braze request could be sent.')
  // A free name, as in Segment's examples: a global (the emulator's way) or a binding around the script alike.
  const fetchImpl = (typeof fetch === 'undefined' ? undefined : fetch) as Fetch | undefined
  if (typeof fetchImpl !== 'function') return failure('retry', undefined, undefined, 'No fetch is available in this runtime.')

  // Segment's sandbox has no AbortController (its emulator's globals): node-fetch v2's own
  // `timeout` and a timer race bound the call; abort only where the runtime offers it.
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller?.abort()
      resolve('timeout')
    }, remaining)
  })
  const url = `https://${connection.dataCenter.restHost}${path}`
  let result: Exchange | 'timeout'
  try {
    const exchange = (async (): Promise<Exchange> => {
      const init: Record<string, unknown> = {
        method: 'POST',
        headers: { Authorization: `Bearer ${connection.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        // node-fetch follows redirects, resending the user data wherever they point: never.
        redirect: 'manual',
        // node-fetch v2 options (https://github.com/node-fetch/node-fetch/tree/2.x#options); other fetches ignore them.
        timeout: remaining,
        size: MAX_ANSWER_BYTES
      }
      if (controller) init.signal = controller.signal
      return readAnswer(await fetchImpl(url, init))
    })()
    exchange.catch(() => undefined)
    result = await Promise.race([exchange, timeout])
  } catch (error) {
    return failure(
      'retry',
      undefined,
      undefined,
      `Braze could not be reached at ${connection.dataCenter.restHost} (${networkReason(error, connection.apiKey)}).`
    )
  } finally {
    clearTimeout(timer)
  }
  if (result === 'timeout') {
    return failure(
      'retry',
      undefined,
      undefined,
      `Braze did not answer ${path} within ${Math.round(remaining / 100) / 10} s (Segment's 5 s limit per invocation).`
    )
  }
  // Outside the try: Braze answered, and a mistake in reading the answer must not pass for a network failure.
  return classify(path, result, connection)
}

function failure(
  kind: 'retry' | 'reject',
  status: number | undefined,
  response: unknown,
  message: string
): Extract<CallOutcome, { message: string }> {
  return { kind, status, response, message }
}

function networkReason(error: unknown, apiKey: string): string {
  const code = (error as { code?: unknown })?.code
  const name = (error as { name?: unknown })?.name
  const raw = typeof code === 'string' ? code : typeof name === 'string' ? name : 'network error'
  return excerpt(redact(raw, apiKey), 80)
}

/** Braze's answers are echoed into errors and summaries: make sure the key never rides along. */
export function redact(text: string, apiKey: string): string {
  return apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text
}

/**
 * Braze's own text, without the key: a key too short to cut out of a text (1 to 3 characters, no real
 * Braze key) leaves out any text of Braze's that holds it.
 */
function fromBraze(text: string, apiKey: string): string {
  return apiKey.length >= 4 || !text.includes(apiKey) ? redact(text, apiKey) : SHORT_KEY_OMITTED
}
const SHORT_KEY_OMITTED = "(Braze's text left out: it holds the characters of the API key)"

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** What the Test panel shows of an answer: small ones whole, large ones as an excerpt; never the key. */
function shownAnswer(text: string, json: unknown, apiKey: string): unknown {
  if (apiKey.length < 4 && text.includes(apiKey)) return SHORT_KEY_OMITTED
  if (json !== undefined && text.length <= SHOWN_ANSWER_CHARS) return redactDeep(json, apiKey)
  // Redact before cutting: a cut through the key would leave part of it.
  const clean = redact(text, apiKey)
  return clean.length <= 300 ? clean : `${excerpt(clean, 300)}… (${text.length} characters)`
}

/**
 * The start of a text, copied: V8 keeps the whole string a slice was cut from alive, and the call
 * reports would hold every 1 MB answer of the invocation for 300 characters of each.
 */
function excerpt(text: string, length: number): string {
  return text.length <= length ? text : Array.from(text.slice(0, length)).join('')
}

function classify(path: BrazePath, exchange: Exchange, connection: BrazeConnection): CallOutcome {
  const status = exchange.response.status
  const text = 'text' in exchange ? exchange.text : undefined
  const json = text === undefined ? undefined : parseJson(text)
  const answer = brazeAnswer(json)
  const brazeMessage = answer?.message ? excerpt(fromBraze(answer.message, connection.apiKey), 300) : undefined
  const response = text === undefined ? undefined : shownAnswer(text, json, connection.apiKey)
  const said = brazeMessage ? `: ${brazeMessage}` : ''

  if (status >= 200 && status < 300) {
    if (text === undefined) {
      return failure(
        'retry',
        status,
        response,
        `Braze's answer to ${path} (HTTP ${status}) was unreadable (${(exchange as { unreadable: string }).unreadable}); the outcome is unknown.`
      )
    }
    if (!answer)
      return failure(
        'retry',
        status,
        response,
        `Braze's answer to ${path} (HTTP ${status}) was unreadable (not Braze's JSON); the outcome is unknown.`
      )
    // /users/delete documents its answer as only `{"deleted": <count queued>}`
    // (https://www.braze.com/docs/api/endpoints/user_data/post_user_delete/).
    const deleted = path === '/users/delete' && answer.message === undefined && typeof (json as { deleted?: unknown }).deleted === 'number'
    if (answer.message !== 'success' && !deleted) {
      return failure(
        'retry',
        status,
        response,
        `Braze answered ${path} with HTTP ${status} but message ${JSON.stringify(brazeMessage ?? null)} instead of "success".`
      )
    }
    return { kind: 'accepted', status, response, ...objectErrors(answer.errors, connection.apiKey) }
  }
  // When no object of a request is valid Braze answers 400 "Valid data must be provided…" with each object in
  // errors[] (as Segment's Braze (Actions) destination reads it: its __tests__/multistatus.test.ts). The objects
  // are refused, not the request: a merged one is resent per event like any refused object.
  if (status === 400 && path === '/users/track' && answer && answer.errors.length > 0 && answer.errors.every(objectError)) {
    return {
      kind: 'accepted',
      status,
      response,
      ...objectErrors(answer.errors, connection.apiKey),
      tookNone: `Braze rejected ${path} (HTTP 400)${said.replace(/\.$/, '')}`
    }
  }
  // An answer cut off while it was read may have named only some objects: what it said is unknown, so a retry.
  if ('broke' in exchange)
    return failure(
      'retry',
      status,
      response,
      `Braze's answer to ${path} (HTTP ${status}) broke off while it was read (${exchange.unreadable}).`
    )
  if (status === 429) {
    const wait = rateLimitWait(exchange.response.headers)
    const when = !wait
      ? ''
      : 'seconds' in wait
        ? ` for ${Math.ceil(wait.seconds)} s`
        : ` until ${new Date(wait.until * 1000).toISOString()}`
    return failure('retry', status, response, `Braze rate limit reached (HTTP 429)${when}${said}.`)
  }
  if (status >= 500 || status === 408)
    return failure('retry', status, response, `Braze had a problem with ${path} (HTTP ${status})${said}.`)
  // The dataCenter setting names only Braze's own hosts: a redirect from one is Braze's infrastructure, not a
  // bad event. It is not followed (the data and key stay with the Braze host), and Segment retries the event.
  if (status >= 300 && status < 400)
    return failure(
      'retry',
      status,
      response,
      `Braze answered ${path} with a redirect (HTTP ${status}), which this function does not follow: the user data and key go only to ${connection.dataCenter.restHost}.`
    )
  return {
    ...failure('reject', status, response, `Braze rejected ${path} (HTTP ${status})${said}.${hintFor(status, connection)}`),
    brazeMessage: answer?.message === undefined ? undefined : fromBraze(answer.message, connection.apiKey)
  }
}

/**
 * How long a 429 asks to wait. On Braze's current contracts a 429 carries X-Ratelimit-Retry-After, in
 * seconds, and other answers an X-RateLimit-Reset of the seconds left
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/#rate-limit-headers-for-monthly-active-users-cy-24-25-universal-mau-web-mau-and-mobile-mau);
 * on legacy rate limits X-RateLimit-Reset is an epoch in seconds (https://www.braze.com/docs/api/api_limits/).
 * A reset too small for an epoch (before 2001) can only be the seconds left.
 */
export function rateLimitWait(headers: { get(name: string): string | null }): { seconds: number } | { until: number } | undefined {
  const number = (name: string) => {
    const value = headers.get(name)
    return value === null || value.trim() === '' ? NaN : Number(value)
  }
  const retryAfter = number('x-ratelimit-retry-after')
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter < 1e9) return { seconds: retryAfter }
  const reset = number('x-ratelimit-reset')
  if (!(Number.isFinite(reset) && reset > 0 && reset < 1e11)) return undefined
  return reset < 1e9 ? { seconds: reset } : { until: reset }
}

function objectErrors(errors: unknown[], apiKey: string): { rejected: RejectedObject[]; unattributed: string[] } {
  const rejected: RejectedObject[] = []
  const unattributed: string[] = []
  const read = errors.slice(0, MAX_ERRORS_READ)
  for (const entry of read) {
    const target = objectError(entry)
    const type = (entry as { type?: unknown } | null)?.type
    // Any JSON value: String() of an object whose toString is not a function would throw.
    const said = type === undefined || type === null ? 'rejected by Braze' : typeof type === 'string' ? type : JSON.stringify(type)
    const message = excerpt(fromBraze(said, apiKey), 300)
    if (target) rejected.push({ ...target, message })
    else unattributed.push(message)
  }
  if (errors.length > read.length) unattributed.push(`${errors.length - read.length} more errors, not read`)
  return { rejected, unattributed }
}

function hintFor(status: number, connection: BrazeConnection): string {
  if (status === 401) {
    return ` Check the apiKey setting (no quotes or spaces) and that dataCenter ${connection.dataCenter.instance} (${connection.dataCenter.restHost}) is the instance the key belongs to.`
  }
  if (status === 403)
    return ' The API key lacks the permission for this endpoint (users.track, users.merge, users.delete), or the plan does not allow it.'
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
