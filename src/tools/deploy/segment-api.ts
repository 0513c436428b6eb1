// A tiny client for the five Segment Public API calls `deploy` needs.
//
// Why plain `fetch` and not `@segment/public-api-sdk-typescript`: the official
// SDK is a "Public Beta" whose npm `latest` lags its GitHub releases, it is
// generated code built on the deprecated `request` package, and it would add a
// large dependency tree to this project for four HTTP calls. Node 20's global
// `fetch` does the job in one small file that is easy to test with nock,
// and the request/response shapes below were checked against the SDK's
// generated models, so switching to the SDK later stays a mechanical change.
//
// Facts this file relies on, and where they were checked:
// - Hosts `https://api.segmentapis.com` (US workspaces) and
//   `https://eu1.api.segmentapis.com` (EU workspaces), `Authorization: Bearer <token>`:
//   docs.segmentapis.com "Getting Started".
// - `GET /functions` with `pagination` and `resourceType` query parameters,
//   `GET|PATCH /functions/{functionId}`, `POST /functions`, `Accept: application/json`:
//   segmentio/public-api-sdk-typescript `api/functionsApi.ts`
//   (listFunctions, getFunction, updateFunction, createFunction).
// - The query form `pagination[count]=200&pagination[cursor]=…`: the SDK sends
//   `qs: { pagination: {count, cursor} }` through `request`, which serialises
//   nested objects with brackets (percent-encoded, as URLSearchParams does
//   here). docs.segmentapis.com "Pagination" shows `pagination.count=3` instead;
//   both forms are documented somewhere, the bracket form is what the official
//   SDK sends. Count is at most 1000 (SDK `model/paginationInput.ts`); 200 here.
// - Answers are `{"data": …}`: `data.function` for get/create/update
//   (`model/getFunctionV1Output.ts`, `createFunctionV1Output.ts`,
//   `updateFunctionV1Output.ts`; `function` may be null on get), `data.functions`
//   + `data.pagination {current, next?, previous?, totalEntries?}` for the list
//   (`model/listFunctionsV1Output.ts`, `paginationOutput.ts`: `next` "does not
//   return when you retrieve the last page").
// - Errors are `{"errors": [{type, message?, field?, data?, status?}]}`
//   (`model/requestErrorEnvelope.ts`, `requestError.ts`); a 429 carries
//   `data.msBeforeNext` (docs.segmentapis.com "Rate Limits").
// - Body fields: create `{code, displayName, resourceType, settings?, description?, logoUrl?}`,
//   update `{code?, settings?, displayName?, description?, logoUrl?}`, settings
//   `FunctionSettingV1 {name, label, description, type: ARRAY|BOOLEAN|STRING|TEXT_MAP, required, sensitive}`
//   (`model/createFunctionV1Input.ts`, `updateFunctionV1Input.ts`, `functionSettingV1.ts`).
// - `GET /` answers `data.workspace {id, slug, name}` for the token's workspace
//   (`api/workspacesApi.ts`, `model/getWorkspaceV1Output.ts`).
// - An update saves a new version: "Create or update a function to add a version
//   record and save the source code", and only a deploy marks a version `DEPLOYED`
//   (https://segment.com/docs/connections/functions/environment/), which the
//   Public API does for source functions only (`createFunctionDeployment`:
//   "Only applicable to Source Function instances").
// UNVERIFIED (no public source found):
// - whether connected destinations keep the deployed version until "Save & Deploy":
//   Segment's older Config API said "Destination Function code updates will
//   immediately be deployed to all destination instances", so deploy's output and
//   the README say an update may be live at once;
// - which of 401 / 403 Segment uses for a token of another workspace, another
//   region or without Functions access (deploy explains both the same way);
// - that the workspace suffix on destination function names is exactly
//   " (<workspace name>)" (see find-function.ts).

export type Region = 'us' | 'eu'

export const API_HOSTS: Readonly<Record<Region, string>> = {
  us: 'https://api.segmentapis.com',
  eu: 'https://eu1.api.segmentapis.com'
}

/** `FunctionSettingV1` (SDK `model/functionSettingV1.ts`). */
export interface FunctionSetting {
  name: string
  label: string
  description: string
  type: 'STRING' | 'BOOLEAN' | 'ARRAY' | 'TEXT_MAP'
  required: boolean
  sensitive: boolean
}

/** The fields of `FunctionV1` / `ListFunctionItemV1` that deploy reads. */
export interface SegmentFunction {
  id: string
  displayName?: string
  resourceType?: string
}

/** `CreateFunctionV1Input`. */
export interface CreateFunctionBody {
  code: string
  displayName: string
  resourceType: 'DESTINATION'
  description?: string
  settings?: FunctionSetting[]
}

/** `UpdateFunctionV1Input` (the part deploy sends). */
export interface UpdateFunctionBody {
  code?: string
  settings?: FunctionSetting[]
}

/** Page size for `GET /functions` (the SDK's pagination input allows 1 to 1,000). */
const LIST_PAGE_SIZE = 200
/** A read answered 429 is asked again this often, when Segment asks to wait at most this long. */
const READ_RETRIES = 2
const MAX_READ_WAIT_MS = 10_000
/** A workspace with more than 200 × 50 destination functions is not a case worth a loop that never ends. */
const MAX_LIST_PAGES = 50

export type SegmentApiFailure =
  | { kind: 'http'; status: number; detail: string; retryAfterMs?: number }
  | { kind: 'network'; detail: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'response'; detail: string }

/** Any failure of a Public API call; `request` says which call ("GET /functions/dfn_1"). */
export class SegmentApiError extends Error {
  constructor(
    readonly request: string,
    readonly failure: SegmentApiFailure
  ) {
    super(`${request}: ${describeFailure(failure)}`)
    this.name = 'SegmentApiError'
  }
}

function describeFailure(failure: SegmentApiFailure): string {
  switch (failure.kind) {
    case 'http':
      return `HTTP ${failure.status}${failure.detail ? `: ${failure.detail}` : ''}`
    case 'network':
      return failure.detail
    case 'timeout':
      return `no answer within ${Math.round(failure.timeoutMs / 1000)} s`
    case 'response':
      return failure.detail
  }
}

export interface SegmentApiOptions {
  baseUrl: string
  token: string
  /** Defaults to the global fetch (Node 20). */
  fetch?: typeof fetch
  /** Per request; uploading ~100 KB of code is quick, but Segment sometimes is not. */
  timeoutMs?: number
}

/** The path (with encoded query) of one page of the destination function list. */
export function listFunctionsPath(cursor?: string): string {
  const query = new URLSearchParams({ resourceType: 'DESTINATION', 'pagination[count]': String(LIST_PAGE_SIZE) })
  if (cursor !== undefined) query.set('pagination[cursor]', cursor)
  return `/functions?${query.toString()}`
}

export function functionPath(id: string): string {
  return `/functions/${encodeURIComponent(id)}`
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

export class SegmentApi {
  private readonly fetchFn: typeof fetch
  private readonly timeoutMs: number

  constructor(private readonly options: SegmentApiOptions) {
    this.fetchFn = options.fetch ?? globalThis.fetch
    this.timeoutMs = options.timeoutMs ?? 60_000
  }

  /** `GET /functions/{id}`; `undefined` when Segment answers 404 or `function: null`. */
  async getFunction(id: string): Promise<SegmentFunction | undefined> {
    const path = functionPath(id)
    try {
      const data = await this.call('GET', path)
      return data.function === null ? undefined : readFunction(`GET ${path}`, data)
    } catch (error) {
      if (error instanceof SegmentApiError && error.failure.kind === 'http' && error.failure.status === 404) return undefined
      throw error
    }
  }

  /** Every destination function of the workspace, following `pagination.next`. */
  async listDestinationFunctions(): Promise<SegmentFunction[]> {
    const functions: SegmentFunction[] = []
    const seen = new Set<string>()
    let cursor: string | undefined
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const path = listFunctionsPath(cursor)
      const data = await this.call('GET', path)
      if (!Array.isArray(data.functions))
        throw new SegmentApiError(`GET ${path}`, { kind: 'response', detail: 'the answer has no data.functions list' })
      for (const item of data.functions) {
        if (isRecord(item) && typeof item.id === 'string') functions.push(toFunction(item))
      }
      const next = isRecord(data.pagination) ? data.pagination.next : undefined
      if (typeof next !== 'string' || next === '') return functions
      // A list read only in part could miss the function and create a second one: refused instead.
      if (seen.has(next)) throw new SegmentApiError(`GET ${path}`, { kind: 'response', detail: 'the list of functions pages in a circle' })
      seen.add(next)
      cursor = next
    }
    throw new SegmentApiError(`GET ${listFunctionsPath(cursor)}`, {
      kind: 'response',
      detail: `the list of functions goes on past ${MAX_LIST_PAGES} pages; pass --id to name the function`
    })
  }

  /** `GET /`: the name of the token's workspace (SDK `api/workspacesApi.ts`, `model/workspaceV1.ts`). */
  async workspaceName(): Promise<string> {
    const data = await this.call('GET', '/')
    const workspace = data.workspace
    if (!isRecord(workspace) || typeof workspace.name !== 'string')
      throw new SegmentApiError('GET /', { kind: 'response', detail: 'the answer has no data.workspace.name' })
    return workspace.name
  }

  async createFunction(body: CreateFunctionBody): Promise<SegmentFunction> {
    const data = await this.call('POST', '/functions', body)
    return readFunction('POST /functions', data)
  }

  async updateFunction(id: string, body: UpdateFunctionBody): Promise<SegmentFunction> {
    const path = functionPath(id)
    const data = await this.call('PATCH', path, body)
    return readFunction(`PATCH ${path}`, data)
  }

  /** One request; resolves to the `data` object of a 2xx answer, rejects with SegmentApiError. */
  private async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, attempt = 0): Promise<Record<string, unknown>> {
    const request = `${method} ${path}`
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json'
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'

    let response: Response
    try {
      response = await this.fetchFn(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new SegmentApiError(request, { kind: 'timeout', timeoutMs: this.timeoutMs })
      }
      throw new SegmentApiError(request, { kind: 'network', detail: networkDetail(error) })
    }

    let text: string
    try {
      text = await response.text()
    } catch (error) {
      throw new SegmentApiError(request, { kind: 'network', detail: `the answer was cut off (${networkDetail(error)})` })
    }
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }

    if (!response.ok) {
      const wait = retryAfterMs(json, response.headers)
      // A 429 was not applied: a read that need not wait long is asked again, as Segment's own Terraform provider's
      // client does (retryablehttp); a write is left to the user, who sees how long to wait.
      if (response.status === 429 && method === 'GET' && attempt < READ_RETRIES && wait !== undefined && wait <= MAX_READ_WAIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, wait))
        return this.call(method, path, body, attempt + 1)
      }
      // The token out before the body is cut short: a cut through it would leave part of it.
      const hide = (shown: string) => (this.options.token.length > 0 ? shown.split(this.options.token).join('***') : shown)
      throw new SegmentApiError(request, {
        kind: 'http',
        status: response.status,
        detail: errorDetail(json, hide(text), response.statusText, hide),
        retryAfterMs: wait
      })
    }
    if (!isRecord(json) || !isRecord(json.data)) {
      throw new SegmentApiError(request, { kind: 'response', detail: `unexpected answer (HTTP ${response.status}, no "data" object)` })
    }
    return json.data
  }
}

function toFunction(item: Record<string, unknown>): SegmentFunction {
  return {
    id: String(item.id),
    displayName: typeof item.displayName === 'string' ? item.displayName : undefined,
    resourceType: typeof item.resourceType === 'string' ? item.resourceType : undefined
  }
}

function readFunction(request: string, data: Record<string, unknown>): SegmentFunction {
  const fn = data.function
  if (!isRecord(fn) || typeof fn.id !== 'string') {
    throw new SegmentApiError(request, { kind: 'response', detail: 'unexpected answer (no data.function.id)' })
  }
  return toFunction(fn)
}

/** `errors[].message` joined, else a short piece of the body (`text`, already `hide`den), else the status text. */
function errorDetail(json: unknown, text: string, statusText: string, hide: (text: string) => string): string {
  if (isRecord(json) && Array.isArray(json.errors)) {
    const messages = json.errors
      .filter(isRecord)
      .map((e) => {
        const message = hide(typeof e.message === 'string' ? e.message : typeof e.type === 'string' ? e.type : '')
        return typeof e.field === 'string' && message !== '' ? `${message} (field ${e.field})` : message
      })
      .filter((m) => m !== '')
    if (messages.length > 0) return messages.join('; ')
  }
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat !== '') return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
  return statusText
}

function retryAfterMs(json: unknown, headers: Headers): number | undefined {
  if (isRecord(json) && Array.isArray(json.errors)) {
    for (const e of json.errors) {
      if (isRecord(e) && isRecord(e.data) && typeof e.data.msBeforeNext === 'number') return e.data.msBeforeNext
    }
  }
  const header = headers.get('retry-after')
  if (header !== null && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  // Segment documents X-RateLimit-Reset as a date in RFC 5322 format (https://docs.segmentapis.com/tag/Rate-Limits/).
  const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '')
  return Number.isFinite(reset) ? Math.max(0, reset - Date.now()) : undefined
}

/** Node's fetch throws `TypeError: fetch failed` with the useful part (an Error or error-like object) in `cause`. */
function networkDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error
  if (isRecord(cause) || cause instanceof Error) {
    const { code, message } = cause as { code?: unknown; message?: unknown }
    const text = typeof message === 'string' ? message : ''
    if (typeof code === 'string' && !text.includes(code)) return text === '' ? code : `${code}: ${text}`
    if (text !== '') return text
  }
  return error instanceof Error ? error.message : String(error)
}
