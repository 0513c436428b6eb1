/**
 * Shared by the adversarial suites (test/adversarial-*.test.ts): the built
 * function in Segment's runtime, outcome classification, and the invariant
 * every fault and every hostile input must keep — each input event ends as
 * delivered (Braze accepted all its objects), retry (500 / RetryError) or
 * rejected with a reason (400 / ValidationError-like with a message); never
 * 200 for an object Braze did not accept, never an exception of another class.
 */
import { Worker } from 'node:worker_threads'
import { Response } from 'node-fetch'
import { mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { parseSettings, type Settings } from '../src/destination/settings'
import { ROOT } from '../src/tools/paths'
import { objectProblems, TRACK_ARRAYS, trackRequestProblem } from '../src/tools/embedded-braze/rules'
import type { RuntimeProfile, SegmentErrorName, SegmentRuntime } from '../src/tools/segment-runtime'
import { loadBuilt } from './helpers/runtime'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface Exchange {
  path: string
  body: unknown
  /** 0 when no HTTP answer arrived. */
  status: number
  response: unknown
}

/**
 * A runtime whose fetch is answered in-process (no HTTP), by default with the
 * embedded Braze's own validation rules (400 for a bad request, errors[] for
 * bad objects); every exchange is recorded.
 */
export function inProcessRuntime(
  profile: RuntimeProfile,
  answer: (path: string, body: any) => { status: number; body: unknown } = validatingAnswer
): { runtime: SegmentRuntime; exchanges: Exchange[] } {
  const exchanges: Exchange[] = []
  const runtime = loadBuilt({
    profile,
    fetch: async (url, init) => {
      const path = new URL(url).pathname
      const body = JSON.parse(init.body ?? 'null')
      const reply = answer(path, body)
      exchanges.push({ path, body, status: reply.status, response: reply.body })
      return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } })
    }
  })
  return { runtime, exchanges }
}

/** Braze's answer as the embedded Braze's pure rules see it, without profiles or HTTP. */
function validatingAnswer(path: string, body: any): { status: number; body: unknown } {
  if (path !== '/users/track') return { status: 201, body: { message: 'success' } }
  const problem = trackRequestProblem(body)
  if (problem) return { status: 400, body: { message: problem.message, errors: problem.errors } }
  const errors: Array<{ type: string; input_array: string; index: number }> = []
  const answer: Record<string, unknown> = { message: 'success' }
  for (const name of TRACK_ARRAYS) {
    if (!Array.isArray(body[name])) continue
    let processed = 0
    ;(body[name] as unknown[]).forEach((object, index) => {
      const problems = objectProblems(name, object)
      if (problems.length > 0) errors.push({ type: problems.join('; '), input_array: name, index })
      else processed++
    })
    answer[`${name}_processed`] = processed
  }
  if (errors.length > 0) answer.errors = errors
  return { status: 201, body: answer }
}

/** Braze accepting everything: for timing the function's own work on huge input. */
export function acceptAll(_path: string, body: any): { status: number; body: unknown } {
  const answer: Record<string, unknown> = { message: 'success' }
  for (const name of TRACK_ARRAYS) if (Array.isArray(body?.[name])) answer[`${name}_processed`] = body[name].length
  return { status: 201, body: answer }
}

export type Outcome =
  | { kind: 'returned'; value: unknown; ms: number }
  | { kind: 'thrown'; error: unknown; name: string; segment: SegmentErrorName | undefined; message: string; ms: number }

/** Runs a handler call and says how it settled, and which Segment class (if any) it threw. */
export async function settle(runtime: SegmentRuntime, call: () => Promise<unknown>): Promise<Outcome> {
  const started = performance.now()
  try {
    const value = await call()
    return { kind: 'returned', value, ms: performance.now() - started }
  } catch (error) {
    const ms = performance.now() - started
    const kind = runtime.classify(error)
    const segment = kind === 'other' ? undefined : kind
    const name = (error as { name?: unknown })?.name
    const message = (error as { message?: unknown })?.message
    return {
      kind: 'thrown',
      error,
      name: typeof name === 'string' ? name : typeof error,
      segment,
      message: typeof message === 'string' ? message : '',
      ms
    }
  }
}

/** A settled single-event call: returned, or threw one of Segment's four classes with a message. */
export function expectSegmentOutcome(outcome: Outcome): void {
  if (outcome.kind !== 'thrown') return
  if (!outcome.segment) throw new Error(`threw ${outcome.name} (${outcome.message.slice(0, 200)}), not one of Segment's four error classes`)
  if (outcome.name !== outcome.segment || outcome.message.trim() === '')
    expect({ name: outcome.name, message: outcome.message }).toEqual({ name: outcome.segment, message: expect.stringMatching(/\S/) })
}

export function thrownClass(outcome: Outcome): SegmentErrorName | 'returned' | 'foreign' {
  if (outcome.kind === 'returned') return 'returned'
  return outcome.segment ?? 'foreign'
}

export interface BatchResult {
  status: number
  errormessage?: string
}

/** onBatch's answer: one well-formed result per input event. */
export function expectBatchShape(value: unknown, count: number): asserts value is BatchResult[] {
  expect(Array.isArray(value)).toBe(true)
  const results = value as BatchResult[]
  expect(results).toHaveLength(count)
  // One assertion for the whole batch: jest's expect is costly per call, and this runs for thousands of events.
  const malformed = results.flatMap((result, index) => {
    const ok =
      [200, 400, 500].includes(result.status) &&
      (result.status === 200 || (typeof result.errormessage === 'string' && result.errormessage.trim() !== ''))
    return ok ? [] : [{ index, result }]
  })
  expect(malformed).toEqual([])
}

export function parsedSettings(raw: unknown): Settings {
  const parsed = parseSettings(raw)
  if ('problem' in parsed) throw new Error(parsed.problem.message)
  return parsed.settings
}

const IDENTIFIERS = ['external_id', 'user_alias', 'braze_id', 'email', 'phone']

function withoutTime(object: Record<string, unknown>): string {
  const { time: _time, ...rest } = object
  return JSON.stringify(rest)
}

/** What an event asks Braze to accept, as signatures comparable with what Braze accepted. */
function signaturesOf(plan: EventPlan): string[] {
  const out: string[] = []
  for (const object of plan.attributes) {
    const id = IDENTIFIERS.find((key) => key in object)!
    out.push(`attributes:${JSON.stringify([id, (object as Record<string, unknown>)[id]])}`)
  }
  for (const object of plan.events) out.push(`events:${withoutTime(object as Record<string, unknown>)}`)
  for (const object of plan.purchases) out.push(`purchases:${withoutTime(object as Record<string, unknown>)}`)
  for (const item of plan.merges) out.push(`/users/merge:${JSON.stringify(item)}`)
  for (const item of plan.deletes) out.push(`/users/delete:${JSON.stringify(item)}`)
  return out
}

/** Everything Braze accepted in these exchanges: 2xx with message "success", minus the objects errors[] names. */
export function acceptedSignatures(exchanges: Exchange[]): Set<string> {
  const accepted = new Set<string>()
  for (const exchange of exchanges) {
    const response = exchange.response as { message?: unknown; errors?: unknown } | undefined
    if (exchange.status < 200 || exchange.status >= 300 || response?.message !== 'success') continue
    const body = exchange.body as Record<string, unknown>
    if (exchange.path === '/users/track') {
      const rejected = new Set(
        (Array.isArray(response.errors) ? response.errors : []).map((entry: any) => `${entry?.input_array}:${entry?.index}`)
      )
      for (const name of ['attributes', 'events', 'purchases']) {
        const objects = Array.isArray(body[name]) ? (body[name] as Record<string, unknown>[]) : []
        objects.forEach((object, index) => {
          if (rejected.has(`${name}:${index}`)) return
          if (name === 'attributes') {
            const id = IDENTIFIERS.find((key) => key in object)!
            accepted.add(`attributes:${JSON.stringify([id, object[id]])}`)
          } else accepted.add(`${name}:${withoutTime(object)}`)
        })
      }
    } else if (exchange.path === '/users/merge') {
      for (const item of (body.merge_updates as unknown[]) ?? []) accepted.add(`/users/merge:${JSON.stringify(item)}`)
    } else if (exchange.path === '/users/delete') {
      for (const id of (body.external_ids as unknown[]) ?? []) accepted.add(`/users/delete:${JSON.stringify({ external_id: id })}`)
      for (const alias of (body.user_aliases as unknown[]) ?? []) accepted.add(`/users/delete:${JSON.stringify({ user_alias: alias })}`)
    }
  }
  return accepted
}

/**
 * The no-loss invariant for a batch: every event has a well-formed status; an
 * event the mapping refuses is 400; a 200 event had every one of its objects
 * accepted by Braze. `type` forces the handler's type, as Segment's routing does.
 */
export function expectNothingLost(events: unknown[], results: unknown, rawSettings: unknown, exchanges: Exchange[]): BatchResult[] {
  expectBatchShape(results, events.length)
  const settings = parsedSettings(rawSettings)
  const accepted = acceptedSignatures(exchanges)
  const violations = results.flatMap((result, index): Array<Record<string, unknown>> => {
    const plan = mapEvent(events[index], settings)
    if ('kind' in plan) return result.status === 400 ? [] : [{ index, status: result.status, expected: 400 }]
    if (result.status !== 200) return []
    const missing = signaturesOf(plan).filter((signature) => !accepted.has(signature))
    return missing.length === 0 ? [] : [{ index, notAcceptedButReported200: missing }]
  })
  expect(violations).toEqual([])
  return results
}

/** The same for a single-event handler: returned ⇒ all its objects accepted; thrown ⇒ one of Segment's classes. */
/**
 * `earlier`: what Braze accepted from the same instance before these exchanges (a
 * merge it took is remembered, and not sent again).
 */
export function expectSingleNothingLost(
  event: unknown,
  type: string,
  outcome: Outcome,
  rawSettings: unknown,
  exchanges: Exchange[],
  earlier?: Set<string>
): void {
  expectSegmentOutcome(outcome)
  if (outcome.kind !== 'returned') return
  const plan = mapEvent(
    event !== null && typeof event === 'object' && !Array.isArray(event) ? { ...event, type } : event,
    parsedSettings(rawSettings)
  )
  if ('kind' in plan) throw new Error(`returned although the mapping refuses the event: ${plan.kind}: ${plan.message}`)
  const accepted = acceptedSignatures(exchanges)
  for (const signature of earlier ?? []) accepted.add(signature)
  const missing = signaturesOf(plan).filter((signature) => !accepted.has(signature))
  if (missing.length > 0) expect({ notAcceptedButReturned: missing }).toEqual({ notAcceptedButReturned: [] })
}

export type IsolatedOutcome =
  | { kind: 'returned'; ms: number; value: string | undefined }
  | { kind: 'thrown'; ms: number; name: string; segment: boolean; message: string }
  | { kind: 'timeout'; ms: number }
  | { kind: 'crashed'; ms: number; message: string }

/**
 * One handler call of the built script in a worker thread, in the same
 * runtime (segment-runtime, loaded through tsx), answered in-process with
 * success. A worker can be stopped: input that sends the function into a
 * long synchronous loop fails the test after `limitMs` instead of hanging
 * the suite. Memory is capped for the same reason.
 */
export function runIsolated(
  code: string,
  profile: RuntimeProfile,
  handler: string,
  payload: unknown,
  settings: unknown,
  limitMs = 5000
): Promise<IsolatedOutcome> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads')
    const { createRequire } = require('node:module')
    const req = createRequire(workerData.root + '/package.json')
    req('tsx/cjs')
    const { loadFunction } = req('./src/tools/segment-runtime.ts')
    const runtime = loadFunction(workerData.code, {
      profile: workerData.profile,
      fetch: async (url, init) => {
        const body = JSON.parse(init.body)
        const answer = { message: 'success' }
        for (const name of ['attributes', 'events', 'purchases']) if (Array.isArray(body[name])) answer[name + '_processed'] = body[name].length
        return { status: 201, headers: { get: () => null }, text: async () => JSON.stringify(answer) }
      }
    })
    parentPort.postMessage({ ready: true })
    const started = performance.now()
    runtime.handlers[workerData.handler](workerData.payload, workerData.settings).then(
      (value) => parentPort.postMessage({ kind: 'returned', ms: performance.now() - started, value: JSON.stringify(value)?.slice(0, 4000) }),
      (error) => parentPort.postMessage({
        kind: 'thrown', ms: performance.now() - started, name: String(error && error.name),
        segment: runtime.classify(error) !== 'other',
        message: String(error && error.message)
      })
    )
  `
  return new Promise((resolvePromise) => {
    const worker = new Worker(source, {
      eval: true,
      workerData: { root: ROOT, code, profile, handler, payload, settings },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
      stdout: true,
      stderr: true
    })
    let started = 0
    let timer: NodeJS.Timeout | undefined
    const finish = (outcome: IsolatedOutcome) => {
      clearTimeout(timer)
      void worker.terminate()
      resolvePromise(outcome)
    }
    worker.on('message', (message: { ready?: boolean } & IsolatedOutcome) => {
      if (message.ready) {
        started = performance.now()
        timer = setTimeout(() => finish({ kind: 'timeout', ms: performance.now() - started }), limitMs)
        return
      }
      finish(message)
    })
    worker.on('error', (error) => finish({ kind: 'crashed', ms: started ? performance.now() - started : 0, message: String(error) }))
    worker.on('exit', (code) =>
      finish({ kind: 'crashed', ms: started ? performance.now() - started : 0, message: `worker exited with ${code}` })
    )
  })
}
