// The same messageId twice in one batch: Segment's messageId names one
// message (https://segment.com/docs/connections/spec/common/), so a copy with
// the same objects is sent once; an id a source reused for different events
// names none of them.
import type { EventPlan } from './plan'

/**
 * For each event whose messageId another event of the batch has: the first
 * event with the same objects (`first`), and whether the id names different
 * events too (`reused`). JSON only for those, which are rare.
 */
export function copiesOf(plans: Array<EventPlan | undefined>): Map<number, { first?: number; reused: boolean }> {
  const byId = new Map<string, number[]>()
  plans.forEach((plan, owner) => {
    if (plan?.messageId === undefined) return
    const owners = byId.get(plan.messageId)
    if (owners) owners.push(owner)
    else byId.set(plan.messageId, [owner])
  })
  const copies = new Map<number, { first?: number; reused: boolean }>()
  for (const owners of byId.values()) {
    if (owners.length < 2) continue
    const firstWith = new Map<string, number>()
    for (const owner of owners) {
      const json = JSON.stringify(plans[owner])
      const first = firstWith.get(json)
      if (first === undefined) firstWith.set(json, owner)
      copies.set(owner, { first, reused: false })
    }
    if (firstWith.size > 1) for (const owner of owners) copies.get(owner)!.reused = true
  }
  return copies
}
