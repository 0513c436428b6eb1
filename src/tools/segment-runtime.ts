import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import { webcrypto } from 'node:crypto'
import nodeFetch, { Headers, Request, Response } from 'node-fetch'
import { BUILD_FILE, HANDLERS } from './paths'

/**
 * A local copy of Segment's function runtime (reference/segment-functions.md):
 * the built script runs in a fresh `node:vm` context with Segment's globals —
 * node-fetch v2 as `fetch`, the four error classes, `cache`, `console` — and
 * without `require`, `module`, `exports` or `process`. What users paste into
 * Segment is what runs here.
 */
export type HandlerName = (typeof HANDLERS)[number]
export type Handler = (eventOrEvents: unknown, settings: unknown) => Promise<unknown>

export interface RuntimeOptions {
  /** Send requests for Braze REST hosts to this base URL instead (the embedded Braze), e.g. http://127.0.0.1:4000. */
  brazeBaseUrl?: string
  /** Called with every console line the function writes. */
  onLog?: (line: string) => void
  /** Observes every HTTP exchange the function makes (URL as the function asked for it, before any redirect). */
  onRequest?: (exchange: ObservedRequest) => void
}

export interface ObservedRequest {
  url: string
  method: string
  body: string | undefined
  status: number | undefined
  error: string | undefined
  ms: number
}

export interface SegmentRuntime {
  handlers: Partial<Record<HandlerName, Handler>>
  errors: Record<'ValidationError' | 'InvalidEventPayload' | 'EventNotSupported' | 'RetryError' | 'Error', new (message: string) => Error>
  logs: string[]
  /** Calls a handler as Segment does: picks it by event type, and a missing one is EventNotSupported. */
  deliver(event: unknown, settings: unknown): Promise<unknown>
}

// Segment defines these as plain subclasses of Error named after themselves.
const ERROR_CLASSES = `
class ValidationError extends Error { constructor(message) { super(message); this.name = 'ValidationError' } }
class InvalidEventPayload extends Error { constructor(message) { super(message); this.name = 'InvalidEventPayload' } }
class EventNotSupported extends Error { constructor(message) { super(message); this.name = 'EventNotSupported' } }
class RetryError extends Error { constructor(message) { super(message); this.name = 'RetryError' } }
globalThis.ValidationError = ValidationError
globalThis.InvalidEventPayload = InvalidEventPayload
globalThis.EventNotSupported = EventNotSupported
globalThis.RetryError = RetryError
`

const BRAZE_REST_HOST = /^https:\/\/rest\.[a-z0-9-]+\.braze\.(com|eu)(?=\/|$)/

function makeFetch(options: RuntimeOptions): typeof nodeFetch {
  const { brazeBaseUrl: base, onRequest } = options
  if (!base && !onRequest) return nodeFetch
  const wrapped = async (url: unknown, init?: Parameters<typeof nodeFetch>[1]) => {
    const target = base && typeof url === 'string' ? url.replace(BRAZE_REST_HOST, base.replace(/\/$/, '')) : url
    const started = Date.now()
    const observe = (status: number | undefined, error: string | undefined) =>
      onRequest?.({
        url: String(url),
        method: init?.method ?? 'GET',
        body: typeof init?.body === 'string' ? init.body : undefined,
        status,
        error,
        ms: Date.now() - started
      })
    try {
      const response = await nodeFetch(target as string, init)
      observe(response.status, undefined)
      return response
    } catch (error) {
      observe(undefined, error instanceof Error ? error.name : String(error))
      throw error
    }
  }
  return wrapped as unknown as typeof nodeFetch
}

function makeCache() {
  const entries = new Map<string, { value: unknown; expires: number }>()
  return {
    async load(key: string, ttlMs: number, fn: () => Promise<unknown>) {
      const hit = entries.get(key)
      if (hit && hit.expires > Date.now()) return hit.value
      const value = await fn()
      entries.set(key, { value, expires: Date.now() + ttlMs })
      return value
    },
    delete(key: string) {
      entries.delete(key)
    }
  }
}

function makeConsole(logs: string[], onLog?: (line: string) => void) {
  const write = (...args: unknown[]) => {
    const line = args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ')
    logs.push(line)
    onLog?.(line)
  }
  return { log: write, info: write, warn: write, error: write, debug: write }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export function loadFunction(code: string, options: RuntimeOptions = {}): SegmentRuntime {
  const logs: string[] = []
  const context = vm.createContext({
    fetch: makeFetch(options),
    Headers,
    Request,
    Response,
    URL,
    URLSearchParams,
    AbortController,
    AbortSignal,
    TextEncoder,
    TextDecoder,
    Buffer,
    atob,
    btoa,
    crypto: webcrypto,
    console: makeConsole(logs, options.onLog),
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    setImmediate,
    clearImmediate,
    queueMicrotask,
    cache: makeCache()
  })
  vm.runInContext(ERROR_CLASSES, context, { filename: 'segment-runtime.js' })
  vm.runInContext(code, context, { filename: 'braze-destination.js' })

  const handlers: Partial<Record<HandlerName, Handler>> = {}
  for (const name of HANDLERS) {
    const handler = context[name]
    if (typeof handler === 'function') handlers[name as HandlerName] = handler as Handler
  }
  const errors = {
    ValidationError: context.ValidationError,
    InvalidEventPayload: context.InvalidEventPayload,
    EventNotSupported: context.EventNotSupported,
    RetryError: context.RetryError,
    Error: vm.runInContext('Error', context)
  }
  const byType: Record<string, HandlerName> = {
    identify: 'onIdentify', track: 'onTrack', page: 'onPage', screen: 'onScreen',
    group: 'onGroup', alias: 'onAlias', delete: 'onDelete'
  }
  return {
    handlers,
    errors,
    logs,
    async deliver(event, settings) {
      const type = (event as { type?: unknown } | null)?.type
      const name = typeof type === 'string' && Object.prototype.hasOwnProperty.call(byType, type) ? byType[type] : undefined
      const handler = name ? handlers[name] : undefined
      if (!handler) throw new errors.EventNotSupported(`${String(type)} is not supported`)
      return handler(event, settings)
    }
  }
}

export function loadBuiltFunction(options: RuntimeOptions = {}): SegmentRuntime {
  return loadFunction(readFileSync(BUILD_FILE, 'utf8'), options)
}
