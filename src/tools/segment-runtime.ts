// A local copy of Segment's function runtime. It loads the built script the
// way Segment's public functions emulator does (github.com/segmentio/functions-library,
// buildpack/boreal/index.js and window.js):
//   - a `window` of host-side globals is copied with Object.assign into a fresh
//     node:vm context, so the error classes are host-realm classes;
//   - the script is wrapped in a function whose parameters are the handler
//     names, each defaulting to a handler that throws EventNotSupported;
//   - the handlers the script declares are read back after it runs;
//   - there is no require, module, exports or process.
// Where it departs from the emulator: onBatch is read back too (Segment's docs
// describe it; the emulator predates it); atob and btoa are Node's (the emulator
// ships npm's, which the function does not use); fetch is node-fetch 2.7 (the
// emulator pins 2.6.0, which on a body cut off mid-answer waits for the
// function's own 4 s deadline instead of failing at once: the same outcome, later);
// `deliver` answers an event type no handler is named for (a typo, "batch") with
// EventNotSupported, where the emulator returns nothing, so that start and replay
// count it as not delivered.
// Profiles (docs/architecture.md, "Runtime profiles"):
//   segment  the emulator's globals plus RetryError and cache, as Segment's
//            current docs describe the runtime (the default everywhere)
//   minimal  the emulator's globals exactly: no RetryError, no cache
//   node     a generous Node 20 set, with the error classes created inside the context
import nodeCrypto, { webcrypto } from 'node:crypto'
import { Writable } from 'node:stream'
import vm from 'node:vm'
import nodeFetch, { Headers, Request, Response } from 'node-fetch'
import { HANDLERS } from './paths'

type HandlerName = (typeof HANDLERS)[number]
type Handler = (eventOrEvents: unknown, settings: unknown) => Promise<unknown>
export type RuntimeProfile = 'segment' | 'minimal' | 'node'
export const RUNTIME_PROFILES: readonly RuntimeProfile[] = ['segment', 'minimal', 'node']

const SEGMENT_ERROR_NAMES = ['ValidationError', 'InvalidEventPayload', 'EventNotSupported', 'RetryError'] as const
export type SegmentErrorName = (typeof SEGMENT_ERROR_NAMES)[number]
type ErrorClass = new (message: string) => Error

export interface RuntimeOptions {
  /** Which sandbox to build (default `segment`). */
  profile?: RuntimeProfile
  /** Send requests for Braze REST hosts to this base URL instead (the embedded Braze), e.g. http://127.0.0.1:4000. */
  brazeBaseUrl?: string
  /** Replaces node-fetch entirely (an in-process Braze); `brazeBaseUrl` and `onRequest` still apply. */
  fetch?: (url: string, init: FetchInit) => Promise<unknown>
  /** Called with every console line the function writes. */
  onLog?: (line: string) => void
  /** Observes every HTTP exchange the function makes (URL as the function asked for it, before any redirect). */
  onRequest?: (exchange: ObservedRequest) => void
  /**
   * The `cache` global (segment and node profiles). One loaded runtime is one
   * warm Segment instance: its invocations share this cache. Two loads do not
   * make one instance even with the same cache: each load has its own classes,
   * so the function starts its memory afresh, as after a redeploy.
   */
  cache?: SegmentCache
  /**
   * Makes time inside the sandbox run this many times faster (its timers and
   * Date.now), so a test of the 4 s invocation deadline takes 4 s / scale.
   * Default 1: real time.
   */
  timeScale?: number
}

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string
  [option: string]: unknown
}

export interface ObservedRequest {
  url: string
  method: string
  body: string | undefined
  status: number | undefined
  /** The answer's content-type: Braze answers JSON; anything else (a proxy's HTML page) is no Braze answer. */
  contentType: string | undefined
  error: string | undefined
  ms: number
}

/** Segment's `cache` global (https://segment.com/docs/connections/functions/destination-functions/, "Caching"). */
export interface SegmentCache {
  load(key: string, ttlMs: number, fn: () => Promise<unknown>): Promise<unknown>
  delete(key: string): void
}

export interface SegmentRuntime {
  profile: RuntimeProfile
  handlers: Partial<Record<HandlerName, Handler>>
  /** The sandbox's Segment error classes (RetryError is absent in `minimal`) and its own Error. */
  errors: Partial<Record<SegmentErrorName, ErrorClass>> & { Error: ErrorClass }
  /** The sandbox's global object. */
  global: Record<string, unknown>
  logs: string[]
  /** Calls a handler as Segment does: picks it by event type, and a missing one is EventNotSupported. */
  deliver(event: unknown, settings: unknown): Promise<unknown>
  /** What Segment makes of a thrown value: one of its four classes, or any other error ("Bad Request", discarded). */
  classify(error: unknown): SegmentErrorName | 'other'
}

/**
 * The emulator's classes: host-realm subclasses of Error whose name is their
 * class name. RetryError is not in the emulator; Segment's current docs add it
 * (https://segment.com/docs/connections/functions/destination-functions/#errors-and-error-handling).
 */
function hostErrorClass(name: SegmentErrorName): ErrorClass {
  const classes: Record<string, ErrorClass> = {
    [name]: class extends Error {
      constructor(message: string) {
        super(message)
        this.name = this.constructor.name
      }
    }
  }
  return classes[name]!
}
const { ValidationError, InvalidEventPayload, EventNotSupported, RetryError } = Object.fromEntries(
  SEGMENT_ERROR_NAMES.map((name) => [name, hostErrorClass(name)])
) as Record<SegmentErrorName, ErrorClass>

// For the `node` profile: the same classes, created inside the context.
const CONTEXT_ERRORS = `({
  ValidationError: class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError' } },
  InvalidEventPayload: class InvalidEventPayload extends Error { constructor(m) { super(m); this.name = 'InvalidEventPayload' } },
  EventNotSupported: class EventNotSupported extends Error { constructor(m) { super(m); this.name = 'EventNotSupported' } },
  RetryError: class RetryError extends Error { constructor(m) { super(m); this.name = 'RetryError' } }
})`

/** A library the emulator provides and this project does not install: of the emulator's type (`typeof`), failing on any use. */
function absentLibrary(name: string, kind: 'object' | 'function' = 'object'): object {
  const fail = (): never => {
    throw new Error(`${name} is not available in the local Segment runtime (the Braze function does not use it).`)
  }
  return new Proxy(kind === 'function' ? function absent() {} : {}, { get: fail, apply: fail, construct: fail })
}

const BRAZE_REST_HOST = /^https:\/\/rest\.[a-z0-9-]+\.braze\.(com|eu)(?=\/|$)/

function makeFetch(options: RuntimeOptions): unknown {
  const { brazeBaseUrl: base, onRequest } = options
  const scale = options.timeScale ?? 1
  const transport = (options.fetch ?? nodeFetch) as (
    url: string,
    init?: FetchInit
  ) => Promise<{ status: number; headers?: { get(name: string): string | null } }>
  if (!base && !onRequest && !options.fetch && scale === 1) return nodeFetch
  return async (url: unknown, given?: FetchInit) => {
    const target = base && typeof url === 'string' ? url.replace(BRAZE_REST_HOST, base.replace(/\/$/, '')) : String(url)
    // node-fetch's own time-out runs on host timers: scale it with the sandbox's time.
    const init = given && typeof given.timeout === 'number' && scale !== 1 ? { ...given, timeout: given.timeout / scale } : given
    const started = Date.now()
    const observe = (status: number | undefined, contentType: string | undefined, error: string | undefined) =>
      onRequest?.({
        url: String(url),
        method: init?.method ?? 'GET',
        body: typeof init?.body === 'string' ? init.body : undefined,
        status,
        contentType,
        error,
        ms: Date.now() - started
      })
    try {
      const response = await transport(target, init)
      observe(response.status, response.headers?.get('content-type') ?? undefined, undefined)
      return response
    } catch (error) {
      observe(undefined, undefined, (error as { name?: string })?.name ?? String(error))
      throw error
    }
  }
}

/** In-process model of Segment's cache: per key, with a time to live; `-1` or no ttl = no expiry. */
export function createSegmentCache(now: () => number = Date.now): SegmentCache {
  const entries = new Map<string, { value: unknown; expires: number }>()
  return {
    async load(key, ttlMs, fn) {
      const hit = entries.get(key)
      if (hit && hit.expires > now()) return hit.value
      const value = await fn()
      entries.set(key, { value, expires: ttlMs === undefined || ttlMs < 0 ? Infinity : now() + ttlMs })
      return value
    },
    delete(key) {
      entries.delete(key)
    }
  }
}

/**
 * Node's console, as the emulator passes the host's, writing each call's output as one entry of `logs`.
 * Made on first use: a Console costs more than the rest of a load, and most loads log nothing.
 */
function makeConsole(logs: string[], onLog?: (line: string) => void): Console {
  let real: Console | undefined
  const made = () => {
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        const line = String(chunk).replace(/\n$/, '')
        logs.push(line)
        onLog?.(line)
        done()
      }
    })
    return (real ??= new console.Console({ stdout: sink, stderr: sink }))
  }
  return new Proxy({} as Console, {
    get: (_target, name) => Reflect.get(real ?? made(), name),
    has: (_target, name) => Reflect.has(real ?? made(), name),
    ownKeys: () => Reflect.ownKeys(real ?? made()),
    getOwnPropertyDescriptor: (_target, name) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real ?? made(), name)
      return descriptor && { ...descriptor, configurable: true }
    }
  })
}

/** Host timers running `scale` times faster, for the sandbox. */
function scaledTimers(scale: number) {
  if (scale === 1) return { setTimeout, clearTimeout, setInterval, clearInterval }
  return {
    setTimeout: (fn: () => void, ms = 0, ...args: unknown[]) => setTimeout(fn, ms / scale, ...args),
    clearTimeout,
    setInterval: (fn: () => void, ms = 0, ...args: unknown[]) => setInterval(fn, ms / scale, ...args),
    clearInterval
  }
}

/** The emulator's window.js, with RetryError and cache where the profile has them. */
function windowFor(profile: RuntimeProfile, options: RuntimeOptions, logs: string[]): Record<string, unknown> {
  const timers = scaledTimers(options.timeScale ?? 1)
  const emulator: Record<string, unknown> = {
    AWS: absentLibrary('AWS'),
    atob,
    btoa,
    crypto: nodeCrypto,
    FormData: absentLibrary('FormData', 'function'),
    OAuth: absentLibrary('OAuth'),
    xml: absentLibrary('xml', 'function'),
    _: absentLibrary('lodash (_)', 'function'),
    console: makeConsole(logs, options.onLog),
    Buffer,
    URL,
    URLSearchParams,
    fetch: makeFetch(options),
    Request,
    Response,
    ServerRequest: absentLibrary('ServerRequest', 'function'),
    Headers,
    ...timers,
    ValidationError,
    EventNotSupported,
    InvalidEventPayload,
    Segment: absentLibrary('Segment')
  }
  if (profile === 'minimal') return emulator
  const withSegmentExtras = { ...emulator, RetryError, cache: options.cache ?? createSegmentCache() }
  if (profile === 'segment') return withSegmentExtras
  return {
    ...withSegmentExtras,
    crypto: webcrypto,
    AbortController,
    AbortSignal,
    TextEncoder,
    TextDecoder,
    structuredClone,
    setImmediate,
    clearImmediate,
    queueMicrotask,
    performance,
    process: { env: {} }
  }
}

/** Segment's routing: the handler each event type goes to. */
export const HANDLER_FOR_TYPE: Readonly<Record<string, HandlerName>> = {
  identify: 'onIdentify',
  track: 'onTrack',
  page: 'onPage',
  screen: 'onScreen',
  group: 'onGroup',
  alias: 'onAlias',
  delete: 'onDelete'
}

const EXPORTS = `__exports${Math.round(Math.random() * 1_000_000)}`
const compiled = new Map<string, vm.Script>()

/**
 * The emulator's wrapper: the handler names as parameters, assigned to the
 * exports before and after the code. Compiled once per script and run in each
 * new context (a test suite loads the same script hundreds of times).
 */
function wrappedScript(code: string): vm.Script {
  let script = compiled.get(code)
  if (!script) {
    const assign = HANDLERS.map((name) => `${EXPORTS}.${name} = ${name};`).join(' ')
    const wrapper = `(function (${EXPORTS}, ${HANDLERS.join(', ')}) {\n  ${assign}\n  ${code};\n  ${assign}\n});`
    script = new vm.Script(wrapper, { filename: 'braze-destination.js', lineOffset: -2 })
    if (compiled.size >= 16) compiled.clear()
    compiled.set(code, script)
  }
  return script
}

/** Loads a script as Segment's emulator does (see the file header). */
export function loadFunction(code: string, options: RuntimeOptions = {}): SegmentRuntime {
  const profile = options.profile ?? 'segment'
  const logs: string[] = []
  const contextWindow = windowFor(profile, options, logs)
  contextWindow.window = contextWindow
  const globals = vm.createContext(Object.assign({}, contextWindow))
  if (profile === 'node') Object.assign(globals, vm.runInContext(CONTEXT_ERRORS, globals))
  const scale = options.timeScale ?? 1
  if (scale !== 1) {
    vm.runInContext(`{ const realNow = Date.now, start = realNow(); Date.now = () => start + (realNow() - start) * ${scale} }`, globals)
  }

  const missing = (name: HandlerName): Handler =>
    async function defaultHandler(event: unknown) {
      throw new (globals.EventNotSupported as ErrorClass)(`${String((event as { type?: unknown } | null)?.type)} not supported (${name})`)
    }
  const defaults = HANDLERS.map(missing)
  const wrapped = wrappedScript(code).runInContext(globals) as (...args: unknown[]) => void
  const exported: Record<string, unknown> = {}
  wrapped.call(contextWindow, exported, ...defaults)

  const handlers: Partial<Record<HandlerName, Handler>> = {}
  HANDLERS.forEach((name, i) => {
    const handler = exported[name]
    if (typeof handler === 'function' && handler !== defaults[i]) handlers[name] = handler as Handler
  })
  const errors: SegmentRuntime['errors'] = { Error: vm.runInContext('Error', globals) as ErrorClass }
  for (const name of SEGMENT_ERROR_NAMES) {
    if (typeof globals[name] === 'function') errors[name] = globals[name] as ErrorClass
  }
  const classify = (error: unknown): SegmentErrorName | 'other' => {
    for (const name of SEGMENT_ERROR_NAMES) {
      const ErrorClass = errors[name]
      if (ErrorClass && error instanceof ErrorClass) return name
    }
    // Where the runtime has no RetryError class (the emulator), an error named so is the function's best effort.
    // An assumption, not the emulator's behaviour (its own tests would fail on it): Segment's live runtime has the
    // class (segment profile), and whether it would retry an error only named so is not documented.
    if (!errors.RetryError && (error as { name?: unknown } | null)?.name === 'RetryError') return 'RetryError'
    return 'other'
  }
  return {
    profile,
    handlers,
    errors,
    global: vm.runInContext('globalThis', globals) as Record<string, unknown>,
    logs,
    classify,
    async deliver(event, settings) {
      const type = (event as { type?: unknown } | null)?.type
      const name = typeof type === 'string' && Object.hasOwn(HANDLER_FOR_TYPE, type) ? HANDLER_FOR_TYPE[type] : undefined
      const handler = name ? handlers[name] : undefined
      if (!handler) throw new (globals.EventNotSupported as ErrorClass)(`${String(type)} not supported`)
      return handler(event, settings)
    }
  }
}
