// Folding a batch's attribute updates per Braze user into as few objects as
// Braze's order allows (increments, array-of-objects edits and _merge_objects
// updates stay their own): fewer objects, fewer requests, fewer billed data
// points. Pure.
import { ATTRIBUTE_CONTROL_KEYS, identifierKey, identityKey, type BrazeAttributes } from './braze-types'
import { isOperatorValue } from './nested-operators'

export interface OwnedAttributes {
  object: BrazeAttributes
  /** Input indexes of the events whose updates this object carries. */
  owners: number[]
}

export interface AttributeUpdate {
  object: BrazeAttributes
  owner: number
  epoch: number | undefined
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * Objects merge only when Braze would treat them as one user with the same
 * create/update and object-merging rules. Some are never merged, because a
 * later value would not simply replace an earlier one, and Braze applies
 * objects one by one in order: one that edits an array of objects (`$add`,
 * `$remove`, `$update`), one that increments (`{"inc": 1}` twice is 2:
 * https://www.braze.com/docs/api/objects_filters/user_attributes_object/), and
 * one with `_merge_objects`, whose nested objects Braze merges into what the
 * profile holds (https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/).
 */
function mergeKey(object: BrazeAttributes, index: number): string {
  const alone = object._merge_objects === true || Object.values(object).some((value) => isOperatorValue(value) || isIncrement(value))
  // An alias object with nothing but its identifier creates the profile before its request's purchases, which
  // Braze applies only to existing alias profiles ("When using a user_alias, 'Update Only' mode is always true",
  // https://www.braze.com/docs/api/objects_filters/purchase_object/). Folded into another event's values it would
  // share their fate, and a refusal would drop the purchases: it folds into other creators only.
  const creator = 'user_alias' in object && valueKeys(object).length === 0 ? '|creator' : ''
  return `${identityKey(object)}|${String(object._update_existing_only ?? '')}|${String(object._merge_objects ?? '')}${creator}${alone ? `|#${index}` : ''}`
}

export function isIncrement(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && 'inc' in value
}

type ArrayEdit = { add?: unknown[]; remove?: unknown[] }

export function isArrayEdit(value: unknown): value is ArrayEdit {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return (
    keys.length > 0 && keys.every((key) => (key === 'add' || key === 'remove') && Array.isArray((value as Record<string, unknown>)[key]))
  )
}

/** Values are equal for Braze when their JSON is: one key per value keeps every edit linear (lists may hold thousands). */
const keyOf = (value: unknown): string => JSON.stringify(value) ?? String(value)
const keyed = (values: unknown[]): Map<string, unknown> => {
  const map = new Map<string, unknown>()
  for (const value of values) if (!map.has(keyOf(value))) map.set(keyOf(value), value)
  return map
}

/**
 * `earlier` then `later`, as Braze would apply them one after the other.
 * Adding a value an array holds "gets moved from its current position to the
 * end of the array" (https://www.braze.com/docs/api/objects_filters/user_attributes_object/),
 * which decides what Braze drops first once the array is full.
 */
export function combineValues(earlier: unknown, later: unknown): unknown {
  return settled(folded(earlier, later))
}

/** `later` folded into `earlier`, which may be a fold already: then in place, at the cost of `later` alone. */
function folded(earlier: unknown, later: unknown): unknown {
  if (!isArrayEdit(later) || earlier === undefined) return later
  const fold = earlier instanceof ArrayEditFold ? earlier : new ArrayEditFold(earlier)
  fold.apply(later)
  return fold
}

function settled(value: unknown): unknown {
  return value instanceof ArrayEditFold ? value.value() : value
}

/**
 * Array edits folded one after another in place: a user's thousands of edits in a batch cost their own
 * size, not each the size of all before it.
 */
class ArrayEditFold {
  /** A set array (any earlier value that is not an edit resets the array: combineValues). */
  private readonly list: Map<string, unknown> | undefined
  private readonly add = new Map<string, unknown>()
  private readonly remove = new Map<string, unknown>()
  private last: ArrayEdit

  constructor(earlier: unknown) {
    if (isArrayEdit(earlier)) {
      // A value added twice ends where it was added last.
      for (const value of earlier.add ?? []) this.added(this.add, value)
      this.remove = keyed(earlier.remove ?? [])
      this.last = earlier
    } else {
      // A set array followed by edits is still a set array; so is any other value (or an unset) followed by
      // edits, which would otherwise lose the reset it made to whatever array the profile held. (Increments
      // and operators are never folded: mergeKey.)
      this.list = keyed(Array.isArray(earlier) ? earlier : [])
      this.last = {}
    }
  }

  private added(map: Map<string, unknown>, value: unknown): void {
    map.delete(keyOf(value))
    map.set(keyOf(value), value)
  }

  apply(later: ArrayEdit): void {
    this.last = later
    if (this.list) {
      for (const value of later.add ?? []) this.added(this.list, value)
      for (const value of later.remove ?? []) this.list.delete(keyOf(value))
      return
    }
    for (const value of later.add ?? []) {
      this.remove.delete(keyOf(value))
      this.added(this.add, value)
    }
    for (const value of later.remove ?? []) {
      const key = keyOf(value)
      this.add.delete(key)
      if (!this.remove.has(key)) this.remove.set(key, value)
    }
  }

  value(): unknown {
    if (this.list) return [...this.list.values()]
    // Empty lists edit nothing: `{}` would be a nested object to Braze.
    if (this.add.size === 0 && this.remove.size === 0) return this.last
    const edit: ArrayEdit = {}
    if (this.add.size > 0) edit.add = [...this.add.values()]
    if (this.remove.size > 0) edit.remove = [...this.remove.values()]
    return edit
  }
}

/** Stable: updates without a timestamp keep their place after the one before them. */
/** Each event's place in time order (inTimeOrder), by its input index. */
export function timeRanks(epochs: Array<number | undefined>): number[] {
  const ranks: number[] = []
  inTimeOrder(epochs.map((epoch, owner) => ({ epoch, owner }))).forEach(({ owner }, rank) => (ranks[owner] = rank))
  return ranks
}

export function inTimeOrder<T extends { epoch: number | undefined }>(updates: T[]): T[] {
  let last = -Infinity
  const keyed = updates.map((update, position) => {
    if (update.epoch !== undefined) last = update.epoch
    return { update, at: update.epoch ?? last, position }
  })
  keyed.sort((a, b) => a.at - b.at || a.position - b.position)
  return keyed.map(({ update }) => update)
}

/**
 * Braze applies a user's objects in array order, so an update may fold into
 * an earlier object only if nothing between them touches one of its
 * attributes, or could create the profile when it may not (or the reverse):
 * moving its values ahead of those objects changes nothing Braze ends with.
 * Updates of several users (delivery-plan.ts passes one user's, or those of
 * users linked by an email or phone: contact-links.ts) never fold past another
 * user's object: which profile an email-keyed object reaches depends on what
 * came before it.
 */
export function mergeAttributes(updates: AttributeUpdate[]): OwnedAttributes[] {
  const out: OwnedAttributes[] = []
  const byUser = new Map<string, UserFolds>()
  // The run of the latest user's consecutive objects in `out`: what a user folds into comes after every other user's.
  let runUser: string | undefined
  let runStart = 0
  for (const [index, { object, owner }] of inTimeOrder(updates).entries()) {
    const key = mergeKey(object, index)
    const user = identityKey(object)
    let folds = byUser.get(user)
    if (!folds) byUser.set(user, (folds = { entries: [], byKey: new Map(), touched: new Map(), lastCreating: -1, lastUpdating: -1 }))
    const other = user === runUser ? runStart - 1 : out.length - 1
    const attributes = valueKeys(object)
    const position = foldTarget(folds, key, object, attributes, other)
    if (position === undefined) {
      const entry = { object: { ...object }, owners: [owner] }
      if (user !== runUser) [runUser, runStart] = [user, out.length]
      const at = folds.entries.push({ key, entry, at: out.length }) - 1
      out.push(entry)
      folds.byKey.set(key, at)
      for (const attribute of attributes) folds.touched.set(attribute, at)
      if (object._update_existing_only !== true) folds.lastCreating = at
      else folds.lastUpdating = at
      continue
    }
    const into = folds.entries[position]!.entry
    const target = into.object as Record<string, unknown>
    for (const attribute of Object.keys(object)) {
      const earlier = hasOwn.call(target, attribute) ? target[attribute] : undefined
      target[attribute] = folded(earlier, (object as Record<string, unknown>)[attribute])
    }
    for (const attribute of attributes) folds.touched.set(attribute, position)
    if (!into.owners.includes(owner)) into.owners.push(owner)
  }
  for (const { object } of out) {
    const values = object as Record<string, unknown>
    for (const attribute of Object.keys(values)) values[attribute] = settled(values[attribute])
  }
  return out
}

/** One user's objects so far, indexed so that finding where the next one folds costs its own size. */
interface UserFolds {
  entries: Array<{ key: string; entry: OwnedAttributes; at: number }>
  /** Per merge key, the latest entry of that key. */
  byKey: Map<string, number>
  /** Per attribute, the latest entry that sets or edits it. */
  touched: Map<string, number>
  /** The latest entry that may create the profile, and the latest that only updates one. */
  lastCreating: number
  lastUpdating: number
}

/**
 * The latest entry of the same key, unless an entry after it creates the profile (or not) otherwise or
 * touches one of the object's attributes, or it comes before `other` (another user's object).
 */
function foldTarget(folds: UserFolds, key: string, object: BrazeAttributes, attributes: string[], other: number): number | undefined {
  const position = folds.byKey.get(key)
  if (position === undefined || folds.entries[position]!.at <= other) return undefined
  const creates = object._update_existing_only !== true
  if ((creates ? folds.lastUpdating : folds.lastCreating) > position) return undefined
  for (const attribute of attributes) if ((folds.touched.get(attribute) ?? -1) > position) return undefined
  return position
}

/** The attributes an object sets or edits: not its identifier, not the control keys. */
function valueKeys(object: BrazeAttributes): string[] {
  const identifier = identifierKey(object)
  return Object.keys(object).filter((key) => key !== identifier && !ATTRIBUTE_CONTROL_KEYS.includes(key))
}
