import { planDelivery, requestLimits } from '../../destination/delivery-plan'
import { isProblem, type Problem } from '../../destination/errors'
import { mapEvent } from '../../destination/map-event'
import type { EventPlan } from '../../destination/plan'
import type { Settings } from '../../destination/settings'
import type { SegmentRuntime } from '../segment-runtime'
import type { SourceItem } from './event-source'
import type { BrazeRateLimiter, Clock } from './rate-limiter'
import { rateLimitSignal, retryDelay, type RetryPolicy } from './retry'
import type { Outcome, ReplaySummary } from './summary'
import { thrownParts } from './thrown'

/**
 * Drives a replay: groups the events into batches, hands each batch to the
 * built function the way Segment does (onBatch, or one single-handler call
 * per event), keeps a bounded number of batches in flight, retries what the
 * function marks as retryable, and records every event's outcome.
 */
export interface RunnerOptions {
  runtime: SegmentRuntime
  /** Passed to the function untouched, as Segment passes the settings. */
  rawSettings: Record<string, unknown>
  /** The function's reading of them: used to plan the same calls locally, for statistics and the rate limiter. */
  settings: Settings
  summary: ReplaySummary
  batchSize: number
  concurrency: number
  retry: RetryPolicy
  clock: Clock
  limiter?: BrazeRateLimiter
  /** After each batch (and each bad input line), with the number of items handled so far. */
  onProgress?: (handled: number) => void
}

interface EventResult {
  outcome: Outcome
  reason?: string
}

export class ReplayRunner {
  private handled = 0
  private readonly useBatch: boolean

  constructor(private readonly options: RunnerOptions) {
    this.useBatch = options.batchSize > 1 && typeof options.runtime.handlers.onBatch === 'function'
  }

  get handler(): 'onBatch' | 'single' {
    return this.useBatch ? 'onBatch' : 'single'
  }

  async run(items: AsyncIterable<SourceItem>): Promise<void> {
    const inFlight = new Set<Promise<void>>()
    let failure: unknown
    const launch = (events: Array<Record<string, unknown>>) => {
      const job = this.runBatch(events).then(
        () => undefined,
        (error) => {
          failure ??= error
        }
      )
      inFlight.add(job)
      void job.finally(() => inFlight.delete(job))
    }
    let batch: Array<Record<string, unknown>> = []
    for await (const item of items) {
      if (failure) break
      if (item.kind === 'bad') {
        this.options.summary.badInput(item.where, item.reason)
        this.progress(1)
        continue
      }
      batch.push(item.event)
      if (batch.length < this.options.batchSize) continue
      // Backpressure: reading waits while the maximum number of batches is in flight.
      while (inFlight.size >= this.options.concurrency) await Promise.race(inFlight)
      launch(batch)
      batch = []
    }
    if (batch.length > 0 && !failure) launch(batch)
    await Promise.all(inFlight)
    if (failure) throw failure
  }

  private progress(count: number): void {
    this.handled += count
    this.options.onProgress?.(this.handled)
  }

  private async runBatch(events: Array<Record<string, unknown>>): Promise<void> {
    const { summary, retry, clock, limiter } = this.options
    const plans = this.plan(events)
    const planned = plannedCalls(plans, this.options.settings.maxObjectsPerRequest)
    summary.merge(planned.attributesBefore, planned.attributesAfter)

    await limiter?.acquire(planned.paths)
    const results = await this.send(events, plans)

    let pending = indexesOf(results, 'retry')
    const retried = new Set<number>()
    for (let attempt = 1; attempt <= retry.delaysMs.length && pending.length > 0; attempt++) {
      const signal = rateLimitSignal(pending.map((i) => results[i]!.reason ?? ''))
      const wait = retryDelay(retry, attempt, signal, clock.now())
      if (signal) limiter?.pause.pauseUntil(clock.now() + wait)
      summary.retries.waitedMs += wait
      await clock.sleep(wait)
      summary.retries.attempts++
      for (const i of pending) retried.add(i)
      const subset = pending.map((i) => events[i]!)
      const subsetPlans = pending.map((i) => plans[i]!)
      if (limiter) {
        await limiter.acquire(plannedCalls(subsetPlans, this.options.settings.maxObjectsPerRequest).paths)
      }
      const again = await this.send(subset, subsetPlans)
      pending.forEach((index, k) => {
        results[index] = again[k]!
      })
      pending = pending.filter((index) => results[index]!.outcome === 'retry')
    }

    summary.retries.eventsRetried += retried.size
    results.forEach((result, i) => {
      if (result.outcome === 'delivered' && retried.has(i)) summary.retries.deliveredAfterRetry++
      summary.outcome(result.outcome, result.reason)
    })
    this.progress(events.length)
  }

  /** The plans the function will make for these events (the same code, run here for statistics). */
  private plan(events: Array<Record<string, unknown>>): Array<EventPlan | Problem> {
    return events.map((event) => {
      try {
        return mapEvent(event, this.options.settings)
      } catch (error) {
        return { kind: 'InvalidEventPayload', message: error instanceof Error ? error.message : String(error) }
      }
    })
  }

  private async send(events: Array<Record<string, unknown>>, plans: Array<EventPlan | Problem>): Promise<EventResult[]> {
    return this.useBatch ? this.sendBatch(events, plans) : this.sendSingly(events)
  }

  private async sendBatch(events: Array<Record<string, unknown>>, plans: Array<EventPlan | Problem>): Promise<EventResult[]> {
    const { runtime, rawSettings } = this.options
    let answer: unknown
    try {
      answer = await runtime.handlers.onBatch!(events, rawSettings)
    } catch (error) {
      // A throw decides for the whole batch: RetryError retries all of it, anything else discards all of it.
      const result = fromThrown(error)
      return events.map(() => result)
    }
    if (!Array.isArray(answer) || answer.length !== events.length) {
      const reason = `onBatch returned ${Array.isArray(answer) ? `${answer.length} results for ${events.length} events` : 'something other than an array'}`
      return events.map(() => ({ outcome: 'rejected', reason }))
    }
    return answer.map((entry, i) => fromBatchStatus(entry, plans[i]))
  }

  private async sendSingly(events: Array<Record<string, unknown>>): Promise<EventResult[]> {
    const { runtime, rawSettings } = this.options
    const results: EventResult[] = []
    for (const event of events) {
      try {
        await runtime.deliver(event, rawSettings)
        results.push({ outcome: 'delivered' })
      } catch (error) {
        results.push(fromThrown(error))
      }
    }
    return results
  }
}

/** The calls the function will make for these plans (its own planner, run here for statistics and the rate limiter). */
function plannedCalls(plans: Array<EventPlan | Problem>, maxObjectsPerRequest: number) {
  const events = plans.map((plan) => (isProblem(plan) ? undefined : plan))
  const delivery = planDelivery(events, { limits: requestLimits(maxObjectsPerRequest) })
  const paths = [
    ...delivery.requests.map(() => '/users/track' as const),
    ...delivery.deletes.map(() => '/users/delete' as const),
    ...delivery.chains.flatMap((chain) => chain.parts.map(() => '/users/track' as const)),
    ...Array.from({ length: Math.ceil(delivery.merges.length / 50) }, () => '/users/merge' as const)
  ]
  const attributesBefore = events.reduce((sum, plan) => sum + (plan?.attributes.length ?? 0), 0)
  const attributesAfter = delivery.requests.reduce((sum, request) => sum + request.attributes.length, 0)
  return { paths, attributesBefore, attributesAfter }
}

function indexesOf(results: EventResult[], outcome: Outcome): number[] {
  const out: number[] = []
  results.forEach((result, i) => {
    if (result.outcome === outcome) out.push(i)
  })
  return out
}

/** As Segment classifies a thrown error (reference/segment-functions.md). */
export function fromThrown(error: unknown): EventResult {
  const { name, message } = thrownParts(error)
  if (name === 'RetryError') return { outcome: 'retry', reason: `RetryError: ${message}` }
  if (name === 'ValidationError' || name === 'InvalidEventPayload' || name === 'EventNotSupported') {
    return { outcome: 'rejected', reason: `${name}: ${message}` }
  }
  // Segment shows any other error as "Bad Request" and drops the event.
  return { outcome: 'rejected', reason: `Bad Request (${name}): ${message}` }
}

/**
 * An onBatch status: 200 delivered, 500 retried, anything else discarded.
 * The batch protocol has no error class; the local plan tells why an event
 * was refused before Braze, otherwise it was Braze (as the single handlers
 * would say with a ValidationError).
 */
function fromBatchStatus(entry: unknown, plan: EventPlan | Problem | undefined): EventResult {
  const status = (entry as { status?: unknown } | null)?.status
  const message = String((entry as { errormessage?: unknown } | null)?.errormessage ?? `status ${String(status)}`)
  if (status === 200) return { outcome: 'delivered' }
  if (status === 500) return { outcome: 'retry', reason: `RetryError: ${message}` }
  const kind = plan && isProblem(plan) ? plan.kind : 'ValidationError'
  return { outcome: 'rejected', reason: `${kind}: ${message}` }
}
