// skipUnchangedAttributes: which attribute values this instance already
// delivered unchanged for the user, and may leave out. Planning reads it
// (delivery-plan.ts); delivering writes what Braze took (deliver.ts). Both go
// by isPlainValue: only a value that sets the attribute outright is
// remembered or skipped.
import { ATTRIBUTE_CONTROL_KEYS, identifierKey, identityKey, type BrazeAttributes } from './braze-types'
import type { DeliveryMemory } from './delivery-memory'
import { isArrayEdit, isIncrement, type OwnedAttributes } from './merge-attributes'
import { item, type Item } from './track-bundle'

/**
 * skipUnchangedAttributes: the memory, and the events none of whose values is
 * skipped. Engage sends a value only when it changed, one call per identifier
 * (https://segment.com/docs/engage/using-engage-data/), so skipping saves
 * nothing there; and since this instance's memory cannot see what other
 * instances or another identifier of the profile wrote since, an audience
 * re-entry skipped as "unchanged" would leave Braze wrong until the next change.
 */
export interface Skip {
  memory: DeliveryMemory
  exempt: ReadonlySet<number>
  /** Attributes this batch writes by another identifier than an external_id: they may land on any user. */
  elsewhere: ReadonlySet<string>
}

/**
 * Values are remembered and skipped only for objects keyed by an external_id,
 * the one identifier that names a single profile for good: an email- or
 * phone-keyed object goes to whichever profile holds it, an alias's to the
 * user it was identified with (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
 */
export function byExternalId(object: BrazeAttributes): boolean {
  return identifierKey(object) === 'external_id'
}

/** The attributes an object sets: not its identifier, not Braze's control keys. */
export function attributeNames(object: BrazeAttributes): string[] {
  const identifier = identifierKey(object)
  return Object.keys(object).filter((key) => key !== identifier && !ATTRIBUTE_CONTROL_KEYS.includes(key))
}

/** A user's merged attribute objects as packing items, without the values `skip` says Braze already holds. */
export function attributeItems(merged: OwnedAttributes[], skip: Skip | undefined): { items: Item<BrazeAttributes>[]; unchanged: number } {
  const out = { items: [] as Item<BrazeAttributes>[], unchanged: 0 }
  // A value an earlier object of the user sends in this batch is no longer what the memory says the profile holds.
  const earlier = new Map<string, Set<string>>()
  for (const { object, owners } of merged) {
    let kept: { object?: BrazeAttributes; unchanged: number } = { object, unchanged: 0 }
    if (skip) {
      const user = identityKey(object)
      const changed = earlier.get(user) ?? new Set<string>()
      earlier.set(user, changed)
      if (byExternalId(object) && !owners.some((owner) => skip.exempt.has(owner))) kept = withoutUnchanged(object, skip, changed)
      for (const key of Object.keys(object)) changed.add(key)
    }
    out.unchanged += kept.unchanged
    if (kept.object) out.items.push(item(kept.object, owners, 'attributes'))
  }
  return out
}

/**
 * A value that sets the attribute outright, so sending it again changes
 * nothing: not an unset (null), not an edit (`add`/`remove`, `inc`, Braze's
 * `$add`/`$remove`/`$update`).
 */
export function isPlainValue(value: unknown): boolean {
  if (value === null) return false
  if (typeof value !== 'object' || Array.isArray(value)) return true
  if (isArrayEdit(value)) return false
  return !isIncrement(value) && !Object.keys(value).some((key) => key.startsWith('$'))
}

/**
 * The object without the values this instance last delivered for the user;
 * undefined when nothing is left to send. The identifying email/phone stays.
 */
function withoutUnchanged(
  object: BrazeAttributes,
  skip: Skip,
  changed: ReadonlySet<string>
): { object?: BrazeAttributes; unchanged: number } {
  const user = identityKey(object)
  const identifier = identifierKey(object)
  const record = object as Record<string, unknown>
  const kept: Record<string, unknown> = {}
  let attributes = 0
  let unchanged = 0
  for (const key of Object.keys(record)) {
    const value = record[key]
    const identifies = key === identifier || ATTRIBUTE_CONTROL_KEYS.includes(key)
    const fresh = !changed.has(key) && !skip.elsewhere.has(key)
    if (!identifies && fresh && isPlainValue(value) && skip.memory.deliveredValue(user, key) === JSON.stringify(value)) {
      unchanged++
      continue
    }
    kept[key] = value
    if (!identifies) attributes++
  }
  // An object that never had an attribute is there to create the profile: it goes as it is.
  return { object: attributes > 0 || unchanged === 0 ? (kept as BrazeAttributes) : undefined, unchanged }
}
