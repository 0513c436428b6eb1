import { TRACK_ARRAYS } from './braze-types'
import type { DeliveryReport } from './deliver'

/** What the Test panel shows after a single event (design §4). */
export interface HandlerSummary {
  braze: { endpoint: string; status: number | undefined; response: unknown } | null
  requests: Array<{ endpoint: string; status: number | undefined }>
  sent: { attributes: number; events: number; purchases: number }
  warnings: string[]
}

export const MAX_WARNINGS = 20

export function limitWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings
  return [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more warnings`]
}

export function summarize(report: DeliveryReport, warnings: string[]): HandlerSummary {
  const sent = { attributes: 0, events: 0, purchases: 0 }
  for (const call of report.calls) {
    if (call.path !== '/users/track') continue
    for (const name of TRACK_ARRAYS) {
      const items = call.body[name]
      if (Array.isArray(items)) sent[name] += items.length
    }
  }
  const primary = report.calls[0]
  return {
    braze: primary ? { endpoint: primary.path, status: primary.outcome.status, response: primary.outcome.response } : null,
    requests: report.calls.map((call) => ({ endpoint: call.path, status: call.outcome.status })),
    sent,
    warnings: limitWarnings(warnings)
  }
}
