import { identifierObject, type BrazeAttributes, type BrazeIdentifier } from './braze-types'
import { audienceArrayUpdate, engageContext, isMembership, memberships } from './engage'
import { updateExistingOnlyFlag } from './identity'
import { dict, type SegmentEvent } from './segment-event'
import type { Settings } from './settings'
import { STANDARD_MAPPINGS, STANDARD_TRAITS } from './standard-attributes'
import { badKey, fitsIn, toBrazeValue } from './values'

/** Braze's limit for one nested custom attribute (braze-api.md). */
export const MAX_NESTED_BYTES = 100 * 1024
/** Identifiers travel as identifiers, never as custom attributes. */
const IDENTIFIER_TRAITS = new Set(['braze_id'])
/**
 * Keys of the Braze object itself: a trait with one of these names would add a
 * second identifier or override the updateExistingOnly setting.
 */
const RESERVED_TRAITS = new Set(['external_id', 'user_alias', '_update_existing_only', '_merge_objects'])

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

  for (const key of Object.keys(traits)) {
    if (STANDARD_TRAITS.has(key) || IDENTIFIER_TRAITS.has(key)) continue
    const reason = RESERVED_TRAITS.has(key) ? 'a key of the Braze user object' : badKey(key, false)
    if (reason) {
      warnings.push(`trait "${key.slice(0, 64)}" was dropped: ${reason}.`)
      continue
    }
    const label = `trait "${key}"`
    const value = toBrazeValue(traits[key], { warnings, label, mode: 'attribute' })
    if (value === undefined) continue
    if (value !== null && typeof value === 'object' && !fitsIn(value, MAX_NESTED_BYTES)) {
      warnings.push(`${label} was dropped: over Braze's ${MAX_NESTED_BYTES / 1024} KB limit for a nested attribute.`)
      continue
    }
    out[key] = value
  }

  for (const mapping of STANDARD_MAPPINGS) Object.assign(out, mapping.map(traits, event, warnings))
  // The email/phone attribute must not replace (or null) the email/phone that identifies the object.
  Object.assign(out, identifier)
  // Braze identifies by email whenever one is present: next to a phone identifier an
  // email (then necessarily null, blanks are dropped) would become an empty identifier.
  if ('phone' in identifier && 'email' in out) {
    delete out.email
    warnings.push('trait "email" was dropped: it is null, and Braze would identify the user by it rather than by the phone.')
  }

  const engage = engageContext(event)
  if (engage && isMembership(engage)) {
    // Only keys that could be custom attributes: a standard or identifier trait is no audience.
    const members = memberships(traits, engage).filter(
      ([key]) => !STANDARD_TRAITS.has(key) && !IDENTIFIER_TRAITS.has(key) && !RESERVED_TRAITS.has(key)
    )
    for (const [key, member] of members) out[key] = member
    if (settings.audienceAttribute) {
      const update = audienceArrayUpdate(members)
      if (update) out[settings.audienceAttribute] = update
    }
  }
  return out
}
