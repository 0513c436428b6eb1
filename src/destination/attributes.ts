// Identify traits → one Braze attributes object: standard attributes by the
// Segment spec, everything else a custom attribute, Engage memberships as
// audience arrays (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
import { MAX_NESTED_ATTRIBUTE_BYTES } from './braze-limits'
import {
  ATTRIBUTE_CONTROL_KEYS,
  BRAZE_RESERVED_ATTRIBUTES,
  identifierObject,
  type BrazeAttributes,
  type BrazeIdentifier,
  type JsonValue
} from './braze-types'
import { audienceArrayUpdate, engageContext, isMembership, memberships } from './engage'
import { updateExistingOnlyFlag } from './identity'
import { isArrayEdit, isIncrement } from './merge-attributes'
import { isOperatorValue, operatorUpdate } from './nested-operators'
import { dict, field, type Dict, type SegmentEvent } from './segment-event'
import type { Settings } from './settings'
import { STANDARD_MAPPINGS, STANDARD_TRAITS } from './standard-attributes'
import { badKey, fitsIn, toBrazeValue, toNumber } from './values'

/** Identifiers travel as identifiers, never as custom attributes. */
const IDENTIFIER_TRAITS = new Set(['braze_id'])
/**
 * Keys of the Braze object itself: a trait with one of these names would add a
 * second identifier or override the updateExistingOnly setting.
 * `_merge_objects` is read as a request (see mergeObjectsTrait), never sent as a custom attribute.
 */
const RESERVED_TRAITS = new Set(['external_id', 'user_alias', ...ATTRIBUTE_CONTROL_KEYS])

/**
 * How a user asks Braze to deep-merge nested objects instead of replacing
 * them (and to allow $update): the trait `_merge_objects: true`, sent as the
 * attributes object's own `_merge_objects`, where Braze reads it: "You must
 * set _merge_objects to true, or your objects will be overwritten."
 * https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/
 */
function mergeObjectsTrait(traits: Dict, warnings: string[]): boolean {
  const value = field(traits, '_merge_objects')
  if (value === true || value === 'true') return true
  if (value !== undefined && value !== false && value !== 'false' && value !== null) {
    warnings.push('trait "_merge_objects" was ignored: it takes true or false.')
  }
  return false
}

/** The attribute object's identifier and `_update_existing_only`. */
export function attributesBase(identifier: BrazeIdentifier, settings: Settings): BrazeAttributes {
  const base = identifierObject(identifier)
  const updateExistingOnly = updateExistingOnlyFlag(identifier, settings)
  if (updateExistingOnly !== undefined) base._update_existing_only = updateExistingOnly
  return base as BrazeAttributes
}

/** identify → one Braze attributes object. */
export function mapTraits(event: SegmentEvent, identifier: BrazeIdentifier, settings: Settings, warnings: string[]): BrazeAttributes {
  const traits = dict(event.traits) ?? {}
  const out: BrazeAttributes = attributesBase(identifier, settings)
  const mergeObjects = mergeObjectsTrait(traits, warnings)
  if (mergeObjects) out._merge_objects = true

  for (const key of Object.keys(traits)) {
    if (STANDARD_TRAITS.has(key) || IDENTIFIER_TRAITS.has(key) || key === '_merge_objects') continue
    const reason = RESERVED_TRAITS.has(key)
      ? 'a key of the Braze user object'
      : BRAZE_RESERVED_ATTRIBUTES.has(key)
        ? 'a Braze profile field with a format of its own, which this function does not set'
        : badKey(key, false)
    if (reason) {
      warnings.push(`trait "${key.slice(0, 64)}" was dropped: ${reason}.`)
      continue
    }
    const label = `trait "${key}"`
    const raw = traits[key]
    if (isOperatorValue(raw)) {
      const update = operatorUpdate(raw, { warnings, label, mode: 'attribute' }, mergeObjects)
      if (typeof update === 'string') warnings.push(`${label} was dropped: ${update}.`)
      else out[key] = update
      continue
    }
    // Braze's increment takes an integer ("Integer custom attributes may be incremented by positive or negative
    // integers by assigning them an object with the field "inc"",
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/): a numeric string is read.
    if (isIncrement(raw)) {
      const by = toNumber((raw as { inc: unknown }).inc)
      if (by !== undefined && Number.isSafeInteger(by)) out[key] = { inc: by }
      else warnings.push(`${label} was dropped: {"inc"} takes a whole number.`)
      continue
    }
    // Braze's edits of an array attribute take the array's own values ("Adding a new value to an array custom
    // attribute": { "add" : ["Value3"] }, https://www.braze.com/docs/api/objects_filters/user_attributes_object/):
    // converted as a top-level array, so a date stays a string instead of becoming a nested attribute's {"$time"}.
    const value = isArrayEdit(raw) ? arrayEdit(raw, label, warnings) : toBrazeValue(raw, { warnings, label, mode: 'attribute' })
    if (value === undefined) continue
    if (value !== null && typeof value === 'object' && !fitsIn(value, MAX_NESTED_ATTRIBUTE_BYTES)) {
      warnings.push(`${label} was dropped: over Braze's ${MAX_NESTED_ATTRIBUTE_BYTES / 1024} KB limit for a nested attribute.`)
      continue
    }
    out[key] = value
  }

  for (const mapping of STANDARD_MAPPINGS) Object.assign(out, mapping.map(traits, event, warnings, settings))
  // The email/phone attribute must not replace (or null) the email/phone that identifies the object.
  Object.assign(out, identifier)
  // Braze identifies by email whenever one is present: next to a phone identifier an
  // email (then necessarily null, blanks are dropped) would become an empty identifier.
  if ('phone' in identifier && 'email' in out) {
    delete out.email
    warnings.push('trait "email" was dropped: it is null, and Braze would identify the user by it rather than by the phone.')
  }

  const members = identifyMemberships(event)
  for (const [key, member] of members) out[key] = member
  if (settings.audienceAttribute) {
    const update = audienceArrayUpdate(members)
    if (update) out[settings.audienceAttribute] = update
  }
  return out
}

/** The audience memberships of an Engage identify: only keys that could be custom attributes (a standard or identifier trait is no audience). */
export function identifyMemberships(event: SegmentEvent): Array<[string, boolean]> {
  const engage = engageContext(event)
  if (!engage || !isMembership(engage)) return []
  return memberships(
    dict(event.traits) ?? {},
    engage,
    undefined,
    (key) => !STANDARD_TRAITS.has(key) && !IDENTIFIER_TRAITS.has(key) && !BRAZE_RESERVED_ATTRIBUTES.has(key)
  )
}

function arrayEdit(edit: { add?: unknown[]; remove?: unknown[] }, label: string, warnings: string[]): JsonValue {
  const out: Record<string, JsonValue> = {}
  for (const [operation, values] of Object.entries(edit)) {
    const converted = toBrazeValue(values, { warnings, label: `${label}.${operation}`, mode: 'attribute' })
    if (converted !== undefined) out[operation] = converted
  }
  return out
}
