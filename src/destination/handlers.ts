// The handlers Segment calls. Whatever happens inside, only Segment's four
// error classes may leave
// (https://segment.com/docs/connections/functions/destination-functions/#errors-and-error-handling):
// an error Segment does not know is a "Bad Request", which it discards, where
// a RetryError is retried
// (https://segment.com/docs/connections/functions/destination-functions/#handling-batching-errors).
import { INVOCATION_BUDGET_MS, redact, type BrazeConnection } from './braze-client'
import { deliver, worstFailure, type DeliveryReport, type EventFailure } from './deliver'
import type { PartToken } from './track-bundle'
import { describeThrown, isProblem, isSegmentError, segmentError, type Problem, type SegmentErrorKind } from './errors'
import { mapEvent, type EventType } from './map-event'
import type { EventPlan } from './plan'
import { isDict } from './segment-event'
import { normalizeApiKey, parseSettings, type Settings } from './settings'
import { batchWarningLines, summarize, type HandlerSummary } from './summary'

/** One entry per event of a batch (https://segment.com/docs/connections/functions/destination-functions/#handling-batching-errors). */
export interface BatchResult {
  status: 200 | 400 | 500
  errormessage?: string
}

function settingsOrThrow(raw: unknown): Settings {
  const parsed = parseSettings(raw)
  if ('problem' in parsed) throw segmentError(parsed.problem.kind, parsed.problem.message)
  return parsed.settings
}

/** One deadline for every Braze call of this invocation, counted from its start. */
function send(plans: Array<EventPlan | undefined>, settings: Settings, startedAt: number, byContent = false): Promise<DeliveryReport> {
  const connection: BrazeConnection = {
    dataCenter: settings.dataCenter,
    apiKey: settings.apiKey,
    deadline: startedAt + INVOCATION_BUDGET_MS
  }
  return deliver(plans, {
    connection,
    maxObjectsPerRequest: settings.maxObjectsPerRequest,
    skipUnchangedAttributes: settings.skipUnchangedAttributes,
    byContent
  })
}

const crashMessage = (error: unknown, detail = '') =>
  `The Braze destination function failed on this event (${describeThrown(error).name}${detail ? `: ${detail}` : ''}).`

/** Keeps the no-foreign-exception promise even for bugs, and the key out of any message. */
async function guarded<T>(settings: unknown, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    const apiKey = isDict(settings) && typeof settings.apiKey === 'string' ? normalizeApiKey(settings.apiKey) : ''
    if (isSegmentError(error)) {
      if (apiKey && error.message.includes(apiKey)) error.message = redact(error.message, apiKey)
      throw error
    }
    const detail = redact(describeThrown(error).message, apiKey).slice(0, 200)
    throw segmentError('InvalidEventPayload', crashMessage(error, detail))
  }
}

export function handleEvent(type: EventType, event: unknown, rawSettings: unknown): Promise<HandlerSummary> {
  return guarded(rawSettings, async () => {
    const startedAt = Date.now()
    const settings = settingsOrThrow(rawSettings)
    // Segment routes by type; the handler's own type is what the event is treated as.
    const plan = mapEvent(event, settings, Date.now, type)
    if (isProblem(plan)) throw segmentError(plan.kind, plan.message)
    const report = await send([plan], settings, startedAt, true)
    const failure = worstFailure(report.failures[0]!)
    if (failure) throw segmentError(ERROR_FOR_FAILURE[failure.kind], failureMessage(failure, report.accepted[0]!))
    return summarize(report, [...report.notices, ...plan.warnings, ...report.warnings[0]!], plan.messageId)
  })
}

const ERROR_FOR_FAILURE: Record<EventFailure['kind'], SegmentErrorKind> = {
  retry: 'RetryError',
  reject: 'ValidationError',
  invalid: 'InvalidEventPayload'
}

const STATUS_FOR: Record<SegmentErrorKind, 400 | 500> = {
  ValidationError: 400,
  InvalidEventPayload: 400,
  EventNotSupported: 400,
  RetryError: 500
}

export function handleBatch(events: unknown, rawSettings: unknown): Promise<BatchResult[]> {
  return guarded(rawSettings, async () => {
    const startedAt = Date.now()
    const settings = settingsOrThrow(rawSettings)
    if (!Array.isArray(events)) throw segmentError('InvalidEventPayload', 'onBatch expects an array of events.')
    // One clock for the batch: copies of an event without a usable timestamp get the same time, and are one message.
    const now = Date.now()
    const plans = events.map((event) => mapSafely(event, settings, () => now))
    const report = await send(
      plans.map((plan) => (isProblem(plan) ? undefined : plan)),
      settings,
      startedAt
    )
    for (const notice of report.notices) console.log(notice)
    plans.forEach((plan, index) => {
      const warnings = isProblem(plan) ? [] : [...plan.warnings, ...report.warnings[index]!]
      if (!isProblem(plan) && warnings.length > 0) for (const line of batchWarningLines(index, plan.messageId, warnings)) console.log(line)
    })
    return plans.map((plan, index): BatchResult => {
      if (isProblem(plan)) return { status: STATUS_FOR[plan.kind], errormessage: plan.message }
      const failure = worstFailure(report.failures[index]!)
      if (!failure) return { status: 200 }
      return { status: STATUS_FOR[ERROR_FOR_FAILURE[failure.kind]], errormessage: failureMessage(failure, report.accepted[index]!) }
    })
  })
}

/**
 * A refused event of which Braze took some objects says so: it is not retried, and sent again by
 * hand it would log those twice (Braze never deduplicates events or purchases).
 */
function failureMessage(failure: EventFailure, accepted: ReadonlySet<PartToken>): string {
  if (failure.kind !== 'reject' || accepted.size === 0) return failure.message
  const message = /[.!?]$/.test(failure.message) ? failure.message : `${failure.message}.`
  if ([...accepted].some((part) => part !== 'attributes'))
    return `${message} Braze did log this event's other objects (its custom event or purchases): sending the event again would log them twice.`
  return `${message} Braze did set this event's attributes.`
}

/** One event's bug must not take the batch down with it. */
function mapSafely(event: unknown, settings: Settings, now: () => number): EventPlan | Problem {
  try {
    return mapEvent(event, settings, now)
  } catch (error) {
    return { kind: 'InvalidEventPayload', message: crashMessage(error) }
  }
}
