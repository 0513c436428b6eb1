import { callBraze, type BrazeConnection, type CallOutcome } from './braze-client'
import { planCalls, type CallPlanStats, type PlannedCall } from './braze-calls'
import type { EventPlan } from './plan'

/**
 * Sends the calls of a set of plans concurrently under one deadline and
 * traces every Braze answer back to the input events. An event is delivered
 * only if Braze accepted every object it contributed to.
 */
export interface EventFailure {
  kind: 'retry' | 'reject'
  message: string
}

export interface CallReport {
  path: PlannedCall['path']
  body: Record<string, unknown>
  outcome: CallOutcome
}

export interface DeliveryReport {
  /** One entry per plan index: the failures of that event (empty = delivered). */
  failures: EventFailure[][]
  calls: CallReport[]
  stats: CallPlanStats
}

export async function deliver(plans: Array<EventPlan | undefined>, connection: BrazeConnection, maxObjectsPerRequest: number): Promise<DeliveryReport> {
  const { calls, stats } = planCalls(plans, maxObjectsPerRequest)
  const outcomes = await Promise.all(calls.map((call) => callBraze(call.path, call.body, connection)))
  const failures: EventFailure[][] = plans.map(() => [])
  calls.forEach((call, i) => attribute(call, outcomes[i]!, failures))
  return { failures, calls: calls.map((call, i) => ({ path: call.path, body: call.body, outcome: outcomes[i]! })), stats }
}

function attribute(call: PlannedCall, outcome: CallOutcome, failures: EventFailure[][]): void {
  if (outcome.kind !== 'accepted') {
    for (const owner of call.owners) failures[owner]!.push({ kind: outcome.kind, message: outcome.message })
    return
  }
  const unattributed = [...outcome.unattributed]
  for (const rejected of outcome.rejected) {
    const owners = call.trackOwners?.[rejected.array][rejected.index]
    if (!owners) {
      unattributed.push(`${rejected.message} (${rejected.array}[${rejected.index}], which this request did not have)`)
      continue
    }
    for (const owner of owners) {
      failures[owner]!.push({ kind: 'reject', message: `Braze rejected the ${singular(rejected.array)} object: ${rejected.message}` })
    }
  }
  // Braze said something failed without saying which object: none of this request's events can be called delivered.
  if (unattributed.length > 0) {
    const message = `Braze reported errors for ${call.path} that name no object it was sent: ${unattributed.slice(0, 3).join('; ')}`
    for (const owner of call.owners) failures[owner]!.push({ kind: 'reject', message })
  }
}

function singular(array: string): string {
  return array === 'attributes' ? 'attributes' : array.slice(0, -1)
}

/** A retry wins: Segment resends the event, and what Braze refuses it will refuse again with the same message. */
export function worstFailure(failures: EventFailure[]): EventFailure | undefined {
  if (failures.length === 0) return undefined
  const retry = failures.find((failure) => failure.kind === 'retry')
  const kind = retry ? 'retry' : 'reject'
  const messages = [...new Set(failures.map((failure) => failure.message))]
  const shown = messages.slice(0, 3).join(' | ')
  return { kind, message: messages.length > 3 ? `${shown} | and ${messages.length - 3} more` : shown }
}
