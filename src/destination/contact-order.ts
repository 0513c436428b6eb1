// When one event of a batch keys Braze objects by an email (or phone) and
// another gives that same email to a user keyed otherwise, the order Braze
// applies them in decides who gets the first one's values: an object keyed by
// an email goes to "the most recently updated profile with an external ID"
// that has it, if there is one
// (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/,
// "What happens when multiple profiles with the same email address are found?").
// One by one, an email lead's attributes land on its own profile and are
// merged later under the user's values; applied after the user took the email,
// they would overwrite the user's. Requests sent at once are applied in any
// order, so such events go in successive deliveries, in time order. Pure.
import { identifierKey } from './braze-types'
import { inTimeOrder } from './merge-attributes'
import type { EventPlan } from './plan'

const CONTACTS = ['email', 'phone'] as const

/** How an event touches contacts: the ones its objects are keyed by, and the ones it gives to users keyed otherwise. */
interface ContactUse {
  keyedBy: string[]
  gives: string[]
}

/** Braze matches emails whatever their case (it stores them lowercased); phones as sent. */
function contact(kind: (typeof CONTACTS)[number], value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  return kind === 'email' ? `email:${value.trim().toLowerCase()}` : `phone:${value.trim()}`
}

function useOf(plan: EventPlan): ContactUse {
  const use: ContactUse = { keyedBy: [], gives: [] }
  for (const object of [...plan.attributes, ...plan.events, ...plan.purchases]) {
    const key = identifierKey(object)
    const record = object as Record<string, unknown>
    if (key === 'email' || key === 'phone') {
      const value = contact(key, record[key])
      if (value) use.keyedBy.push(value)
    }
  }
  for (const object of plan.attributes) {
    for (const kind of CONTACTS) {
      if (identifierKey(object) === kind) continue
      const value = contact(kind, (object as Record<string, unknown>)[kind])
      if (value) use.gives.push(value)
    }
  }
  return use
}

/**
 * The events' input indexes in deliveries to make one after another: one
 * delivery (all of them) unless an event keys objects by a contact that an
 * earlier event of the same delivery gives to another user, or the reverse.
 * Copies of one message (same messageId) stay together.
 */
export function contactOrder(plans: ReadonlyArray<EventPlan | undefined>): number[][] {
  const uses = plans.map((plan) => (plan ? useOf(plan) : undefined))
  const all = uses.flatMap((use, owner) => (use ? [owner] : []))
  if (!uses.some((use) => use && use.keyedBy.length > 0) || !uses.some((use) => use && use.gives.length > 0)) return [all]

  const deliveries: number[][] = [[]]
  const keyed = new Set<string>()
  const given = new Set<string>()
  const byMessage = new Map<string, number[]>()
  const ordered = inTimeOrder(all.map((owner) => ({ owner, epoch: plans[owner]!.epoch })))
  for (const { owner } of ordered) {
    const plan = plans[owner]!
    const first = plan.messageId === undefined ? undefined : byMessage.get(plan.messageId)
    if (first) {
      first.push(owner)
      continue
    }
    const use = uses[owner]!
    if (use.keyedBy.some((value) => given.has(value)) || use.gives.some((value) => keyed.has(value))) {
      deliveries.push([])
      keyed.clear()
      given.clear()
    }
    const delivery = deliveries.at(-1)!
    delivery.push(owner)
    if (plan.messageId !== undefined) byMessage.set(plan.messageId, delivery)
    for (const value of use.keyedBy) keyed.add(value)
    for (const value of use.gives) given.add(value)
  }
  return deliveries.map((delivery) => delivery.sort((a, b) => a - b))
}
