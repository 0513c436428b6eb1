// Plans → the Braze requests to make, each object remembering the events and
// the part of each event it stands for, so every answer can be traced back.
// Pure but for the memory, which is only read here (a read may refresh an entry's place in it).
//
// - What Braze accepted for a message in an earlier invocation is not sent again.
// - Each event's events and purchases are cut into parts that fit one request;
//   the first part travels in the first round (in a second one when it needs the
//   object creating its alias's profile first: atomsOf), the others follow one by one.
// - One user's attribute updates merge in time order (merge-attributes.ts), and a
//   user's objects form one atom when they fit one request; so do the objects of
//   users an email or phone links (contact-links.ts). When they don't, each
//   event's part travels with the merged attribute objects that hold its own
//   updates and every event those tie to it, and no part is ever spread over
//   several requests.
// - skipUnchangedAttributes drops values this instance already delivered,
//   except from Engage payloads (unchanged-attributes.ts).
import { fits, lowerBound, packRequests, type RequestLimits } from './batch-packer'
import {
  MAX_OBJECTS_PER_TYPE,
  MAX_REQUEST_BYTES,
  MAX_REQUESTS_PER_EVENT,
  MAX_USERS_ENTRIES_PER_REQUEST,
  TRACK_ARRAYS
} from './braze-limits'
import { identityKey, type BrazeAttributes, type DeleteTarget, type MergeUpdate } from './braze-types'
import { DELIVERED, type DeliveryMemory } from './delivery-memory'
import { contactLinks } from './contact-links'
import { profileKey, profilesWritten } from './contact'
import { copiesOf } from './message-copies'
import { mergeAttributes, timeRanks, type AttributeUpdate } from './merge-attributes'
import type { EventPlan } from './plan'
import { attributeItems, attributeNames, byExternalId, type Skip } from './unchanged-attributes'
import {
  addTo,
  emptyBundle,
  firstOwner,
  item,
  itemsOf,
  sizeOf,
  type Bundle,
  type BundleSize,
  type Item,
  type PartToken
} from './track-bundle'

export function requestLimits(maxObjectsPerRequest: number): RequestLimits {
  return { perType: MAX_OBJECTS_PER_TYPE, combined: maxObjectsPerRequest, bytes: MAX_REQUEST_BYTES }
}

export interface Owned<T> {
  object: T
  owners: number[]
  key: string
}

export interface DeliveryPlan {
  /** The first round of /users/track requests, sent at once. */
  requests: Bundle[]
  /**
   * A second round, sent at once after the first: events' first parts that wait for the attributes
   * they are tied to (atomsOf). An event's chain follows its part here.
   */
  deferred: Bundle[]
  /** The later parts of split events, each sent after the one before it was accepted. */
  chains: Array<{ owner: number; parts: Bundle[] }>
  /** /users/merge entries, sent once an owner's /users/track objects were accepted. */
  merges: Owned<MergeUpdate>[]
  /** /users/delete requests: the users each deletes (its `field` lists their values), with their identity keys and the events behind them. */
  deletes: Array<{ field: 'external_ids' | 'user_aliases'; targets: Array<{ value: unknown; user: string; owners: number[] }> }>
  /** Per event: the parts Braze must accept in this invocation. */
  expected: Array<Set<PartToken>>
  /** Per event: Braze accepted all of it in an earlier invocation. */
  alreadyDelivered: boolean[]
  /** Per event: the parts Braze accepted in earlier invocations, as the memory recalls them. */
  acceptedBefore: Array<ReadonlySet<PartToken>>
  /** Events Braze refused an object of in an earlier invocation (which was retried for another reason): why. */
  refusedBefore: Map<number, string>
  /** Per event: the maxObjectsPerRequest its parts are cut with (the remembered one on a redelivery). */
  cuts: number[]
  /** Events that repeat an earlier event of the batch (same messageId, same objects): they share its outcome. */
  duplicateOf: Map<number, number>
  /** messageIds this batch uses for different events: what Braze accepted can't be told apart by them, so they are not remembered. */
  reusedIds: Set<string>
  /** Events whose merges are best effort (a track's: retrying it for them would log its event again). */
  bestEffortMerges: ReadonlySet<number>
  /** Events refused before anything is sent, with the reason: their objects need more requests than one event may make. */
  rejected: Map<number, string>
  /**
   * Events retried, not sent, with the reason: another invocation of this instance is delivering the
   * same message, or the batch deletes their user before them.
   */
  held: Map<number, string>
  /** Per event sent: the profiles its objects go to (a merge or delete of one waits for the event's retry). */
  profiles: string[][]
  /** Per event: its own attribute objects, to resend unmerged when Braze refuses a merged one. */
  ownAttributes: Map<number, BrazeAttributes[]>
  /** Attribute values not sent because this instance already delivered them. */
  unchangedAttributes: number
  /** Per event sent: what delivery adds to its mapping's warnings (purchases left out of an order too big to send whole). */
  warnings: string[][]
}

export interface PlanOptions {
  limits: RequestLimits
  memory?: DeliveryMemory
  /** Per event, a fingerprint of its content for the memory (deliver.ts, contentsOf). */
  contents?: Array<string | undefined>
  skipUnchangedAttributes?: boolean
  /** messageIds the whole batch uses for different events, when these plans are one round of it (contact-rounds.ts). */
  reusedIds?: ReadonlySet<string>
}

interface Group {
  updates: AttributeUpdate[]
  chunks: Array<{ owner: number; bundle: Bundle }>
  /** Several users an email or phone links (contact-links.ts): kept whole whenever they fit one request. */
  linked?: true
}

export function planDelivery(plans: Array<EventPlan | undefined>, options: PlanOptions): DeliveryPlan {
  const { limits, memory } = options
  const delivery: DeliveryPlan = {
    requests: [],
    deferred: [],
    chains: [],
    merges: [],
    deletes: [],
    expected: plans.map(() => new Set<PartToken>()),
    alreadyDelivered: plans.map(() => false),
    acceptedBefore: plans.map(() => new Set<PartToken>()),
    refusedBefore: new Map(),
    cuts: plans.map(() => limits.combined),
    duplicateOf: new Map(),
    reusedIds: new Set(),
    rejected: new Map(),
    held: new Map(),
    profiles: plans.map(() => []),
    ownAttributes: new Map(),
    bestEffortMerges: new Set(plans.flatMap((plan, owner) => (plan?.mergesBestEffort ? [owner] : []))),
    unchangedAttributes: 0,
    warnings: plans.map(() => [])
  }
  const groups = new Map<string, Group>()
  const groupOf = (key: string) => {
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { updates: [], chunks: [] }))
    return group
  }
  const merges = new Dedup<MergeUpdate>()
  let remembered: Array<{ merge: MergeUpdate; key: string; owner: number }> | undefined
  const deletes = new Dedup<DeleteTarget>()

  // Segment's messageId names one message (https://segment.com/docs/connections/spec/common/): the same one twice
  // in a batch is sent once, or Braze would log its events twice. An id a source reused for different events
  // names none of them: those go as they are, neither recalled nor remembered.
  const copies = copiesOf(plans)
  const live: Live[] = []
  const deleted = new Set<string>()
  /** Profiles of events held back: what comes after them on those profiles waits too, the deletes included. */
  const heldProfiles = new Set<string>()
  plans.forEach((plan, owner) => {
    if (!plan) return
    const copy = copies.get(owner)
    const reused = copy?.reused || (plan.messageId !== undefined && options.reusedIds?.has(plan.messageId))
    if (copy?.first !== undefined) {
      delivery.duplicateOf.set(owner, copy.first)
      return
    }
    if (reused) delivery.reusedIds.add(plan.messageId!)
    // Two copies of a message at once on one instance (an at-least-once duplicate): neither would see what
    // Braze took of the other, and both would be logged. This one is retried, and then sends what Braze lacks.
    if (plan.messageId !== undefined && !reused && memory?.inFlight(plan.messageId)) {
      delivery.held.set(owner, IN_FLIGHT)
      return
    }
    const recalled = plan.messageId === undefined || reused ? undefined : memory?.recall(plan.messageId, options.contents?.[owner])
    if (recalled === DELIVERED) {
      delivery.alreadyDelivered[owner] = true
      return
    }
    // Part numbers name parts of one cut: an event some of whose parts Braze took under another
    // maxObjectsPerRequest is cut as it was then, or a redelivery would send again, or skip, what
    // moved between parts. Those parts all chain, whole (below).
    const cut = recalled && recalled.size > 0 ? memory?.cutOf(plan.messageId!) : undefined
    if (cut !== undefined) delivery.cuts[owner] = cut
    const cutLimits = cut !== undefined && cut !== limits.combined ? requestLimits(cut) : limits
    let parts = chunks(plan, owner, cutLimits)
    // Judged here, after the memory and with the event's own cut: an event Braze took all or part of
    // under another maxObjectsPerRequest is never refused for the setting it has now.
    let leftOut: string | undefined
    if (parts.length > MAX_REQUESTS_PER_EVENT && plan.purchasesOptional) {
      // In "both", the order's recommended event goes without its purchases (README, "ecommerceMode").
      leftOut = `The purchases were left out and the rest sent: ${purchasesOverLimit(plan, cutLimits)}`
      plan = { ...plan, purchases: [], purchasesOptional: undefined }
      parts = chunks(plan, owner, cutLimits)
    }
    if (parts.length > MAX_REQUESTS_PER_EVENT) {
      delivery.rejected.set(owner, tooManyRequests(plan, parts, cutLimits))
      return
    }
    // A batch's deletes go last (deliver.ts), after every write: one timed after the delete of its user
    // would be deleted with it. It is retried instead, and reaches Braze after the delete; so does all that
    // follows it on its profiles, a second delete of the user included.
    const written = objectProfiles(plan)
    const deletes = plan.deletes.map((target) => identityKey(target))
    if (deleted.size > 0 || heldProfiles.size > 0) {
      const profiles = [...written, ...mergeProfiles(plan)]
      if (profiles.some((profile) => deleted.has(profile)) || [...profiles, ...deletes].some((profile) => heldProfiles.has(profile))) {
        for (const profile of [...profiles, ...deletes]) heldProfiles.add(profile)
        delivery.held.set(owner, AFTER_DELETE)
        return
      }
    }
    for (const profile of deletes) deleted.add(profile)
    if (leftOut) delivery.warnings[owner]!.push(leftOut)
    delivery.profiles[owner] = written
    const done = recalled ?? new Set<PartToken>()
    delivery.acceptedBefore[owner] = done
    const refusal = recalled && plan.messageId !== undefined ? memory?.refusalOf(plan.messageId) : undefined
    if (refusal) delivery.refusedBefore.set(owner, refusal)
    live.push({ owner, plan, done, parts })
  })

  const creating = creatingWhereTheBatchCreates(live)
  const links = contactLinks(creating.flatMap(({ plan }) => [...plan.attributes, ...plan.events, ...plan.purchases]))
  const userGroup = (identity: string) => {
    const root = links.get(identity)
    if (root === undefined) return groupOf(identity)
    const group = groupOf(root)
    group.linked = true
    return group
  }
  for (const { owner, plan, done, parts } of creating) {
    const pending = parts.filter((_, index) => !done.has(index))
    // An anonymous visitor's event resumed on redelivery: Braze may have merged the alias away since it took
    // the first parts, and it drops events and purchases for an alias it lacks ("Update Only" is always true
    // for them: https://www.braze.com/docs/api/objects_filters/purchase_object/). The object that creates
    // the alias profile goes again before the parts left, which then land on that profile, not nowhere.
    const recreate = pending.length > 0 && done.size > 0 && plan.attributes.some(createsAliasOnly)
    const attributesDone = done.has('attributes') && !recreate
    if (plan.attributes.length > 0 && !attributesDone) {
      for (const object of plan.attributes) userGroup(identityKey(object)).updates.push({ object, owner, epoch: plan.epoch })
      delivery.ownAttributes.set(owner, plan.attributes)
    }
    // Only the first part has room for the event's attributes: when Braze took that part but not the
    // attributes, these go alone in the first round and every remaining part follows, so no part is
    // spread over two requests. So too when a request holds a single object (maxObjectsPerRequest 1):
    // the attributes that create an alias's profile must reach Braze before its first purchase.
    const attributesFirst = plan.attributes.length > 0 && !attributesDone && (done.has(0) || limits.combined < 2)
    const recut = delivery.cuts[owner] !== limits.combined
    const first = attributesFirst || recut ? undefined : pending.shift()
    if (first) userGroup(userOf(first)).chunks.push({ owner, bundle: first })
    if (pending.length > 0) delivery.chains.push({ owner, parts: pending })
    for (const merge of plan.merges) {
      const key = JSON.stringify(merge)
      if (!memory?.mergeDone(profileKey(merge.identifier_to_merge), key)) merges.add(merge, key, owner)
      else (remembered ??= []).push({ merge, key, owner })
    }
    for (const target of plan.deletes) deletes.add(target, JSON.stringify(target), owner)
  }
  // A merge Braze took before is sent again when this batch sends something to the profile it merged
  // away: that creates the profile again (an alias's new events, an old userId's late ones).
  if (remembered) {
    const touched = profilesOf(plans.filter((_, owner) => !delivery.alreadyDelivered[owner]))
    for (const { merge, key, owner } of remembered) if (touched.has(profileKey(merge.identifier_to_merge))) merges.add(merge, key, owner)
  }

  const skip: Skip | undefined =
    options.skipUnchangedAttributes && memory
      ? {
          memory,
          exempt: new Set(plans.flatMap((plan, owner) => (plan?.engage ? [owner] : []))),
          elsewhere: new Set(
            plans.flatMap((plan) => plan?.attributes.filter((object) => !byExternalId(object)).flatMap(attributeNames) ?? [])
          )
        }
      : undefined
  let chosen = atomsOfAll([...groups.values()], limits, skip, false)
  // Segment does not sort a batch by time: a request's attributes go in the time order of their events.
  const rank = timeRanks(plans.map((plan) => plan?.epoch))
  const byRank = (owner: number) => rank[owner]!
  delivery.requests = packRequests(chosen.atoms, limits, firstOwner, byRank)
  // Users kept whole can cost requests (twenty users of 600 KB each need twenty 1 MB requests, not twelve): then each event travels on its own.
  if (delivery.requests.length > lowerBound(totalSize(chosen.atoms), limits)) {
    const byEvent = atomsOfAll([...groups.values()], limits, skip, true)
    const requests = packRequests(byEvent.atoms, limits, firstOwner, byRank)
    if (requests.length < delivery.requests.length) {
      delivery.requests = requests
      chosen = byEvent
    }
  }
  delivery.unchangedAttributes = chosen.unchanged
  delivery.deferred = packRequests(
    chosen.deferred.map(({ bundle }) => bundle),
    limits,
    firstOwner,
    byRank
  )
  delivery.merges = merges.items()
  delivery.deletes = deleteRequests(deletes.items())
  for (const bundle of [...delivery.requests, ...delivery.deferred, ...delivery.chains.flatMap((chain) => chain.parts)]) {
    for (const array of TRACK_ARRAYS) {
      for (const entry of bundle[array]) for (const owner of entry.owners) delivery.expected[owner]!.add(entry.part)
    }
  }
  return delivery
}

/** An event this invocation sends something of: what Braze has not accepted yet, in parts. */
interface Live {
  owner: number
  plan: EventPlan
  done: ReadonlySet<PartToken>
  parts: Bundle[]
}

/**
 * An Engage call keyed by an anonymousId's alias only updates that profile
 * (map-event.ts, withIdentifier). When another event sends, in this
 * invocation, an object that creates the profile anyway (a visitor's own track
 * or identify), the Engage call's objects create it too: Braze applies a
 * request's attributes before its events
 * (https://www.braze.com/docs/api/api_limits/, "1. Attributes 2. Events 3. Purchases"),
 * so an update-only object could come before the one that creates the profile
 * and be dropped, although the same calls one by one deliver it. Under the
 * updateExistingOnly setting nothing creates a profile, so nothing changes.
 */
function creatingWhereTheBatchCreates(live: Live[]): Live[] {
  const updateOnly = (object: { _update_existing_only?: boolean }) => object._update_existing_only === true
  const flippable = live.some(
    ({ plan }) => plan.engage && (plan.attributes.some(updateOnly) || plan.events.some(updateOnly) || plan.purchases.some(updateOnly))
  )
  if (!flippable) return live
  const created = new Set<string>()
  for (const { plan, done, parts } of live) {
    const sent: object[] = done.has('attributes') ? [] : [...plan.attributes]
    parts.forEach((part, index) => {
      if (!done.has(index)) for (const { item: one } of itemsOf(part)) sent.push(one.object as object)
    })
    for (const object of sent) if (createsProfile(object)) created.add(identityKey(object))
  }
  if (created.size === 0) return live
  const creating = <T extends { _update_existing_only?: boolean }>(object: T): T =>
    object._update_existing_only === true && created.has(identityKey(object)) ? { ...object, _update_existing_only: false } : object
  return live.map((entry) => {
    if (!entry.plan.engage) return entry
    const { plan } = entry
    const flipped = {
      ...plan,
      attributes: plan.attributes.map(creating),
      events: plan.events.map(creating),
      purchases: plan.purchases.map(creating)
    }
    // The same parts, not a new cut: the memory names parts by index across invocations.
    const parts = entry.parts.map((part) => {
      const bundle = emptyBundle()
      for (const { array, item: one } of itemsOf(part))
        (bundle[array] as Item<unknown>[]).push(item(creating(one.object as { _update_existing_only?: boolean }), one.owners, one.part))
      return bundle
    })
    return { ...entry, plan: flipped, parts }
  })
}

/** Why an event needs more requests than one event may make: the number of its objects, or their bytes. */
function tooManyRequests(plan: EventPlan, parts: Bundle[], limits: RequestLimits): string {
  const objects = plan.attributes.length + plan.events.length + plan.purchases.length
  const perRequest = Math.min(limits.perType, limits.combined)
  const most = MAX_REQUESTS_PER_EVENT * perRequest
  if (objects > most)
    return (
      `This event would become ${objects} Braze objects (${plan.purchases.length} of them purchases: one per product, and one per 100 of a quantity); ` +
      `the function sends at most ${most} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${perRequest}). Split the order, or send it with ecommerceMode "recommended".`
    )
  const kilobytes = Math.ceil(parts.reduce((sum, part) => sum + sizeOf(part).bytes, 0) / 1024)
  return (
    `This event's Braze objects add up to ${kilobytes} KB and need ${parts.length} requests; the function sends at most ${MAX_REQUESTS_PER_EVENT} for one event. ` +
    'Send fewer or smaller products, or send it with ecommerceMode "recommended".'
  )
}

/** Why an order's purchases could not go with it (ecommerceMode "both"). */
function purchasesOverLimit(plan: EventPlan, limits: RequestLimits): string {
  const perRequest = Math.min(limits.perType, limits.combined)
  const most = MAX_REQUESTS_PER_EVENT * perRequest
  const objects = plan.attributes.length + plan.events.length + plan.purchases.length
  return objects > most
    ? `with its ${plan.purchases.length} purchases the event would be ${objects} Braze objects, and the function sends at most ${most} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${perRequest}).`
    : `with its purchases the event would need more than ${MAX_REQUESTS_PER_EVENT} requests of 1 MB.`
}

/** The bare object that creates an alias-only profile, with no attribute of its own (map-event.ts, purchases). */
function createsAliasOnly(object: BrazeAttributes): boolean {
  return 'user_alias' in object && object._update_existing_only === false && Object.keys(object).length === 2
}

/** Braze creates a profile for an unknown external_id, email or phone unless told not to; for a user_alias only when told to (identity.ts). */
function createsProfile(object: { _update_existing_only?: boolean }): boolean {
  if ('user_alias' in object) return object._update_existing_only === false
  return !('braze_id' in object) && object._update_existing_only !== true
}

const IN_FLIGHT =
  'Another invocation of this instance is delivering the same message (messageId) right now: once it is done, a retry sends only what Braze lacks.'
const AFTER_DELETE =
  'This batch deletes the user before this event: it is retried, so that it reaches Braze after the delete (a batch sends its deletes last).'

/** The profiles an event's objects go to, and those a merge by email or phone may find because of them (contact.ts). */
function objectProfiles(plan: EventPlan): string[] {
  return profilesWritten([...plan.attributes, ...plan.events, ...plan.purchases])
}

/** The profiles an event merges, away and kept. */
function mergeProfiles(plan: EventPlan): string[] {
  return plan.merges.flatMap((merge) => [profileKey(merge.identifier_to_merge), profileKey(merge.identifier_to_keep)])
}

/** The identities of the profiles the plans send objects to. */
function profilesOf(plans: Array<EventPlan | undefined>): Set<string> {
  return new Set(plans.flatMap((plan) => (plan ? objectProfiles(plan) : [])))
}

function totalSize(atoms: Bundle[]): BundleSize {
  const all = emptyBundle()
  for (const atom of atoms) addTo(all, atom)
  return sizeOf(all)
}

function userOf(bundle: Bundle): string {
  return identityKey((bundle.events[0] ?? bundle.purchases[0])!.object)
}

/**
 * An event's events and purchases in parts that each fit one request; the
 * first part leaves room for the event's attribute objects. The cut depends
 * only on the event, so a redelivery names the same parts.
 */
function chunks({ events, purchases, attributes }: EventPlan, owner: number, limits: RequestLimits): Bundle[] {
  if (events.length + purchases.length === 0) return []
  const out: Bundle[] = []
  let current = emptyBundle()
  current.attributes.push(...attributes.map((object) => roomy(item(object, [owner], 'attributes'))))
  const place = <T>(array: 'events' | 'purchases', object: T) => {
    const entry = roomy(item(object, [owner], out.length)) as Item<never>
    current[array].push(entry)
    // An object too big for any request still goes, alone: Braze then says what it refuses.
    if (fits(sizeOf(current), limits) || current.events.length + current.purchases.length === 1) return
    current[array].pop()
    out.push(current)
    current = emptyBundle()
    entry.part = out.length
    current[array].push(entry)
  }
  for (const object of events) place('events', object)
  for (const object of purchases) place('purchases', object)
  if (current.events.length + current.purchases.length > 0) out.push(current)
  // The attributes were only there to keep room: they travel as the user's merged object.
  if (out[0]) out[0].attributes = []
  return out
}

/**
 * An update-only object sized as if it said `false`, one byte longer: the cut must hold it when the
 * batch makes it create the profile (creatingWhereTheBatchCreates), or a part could outgrow its request.
 */
function roomy<T>(entry: Item<T>): Item<T> {
  if ((entry.object as { _update_existing_only?: boolean })._update_existing_only === true) entry.bytes += 1
  return entry
}

/** Packing atoms and the attribute values they leave out as unchanged. */
interface Atoms {
  atoms: Bundle[]
  unchanged: number
  /** Events' first parts that wait for the round: they go after the attributes they are tied to (atomsOf). */
  deferred: Array<{ owner: number; bundle: Bundle }>
}

function atomsOfAll(groups: Group[], limits: RequestLimits, skip: Skip | undefined, split: boolean): Atoms {
  const all: Atoms = { atoms: [], unchanged: 0, deferred: [] }
  for (const group of groups) {
    const { atoms, unchanged, deferred } = atomsOf(group, limits, skip, split)
    all.atoms.push(...atoms)
    all.unchanged += unchanged
    all.deferred.push(...deferred)
  }
  return all
}

/**
 * One user's objects as atoms: one when everything fits a request (unless
 * `split`, which linked users ignore); else the events that carry events or
 * purchases, each with the merged attribute objects that hold its updates (and
 * the events those tie to it), and one atom per other merged object. Tied
 * events too big for one request go as separate atoms, or deferred (Atoms).
 */
function atomsOf(group: Group, limits: RequestLimits, skip: Skip | undefined, split: boolean): Atoms {
  // Linked users split apart could go in requests sent at once, applied in any order: only when they cannot fit one.
  const merged = attributeItems(mergeAttributes(group.updates), skip)
  if (!split || group.linked) {
    const whole = emptyBundle()
    whole.attributes.push(...merged.items)
    for (const chunk of group.chunks) addTo(whole, chunk.bundle)
    const size = sizeOf(whole)
    if (fits(size, limits)) return { atoms: size.total > 0 ? [whole] : [], unchanged: merged.unchanged, deferred: [] }
  }

  // The user's attributes merged as when kept whole (in time order, never folding past an object that touches
  // the same attribute), so their order holds whichever requests the atoms go in. An object that holds an
  // attribute update of an event carrying events or purchases travels with that event's objects, and so
  // does every other event it ties to them.
  const chunks = new Map(group.chunks.map((chunk) => [chunk.owner, chunk.bundle]))
  const root = new Map<number, number>()
  const find = (owner: number): number => {
    const up = root.get(owner) ?? owner
    return up === owner ? owner : find(up)
  }
  for (const { owners } of merged.items) {
    const [first, ...others] = owners.filter((owner) => chunks.has(owner)).map(find)
    for (const other of others) if (other !== first) root.set(other, first!)
  }
  const atomOf = new Map<number, Bundle>()
  const atom = (carrier: number) => {
    const at = find(carrier)
    let bundle = atomOf.get(at)
    if (!bundle) atomOf.set(at, (bundle = emptyBundle()))
    return bundle
  }
  const out: Atoms = { atoms: [], unchanged: merged.unchanged, deferred: [] }
  for (const one of merged.items) {
    const carrier = one.owners.find((owner) => chunks.has(owner))
    if (carrier === undefined) out.atoms.push({ ...emptyBundle(), attributes: [one] })
    else atom(carrier).attributes.push(one)
  }
  const carriers = new Map<number, number[]>()
  for (const owner of chunks.keys()) {
    const at = find(owner)
    const owners = carriers.get(at)
    if (owners) owners.push(owner)
    else carriers.set(at, [owner])
  }
  for (const [at, owners] of carriers) {
    const tied = atom(at)
    for (const owner of owners) addTo(tied, chunks.get(owner)!)
    if (fits(sizeOf(tied), limits)) {
      out.atoms.push(tied)
      continue
    }
    // Events tied by attributes they share (an alias's profile-creating object, a value two of them set) that
    // cannot go in one request: the attributes go in their order, and each event's first part whole, never
    // spread over requests (a part half taken could not be told from one taken whole). Parts that need the
    // object creating their alias's profile go after it, in the second round: sent at once with it, their
    // purchases could reach Braze first and be dropped. Other events create their profile themselves.
    out.atoms.push(...inRequests(tied.attributes, limits))
    const needsFirst = tied.attributes.some(({ object }) => createsAliasOnly(object))
    for (const owner of owners) {
      if (needsFirst) out.deferred.push({ owner, bundle: chunks.get(owner)! })
      else out.atoms.push(chunks.get(owner)!)
    }
  }
  return out
}

/** Attribute objects in as few bundles as hold them, in their order. */
function inRequests(attributes: Item<BrazeAttributes>[], limits: RequestLimits): Bundle[] {
  const bundles: Bundle[] = []
  let current = emptyBundle()
  for (const one of attributes) {
    current.attributes.push(one)
    if (fits(sizeOf(current), limits) || current.attributes.length === 1) continue
    current.attributes.pop()
    bundles.push(current)
    current = { ...emptyBundle(), attributes: [one] }
  }
  if (current.attributes.length > 0) bundles.push(current)
  return bundles
}

/** The same request twice in one batch (a merge on every identify of a user) is sent once, on behalf of all. */
class Dedup<T> {
  private readonly byKey = new Map<string, Owned<T>>()
  add(object: T, key: string, owner: number): void {
    const existing = this.byKey.get(key)
    if (!existing) this.byKey.set(key, { object, owners: [owner], key })
    else if (!existing.owners.includes(owner)) existing.owners.push(owner)
  }
  items(): Owned<T>[] {
    return [...this.byKey.values()]
  }
}

/** /users/delete takes exactly one kind of identifier per request, 50 at most. */
function deleteRequests(items: Owned<DeleteTarget>[]): DeliveryPlan['deletes'] {
  const out: DeliveryPlan['deletes'] = []
  const kinds = [
    { field: 'external_ids' as const, of: (target: DeleteTarget) => ('external_id' in target ? target.external_id : undefined) },
    { field: 'user_aliases' as const, of: (target: DeleteTarget) => ('user_alias' in target ? target.user_alias : undefined) }
  ]
  for (const { field, of } of kinds) {
    const mine = items.filter((entry) => of(entry.object) !== undefined)
    for (const chunk of chunked(mine, MAX_USERS_ENTRIES_PER_REQUEST)) {
      out.push({
        field,
        targets: chunk.map((entry) => ({ value: of(entry.object), user: identityKey(entry.object), owners: entry.owners }))
      })
    }
  }
  return out
}

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}
