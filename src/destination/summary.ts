// What a handler reports: for a single event, the summary the Test panel shows
// (the Braze calls, what was sent, why anything was left out); for onBatch, the
// warning line it logs per event (batchWarningLines), which replay reads back.
import { TRACK_ARRAYS } from './braze-limits'
import type { DeliveryReport } from './deliver'

export interface HandlerSummary {
  braze: { endpoint: string; status: number | undefined; response: unknown } | null
  /** Every Braze call, with the exact body sent (the API key travels only in a header). */
  requests: Array<{ endpoint: string; status: number | undefined; body: Record<string, unknown> }>
  /** Objects sent to /users/track, by array. */
  sent: { attributes: number; events: number; purchases: number }
  warnings: string[]
  /** Why nothing (or less) was sent: an earlier attempt was accepted, or the attributes were unchanged. */
  note?: string
}

const MAX_WARNINGS = 20

function limitWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings
  return [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more warnings`]
}

/**
 * onBatch answers Segment with a status per event and nothing else, so its warnings go to the log, one
 * line each: the function editor's Test tab shows the function's console output
 * (https://segment.com/docs/connections/functions/destination-functions/#test-the-destination-function),
 * and `replay` counts them.
 */
export const BATCH_WARNING_PREFIX = 'Warning for event'

export function batchWarningLines(index: number, messageId: string | undefined, warnings: string[]): string[] {
  const which = `${BATCH_WARNING_PREFIX} ${index + 1}${messageId === undefined ? '' : ` (messageId ${JSON.stringify(messageId)})`}`
  return limitWarnings(warnings).map((warning) => `${which}: ${warning}`)
}

export function summarize(report: DeliveryReport, warnings: string[], messageId: string | undefined): HandlerSummary {
  const sent = { attributes: 0, events: 0, purchases: 0 }
  for (const call of report.calls) {
    if (call.path !== '/users/track') continue
    for (const name of TRACK_ARRAYS) {
      const items = call.body[name]
      if (Array.isArray(items)) sent[name] += items.length
    }
  }
  const primary = report.calls[0]
  const summary: HandlerSummary = {
    braze: primary ? { endpoint: primary.path, status: primary.outcome.status, response: primary.outcome.response } : null,
    requests: report.calls.map((call) => ({ endpoint: call.path, status: call.outcome.status, body: call.body })),
    sent,
    warnings: limitWarnings(warnings)
  }
  if (report.alreadyDelivered[0]) {
    summary.note = `Braze already accepted this event (messageId ${JSON.stringify(messageId)}) in an earlier attempt: nothing was sent again.`
  } else if (report.unchangedAttributes > 0) {
    summary.note = `${report.unchangedAttributes} attribute value${report.unchangedAttributes === 1 ? ' was' : 's were'} not sent: this instance already delivered ${report.unchangedAttributes === 1 ? 'it' : 'them'} unchanged (skipUnchangedAttributes).`
  }
  return summary
}
