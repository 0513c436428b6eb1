// Braze users whose objects must travel together, in time order.
// An object keyed by an email (or phone) goes to "the most recently updated
// profile with an external ID" that has it, if there is one
// (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/,
// "What happens when multiple profiles with the same email address are found?").
// So when one event of a batch keys attributes by an email and another gives
// that email to a user keyed otherwise, the order Braze applies them in
// decides who gets the first one's values: one by one, an email lead's
// attributes land on its own profile (merged later under the user's values);
// applied after the user took the email, they would overwrite the user's.
// Requests sent at once are applied in any order; one request's attribute
// objects one after another. So such users form one packing atom, their
// objects in time order, none folded past another user's (merge-attributes.ts).
// Two spellings of one email or phone link their objects the same way. (An
// event keyed by an email comes after the request's attributes: when a later
// event gives the email away, contact-rounds.ts holds that one back.) Linked
// users too many for one request are packed apart like anyone else, in no
// order: only then. Pure.
import { identifierKey, identityKey } from './braze-types'
import { CONTACTS, contactKey } from './contact'

/**
 * For the users that must share an atom, the identity key of the one whose atom they join; others are
 * absent (most batches: an empty map). Takes every object of the batch: attributes, events and
 * purchases (keyed by a contact, those go to whoever has it too).
 */
export function contactLinks(objects: Iterable<object>): Map<string, string> {
  const keyedBy = new Map<string, Set<string>>()
  const givenTo = new Map<string, Set<string>>()
  const add = (map: Map<string, Set<string>>, value: string, identity: string) => {
    const set = map.get(value)
    if (set) set.add(identity)
    else map.set(value, new Set([identity]))
  }
  const all = [...objects]
  // Most batches key nothing by a contact: then nothing links.
  for (const object of all) {
    const key = identifierKey(object)
    if (key !== 'email' && key !== 'phone') continue
    const value = contactKey(key, (object as Record<string, unknown>)[key])
    if (value) add(keyedBy, value, identityKey(object))
  }
  if (keyedBy.size === 0) return new Map()
  for (const object of all) {
    const key = identifierKey(object)
    for (const kind of CONTACTS) {
      if (kind === key) continue
      const value = contactKey(kind, (object as Record<string, unknown>)[kind])
      if (value && keyedBy.has(value)) add(givenTo, value, identityKey(object))
    }
  }
  const parent = new Map<string, string>()
  const root = (identity: string): string => {
    let at = identity
    while (parent.has(at)) at = parent.get(at)!
    return at
  }
  for (const [value, keyed] of keyedBy) {
    const linked = [...keyed, ...(givenTo.get(value) ?? [])]
    if (linked.length < 2) continue
    const first = root(linked[0]!)
    for (const identity of linked.slice(1)) {
      const other = root(identity)
      if (other !== first) parent.set(other, first)
    }
  }
  const links = new Map<string, string>()
  for (const identity of parent.keys()) {
    links.set(identity, root(identity))
    links.set(root(identity), root(identity))
  }
  return links
}
