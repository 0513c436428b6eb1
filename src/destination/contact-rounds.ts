// Braze applies a /users/track request's attributes before its events and
// purchases ("1. Attributes 2. Events 3. Purchases",
// https://www.braze.com/docs/api/api_limits/), and an event keyed by an email
// goes to whoever has the email by then (contact-links.ts). So an event keyed
// by an email cannot share a request with a later event that gives that email
// to a user: that user would get it. Such a later event waits for a later
// round, with every event after it that touches its users or contacts (their
// order stays as Braze would see it one by one). Most batches are one round;
// Engage's email-only audience calls beside their users' identifies take two
// at most, however many users. Pure.
import { identifierKey, identityKey } from './braze-types'
import { CONTACTS, contactKey } from './contact'
import { copiesOf } from './message-copies'
import type { EventPlan } from './plan'

/** Past this many rounds, the events left go together in the last one (the deadline is 4 s). */
const MAX_ROUNDS = 3

interface ContactUse {
  /** The Braze users its objects are keyed by, it merges or deletes. */
  users: string[]
  /** Every contact it keys objects by, gives away or merges by. */
  contacts: string[]
  /** The contacts its events and purchases are keyed by. */
  eventsKeyedBy: string[]
  /** The contacts its attributes give to users keyed otherwise. */
  gives: string[]
}

function useOf(plan: EventPlan): ContactUse {
  const use: ContactUse = { users: [], contacts: [], eventsKeyedBy: [], gives: [] }
  const objects: object[] = [...plan.attributes, ...plan.events, ...plan.purchases]
  for (const [index, object] of objects.entries()) {
    use.users.push(identityKey(object))
    const key = identifierKey(object)
    for (const kind of CONTACTS) {
      const value = contactKey(kind, (object as Record<string, unknown>)[kind])
      if (!value) continue
      use.contacts.push(value)
      if (key !== kind) use.gives.push(value)
      else if (index >= plan.attributes.length) use.eventsKeyedBy.push(value)
    }
  }
  // Its merges and deletes touch users and contacts too: an exit's merge of an email's lead, an alias, a delete.
  for (const { identifier_to_merge: source, identifier_to_keep: keep } of plan.merges) {
    use.users.push(identityKey(keep))
    const kind = CONTACTS.find((one) => one in source)
    const value = kind && contactKey(kind, (source as Record<string, unknown>)[kind])
    if (value) use.contacts.push(value)
    else use.users.push(identityKey(source))
  }
  for (const target of plan.deletes) use.users.push(identityKey(target))
  return use
}

/** The users and contacts an event touches: a later round's event that shares one waits for this one. */
export function touchesOf(plan: EventPlan): string[] {
  const { users, contacts } = useOf(plan)
  return [...users, ...contacts]
}

/** The events' input indexes (the plans in time order), in rounds to deliver one after another. */
export function contactRounds(plans: ReadonlyArray<EventPlan | undefined>): number[][] {
  const all = plans.flatMap((plan, owner) => (plan ? [owner] : []))
  // Most batches have no event keyed by a contact: nothing more to look at.
  const keyedByContact = (object: object) => {
    const key = identifierKey(object)
    return key === 'email' || key === 'phone'
  }
  if (!plans.some((plan) => plan && (plan.events.some(keyedByContact) || plan.purchases.some(keyedByContact)))) return [all]
  const uses = plans.map((plan) => (plan ? useOf(plan) : undefined))
  if (!uses.some((use) => use && use.gives.length > 0)) return [all]

  const copies = copiesOf([...plans])
  const rounds: number[][] = []
  let left = all
  while (left.length > 0) {
    if (rounds.length === MAX_ROUNDS - 1) {
      rounds.push(left)
      break
    }
    const now: number[] = []
    const later: number[] = []
    const waits = new Set<number>()
    const keyedByEvents = new Set<string>()
    const waitingUsers = new Set<string>()
    const waitingContacts = new Set<string>()
    for (const owner of left) {
      const first = copies.get(owner)?.first
      const use = uses[owner]!
      const wait =
        first !== undefined
          ? waits.has(first)
          : use.users.some((user) => waitingUsers.has(user)) ||
            use.contacts.some((value) => waitingContacts.has(value)) ||
            use.gives.some((value) => keyedByEvents.has(value))
      if (wait) {
        waits.add(owner)
        later.push(owner)
        for (const user of use.users) waitingUsers.add(user)
        for (const value of use.contacts) waitingContacts.add(value)
      } else {
        now.push(owner)
        for (const value of use.eventsKeyedBy) keyedByEvents.add(value)
      }
    }
    rounds.push(now)
    left = later
  }
  return rounds
}
