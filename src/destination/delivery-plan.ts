// Plans → the Braze requests to make, each object remembering the events and
// the part of each event it stands for, so every answer can be traced back.
// Pure: the memory is read, never written, here.
//
// - What Braze accepted for a message in an earlier invocation is not sent again.
// - Each event's events and purchases are cut into parts that fit one request;
//   the first part travels in the first round, the others follow one by one.
// - One user's attribute updates merge into one object (in time order), and a
//   user's objects form one atom when they fit one request. When they don't,
//   the events that carry events or purchases keep their own attribute objects,
//   so no event is spread over several requests.
// - skipUnchangedAttributes drops values this instance already delivered.
import { fits, lowerBound, packRequests, type RequestLimits } from './batch-packer'
import { MAX_OBJECTS_PER_TYPE, MAX_REQUEST_BYTES, MAX_USERS_ENTRIES_PER_REQUEST, TRACK_ARRAYS } from './braze-limits'
import {
  identifierKey,
  identityKey,
  type BrazeAttributes,
  type BrazeEvent,
  type BrazePurchase,
  type DeleteTarget,
  type MergeUpdate
} from './braze-types'
import { DELIVERED, type DeliveryMemory } from './delivery-memory'
import { isArrayEdit, mergeAttributes, type AttributeUpdate, type OwnedAttributes } from './merge-attributes'
import type { EventPlan } from './plan'
import { addTo, emptyBundle, item, itemsOf, sizeOf, type Bundle, type BundleSize, type Item, type PartToken } from './track-bundle'

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
  /** The later parts of split events, each sent after the one before it was accepted. */
  chains: Array<{ owner: number; parts: Bundle[] }>
  /** /users/merge entries, sent once an owner's /users/track objects were accepted. */
  merges: Owned<MergeUpdate>[]
  deletes: Array<{ body: Record<string, unknown>; owners: number[] }>
  /** Per event: the parts Braze must accept in this invocation. */
  expected: Array<Set<PartToken>>
  /** Per event: Braze accepted all of it in an earlier invocation. */
  alreadyDelivered: boolean[]
  /** Per event: its own attribute objects, to resend unmerged when Braze refuses a merged one. */
  ownAttributes: Map<number, Item<BrazeAttributes>[]>
  /** Attribute values not sent because this instance already delivered them. */
  unchangedAttributes: number
}

export interface PlanOptions {
  limits: RequestLimits
  memory?: DeliveryMemory
  skipUnchangedAttributes?: boolean
}

interface Group {
  updates: AttributeUpdate[]
  chunks: Array<{ owner: number; bundle: Bundle }>
}

export function planDelivery(plans: Array<EventPlan | undefined>, options: PlanOptions): DeliveryPlan {
  const { limits, memory } = options
  const delivery: DeliveryPlan = {
    requests: [],
    chains: [],
    merges: [],
    deletes: [],
    expected: plans.map(() => new Set<PartToken>()),
    alreadyDelivered: plans.map(() => false),
    ownAttributes: new Map(),
    unchangedAttributes: 0
  }
  const groups = new Map<string, Group>()
  const groupOf = (key: string) => {
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { updates: [], chunks: [] }))
    return group
  }
  const merges = new Dedup<MergeUpdate>()
  const deletes = new Dedup<DeleteTarget>()

  plans.forEach((plan, owner) => {
    if (!plan) return
    const recalled = plan.messageId === undefined ? undefined : memory?.recall(plan.messageId)
    if (recalled === DELIVERED) {
      delivery.alreadyDelivered[owner] = true
      return
    }
    const done = recalled ?? new Set<PartToken>()
    const own = plan.attributes.map((object) => item(object, [owner], 'attributes'))
    if (own.length > 0 && !done.has('attributes')) {
      for (const object of plan.attributes) groupOf(identityKey(object)).updates.push({ object, owner, epoch: plan.epoch })
      delivery.ownAttributes.set(owner, own)
    }
    const pending = chunks(plan.events, plan.purchases, owner, own, limits).filter((_, index) => !done.has(index))
    const [first, ...later] = pending
    if (first) groupOf(userOf(first)).chunks.push({ owner, bundle: first })
    if (later.length > 0) delivery.chains.push({ owner, parts: later })
    for (const merge of plan.merges) {
      const key = JSON.stringify(merge)
      if (!memory?.mergeDone(key)) merges.add(merge, key, owner)
    }
    for (const target of plan.deletes) deletes.add(target, JSON.stringify(target), owner)
  })

  const unchanged = { count: 0 }
  const skip = options.skipUnchangedAttributes && memory ? { memory, unchanged } : undefined
  const byUser = [...groups.values()].flatMap((group) => atomsOf(group, limits, skip, false))
  delivery.unchangedAttributes = unchanged.count
  delivery.requests = packRequests(byUser, limits, firstOwner)
  // Users kept whole can cost requests (twenty users of 600 KB each need twenty 1 MB requests, not twelve): then each event travels on its own.
  if (delivery.requests.length > lowerBound(totalSize(byUser), limits)) {
    const byEvent = packRequests(
      [...groups.values()].flatMap((group) => atomsOf(group, limits, skip, true)),
      limits,
      firstOwner
    )
    if (byEvent.length < delivery.requests.length) delivery.requests = byEvent
  }
  delivery.merges = merges.items()
  delivery.deletes = deleteRequests(deletes.items())
  for (const bundle of [...delivery.requests, ...delivery.chains.flatMap((chain) => chain.parts)]) {
    for (const array of TRACK_ARRAYS) {
      for (const entry of bundle[array]) for (const owner of entry.owners) delivery.expected[owner]!.add(entry.part)
    }
  }
  return delivery
}

function totalSize(atoms: Bundle[]): BundleSize {
  const all = emptyBundle()
  for (const atom of atoms) addTo(all, atom)
  return sizeOf(all)
}

function userOf(bundle: Bundle): string {
  return identityKey((bundle.events[0] ?? bundle.purchases[0])!.object)
}

function firstOwner(bundle: Bundle): number {
  let first = Infinity
  for (const array of TRACK_ARRAYS) for (const entry of bundle[array]) first = Math.min(first, ...entry.owners)
  return first
}

/**
 * An event's events and purchases in parts that each fit one request; the
 * first part leaves room for the event's attribute objects. The cut depends
 * only on the event, so a redelivery names the same parts.
 */
function chunks(
  events: BrazeEvent[],
  purchases: BrazePurchase[],
  owner: number,
  attributes: Item<BrazeAttributes>[],
  limits: RequestLimits
): Bundle[] {
  const out: Bundle[] = []
  let current = emptyBundle()
  current.attributes.push(...attributes)
  const place = <T>(array: 'events' | 'purchases', object: T) => {
    const entry = item(object, [owner], out.length) as Item<never>
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

interface Skip {
  memory: DeliveryMemory
  unchanged: { count: number }
}

/**
 * One user's objects as atoms: one when everything fits a request (unless
 * `split`), else one per event that carries events or purchases, with its own
 * attributes, and one for the merged attributes of the others.
 */
function atomsOf(group: Group, limits: RequestLimits, skip: Skip | undefined, split: boolean): Bundle[] {
  if (!split) {
    const whole = emptyBundle()
    whole.attributes.push(...attributeItems(mergeAttributes(group.updates), skip))
    for (const chunk of group.chunks) addTo(whole, chunk.bundle)
    if (fits(sizeOf(whole), limits)) return sizeOf(whole).total > 0 ? [whole] : []
  }

  const carriers = new Set(group.chunks.map((chunk) => chunk.owner))
  const atoms: Bundle[] = []
  const rest = emptyBundle()
  rest.attributes.push(...attributeItems(mergeAttributes(group.updates.filter((update) => !carriers.has(update.owner))), skip))
  if (rest.attributes.length > 0) atoms.push(rest)
  for (const chunk of group.chunks) {
    const atom = emptyBundle()
    atom.attributes.push(...attributeItems(mergeAttributes(group.updates.filter((update) => update.owner === chunk.owner)), skip))
    addTo(atom, chunk.bundle)
    atoms.push(atom)
  }
  return atoms.flatMap((atom) => (fits(sizeOf(atom), limits) ? [atom] : apart(atom)))
}

/** Only at a combined limit of one or two objects does an event's part not fit with its attributes: then each object goes alone. */
function apart(atom: Bundle): Bundle[] {
  return itemsOf(atom).map(({ array, item: one }) => {
    const single = emptyBundle()
    ;(single[array] as Item<unknown>[]).push(one)
    return single
  })
}

function attributeItems(merged: OwnedAttributes[], skip: Skip | undefined): Item<BrazeAttributes>[] {
  const items: Item<BrazeAttributes>[] = []
  for (const { object, owners } of merged) {
    const kept = skip ? withoutUnchanged(object, skip) : object
    if (kept) items.push(item(kept, owners, 'attributes'))
  }
  return items
}

/** Keys of an attributes object that steer processing instead of setting attributes. */
const CONTROL_KEYS = new Set(['_update_existing_only', '_merge_objects'])

/**
 * A value that sets the attribute outright, so sending it again changes
 * nothing: not an unset (null), not an edit (`add`/`remove`, `inc`, Braze's
 * `$add`/`$remove`/`$update`).
 */
export function isPlainValue(value: unknown): boolean {
  if (value === null) return false
  if (typeof value !== 'object' || Array.isArray(value)) return true
  if (isArrayEdit(value)) return false
  const keys = Object.keys(value)
  return !(keys.length === 1 && keys[0] === 'inc') && !keys.some((key) => key.startsWith('$'))
}

/**
 * The object without the values this instance last delivered for the user;
 * undefined when nothing is left to send. The identifying email/phone stays.
 */
function withoutUnchanged(object: BrazeAttributes, { memory, unchanged }: Skip): BrazeAttributes | undefined {
  const user = identityKey(object)
  const identifier = identifierKey(object)
  const record = object as Record<string, unknown>
  const kept: Record<string, unknown> = {}
  let attributes = 0
  for (const key of Object.keys(record)) {
    const value = record[key]
    const identifies = key === identifier || CONTROL_KEYS.has(key)
    if (!identifies && isPlainValue(value) && memory.deliveredValue(user, key) === JSON.stringify(value)) {
      unchanged.count++
      continue
    }
    kept[key] = value
    if (!identifies) attributes++
  }
  return attributes > 0 ? (kept as BrazeAttributes) : undefined
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
    { field: 'external_ids', of: (target: DeleteTarget) => ('external_id' in target ? target.external_id : undefined) },
    { field: 'user_aliases', of: (target: DeleteTarget) => ('user_alias' in target ? target.user_alias : undefined) }
  ]
  for (const { field, of } of kinds) {
    const mine = items.filter((entry) => of(entry.object) !== undefined)
    for (const chunk of chunked(mine, MAX_USERS_ENTRIES_PER_REQUEST)) {
      out.push({ body: { [field]: chunk.map((entry) => of(entry.object)) }, owners: [...new Set(chunk.flatMap((entry) => entry.owners))] })
    }
  }
  return out
}

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}
