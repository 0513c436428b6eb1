// Packs atoms (bundles that must travel whole: one user's objects, or one
// event's part) into as few /users/track requests as Braze's limits allow,
// and a request Braze refused as too long into smaller ones. Pure and
// deterministic.
import { identityKey } from './braze-types'
import { addTo, emptyBundle, firstOwner, itemsOf, sizeOf, type Bundle, type BundleSize, type Item } from './track-bundle'

export interface RequestLimits {
  /** Objects of one array per request (Braze: 75). */
  perType: number
  /** Objects of all arrays per request (the maxObjectsPerRequest setting). */
  combined: number
  /** Body bytes per request. */
  bytes: number
}

/** Room for the JSON around the arrays: `{"attributes":[],"events":[],"purchases":[]}`. */
const BODY_OVERHEAD_BYTES = 64

export function fits(size: BundleSize, limits: RequestLimits): boolean {
  return (
    size.attributes <= limits.perType &&
    size.events <= limits.perType &&
    size.purchases <= limits.perType &&
    size.total <= limits.combined &&
    size.bytes + BODY_OVERHEAD_BYTES <= limits.bytes
  )
}

/** No packing can use fewer requests than this. */
export function lowerBound(total: BundleSize, limits: RequestLimits): number {
  return Math.max(
    Math.ceil(total.attributes / limits.perType),
    Math.ceil(total.events / limits.perType),
    Math.ceil(total.purchases / limits.perType),
    Math.ceil(total.total / limits.combined),
    Math.ceil(total.bytes / (limits.bytes - BODY_OVERHEAD_BYTES))
  )
}

function plus(a: BundleSize, b: BundleSize): BundleSize {
  return {
    attributes: a.attributes + b.attributes,
    events: a.events + b.events,
    purchases: a.purchases + b.purchases,
    total: a.total + b.total,
    bytes: a.bytes + b.bytes
  }
}

/**
 * Best fit decreasing: the largest atoms first, each into the fullest request
 * that still has room for it, a new request when none has. Every atom must fit
 * a request on its own. Objects keep their input order inside a request
 * (`order` ranks an atom, usually by its first event's input index).
 */
/** `rank`: each event's place in time order (by default its input index): attributes go in that order (inTimeOrder). */
export function packRequests(
  atoms: Bundle[],
  limits: RequestLimits,
  order: (atom: Bundle) => number,
  rank: (owner: number) => number = (owner) => owner
): Bundle[] {
  const sized = atoms.map((atom) => ({ atom, size: sizeOf(atom), rank: order(atom) }))
  sized.sort((a, b) => b.size.total - a.size.total || b.size.bytes - a.size.bytes || a.rank - b.rank)
  const requests: Array<{ atoms: typeof sized; size: BundleSize }> = []
  for (const entry of sized) {
    let best: (typeof requests)[number] | undefined
    for (const request of requests) {
      if (!fits(plus(request.size, entry.size), limits)) continue
      if (!best || request.size.total > best.size.total) best = request
    }
    if (best) {
      best.atoms.push(entry)
      best.size = plus(best.size, entry.size)
    } else requests.push({ atoms: [entry], size: entry.size })
  }
  return requests.map((request) => {
    const bundle = emptyBundle()
    for (const { atom } of request.atoms.sort((a, b) => a.rank - b.rank)) addTo(bundle, atom)
    inTimeOrder(bundle.attributes, rank)
    return bundle
  })
}

/**
 * Braze applies a request's attributes objects one after another, and an object keyed by an email or
 * a phone goes to the profile that has it by then: a user's object that sets the email before an older
 * email-keyed object would take that object's older values. So attributes go in the order of their
 * events (the earliest each stands for), whatever atom they came in; stable, so ties keep atom order.
 */
function inTimeOrder(attributes: Item<unknown>[], rank: (owner: number) => number): void {
  const first = new Map(attributes.map((entry) => [entry, Math.min(...entry.owners.map(rank))]))
  attributes.sort((a, b) => first.get(a)! - first.get(b)!)
}

/**
 * The atoms in their order, each request filled before the next is started,
 * so that sending the requests one after another keeps that order.
 */
export function packInOrder(atoms: Bundle[], limits: RequestLimits): Bundle[] {
  const requests: Array<{ bundle: Bundle; size: BundleSize }> = []
  for (const atom of atoms) {
    const size = sizeOf(atom)
    const last = requests.at(-1)
    if (last && fits(plus(last.size, size), limits)) {
      addTo(last.bundle, atom)
      last.size = plus(last.size, size)
    } else {
      const bundle = emptyBundle()
      addTo(bundle, atom)
      requests.push({ bundle, size })
    }
  }
  return requests.map((request) => request.bundle)
}

/**
 * A request Braze refused whole as too long (more objects than the account's
 * contract allows: MAX_COMBINED_OBJECTS_MAU) as requests within `limits`, in lanes: a lane's requests go one after another, the
 * lanes at once. A user whose objects fit one request is one request's worth
 * (packed with others); a user's objects that don't go in their order
 * (attributes, in time order, before events and purchases, as Braze applies
 * them: an alias's creating attributes before its purchases), in a lane of its
 * own. A part is never split, since Braze's acceptance is remembered per part;
 * one too big for a request is `unsendable`.
 */
export function smallerRequests(request: Bundle, limits: RequestLimits): { lanes: Bundle[][]; unsendable: Bundle[] } {
  const whole: Bundle[] = []
  const lanes: Bundle[][] = []
  const unsendable: Bundle[] = []
  for (const user of usersOf(request)) {
    if (fits(sizeOf(user), limits)) {
      whole.push(user)
      continue
    }
    const units = new Map<string, Bundle>()
    let attributesObjects = 0
    for (const { array, item: one } of itemsOf(user)) {
      const key = array === 'attributes' ? `attributes ${attributesObjects++}` : `${one.owners[0]} ${String(one.part)}`
      if (!units.has(key)) units.set(key, emptyBundle())
      ;(units.get(key)![array] as Item<unknown>[]).push(one)
    }
    const fitting = [...units.values()].filter((unit) => fits(sizeOf(unit), limits))
    unsendable.push(...[...units.values()].filter((unit) => !fitting.includes(unit)))
    if (fitting.length > 0) lanes.push(packInOrder(fitting, limits))
  }
  lanes.push(...packRequests(whole, limits, firstOwner).map((one) => [one]))
  return { lanes, unsendable }
}

/** A request's objects by the user (identity) they go to, each user's in their order. */
export function usersOf(request: Bundle): Bundle[] {
  const users = new Map<string, Bundle>()
  for (const { array, item: one } of itemsOf(request)) {
    const key = identityKey(one.object as object)
    if (!users.has(key)) users.set(key, emptyBundle())
    ;(users.get(key)![array] as Item<unknown>[]).push(one)
  }
  return [...users.values()]
}
