// Who a Segment event is in Braze (README, "One person, one Braze profile"): one
// identifier per Braze object, and the earlier profiles of a person that are
// merged into the external_id profile once a userId arrives.
import { MAX_EXTERNAL_ID_BYTES } from './braze-limits'
import type { BrazeIdentifier, MergeUpdate } from './braze-types'
import { CONTACT_PATHS, userPaths, validEmail, validPhone } from './contact'
import { problem, type Problem } from './errors'
import { nonBlank, path, type SegmentEvent } from './segment-event'
import type { Settings } from './settings'
import { utf8Length } from './values'

// https://segment.com/docs/connections/destinations/catalog/braze/: "in the `integrations.Braze.braze_id` or
// `context.integrations.Braze.braze_id` object"; the latter is where Engage looks for it when there is no userId.
const BRAZE_ID_PATHS = [
  ['integrations', 'Braze', 'braze_id'],
  ['integrations', 'Appboy', 'braze_id'],
  ['context', 'integrations', 'Braze', 'braze_id'],
  ['context', 'integrations', 'Appboy', 'braze_id'],
  ['context', 'traits', 'braze_id'],
  ['traits', 'braze_id'],
  ['properties', 'braze_id']
]

/** `usable`: what counts as a value at these paths (a malformed email or phone never identifies). */
function first(
  event: SegmentEvent,
  paths: ReadonlyArray<readonly string[]>,
  usable: (value: unknown) => string | undefined = nonBlank
): string | undefined {
  for (const keys of userPaths(event, paths)) {
    const value = usable(path(event, ...keys))
    if (value !== undefined) return value
  }
  return undefined
}

export function aliasFor(anonymousId: string, settings: Pick<Settings, 'anonymousAliasLabel'>): BrazeIdentifier | undefined {
  return settings.anonymousAliasLabel ? { user_alias: { alias_name: anonymousId, alias_label: settings.anonymousAliasLabel } } : undefined
}

/**
 * Braze takes one identifier per object: userId, then a braze_id, then the
 * anonymous visitor's alias (so everything about a visitor, email and phone
 * included as attributes, lands on one profile), then email, then phone.
 */
export function resolveIdentifier(event: SegmentEvent, settings: Settings): BrazeIdentifier | Problem {
  const userId = nonBlank(event.userId)
  if (userId !== undefined) return externalIdProblem(userId, 'userId') ?? { external_id: userId }
  const brazeId = first(event, BRAZE_ID_PATHS)
  if (brazeId !== undefined) return { braze_id: brazeId }
  const anonymousId = nonBlank(event.anonymousId)
  const alias = anonymousId === undefined ? undefined : aliasFor(anonymousId, settings)
  if (alias) return alias
  const email = first(event, CONTACT_PATHS.email, validEmail)
  if (email !== undefined) return { email }
  const phone = first(event, CONTACT_PATHS.phone, validPhone)
  if (phone !== undefined) return { phone }
  // An email or phone Braze would refuse identifies no one: say so, rather than that there was none.
  const unusable = (['email', 'phone'] as const).find((kind) => first(event, CONTACT_PATHS[kind]) !== undefined)
  return problem('ValidationError', missingIdentifierMessage(anonymousId !== undefined, settings.anonymousAliasLabel, unusable))
}

/** A userId Braze would refuse as an external_id, refused before anything is sent. */
export function externalIdProblem(id: string, field: 'userId' | 'previousId'): Problem | undefined {
  const bytes = utf8Length(id)
  if (bytes <= MAX_EXTERNAL_ID_BYTES) return undefined
  return problem(
    'InvalidEventPayload',
    `The ${field} is ${bytes} bytes long; Braze takes an external_id of at most ${MAX_EXTERNAL_ID_BYTES} bytes (UTF-8).`
  )
}

/**
 * `_update_existing_only` for an object keyed by `identifier`, or undefined to
 * leave Braze's default. Braze creates a profile for an unknown external_id,
 * email or phone unless told not to, on attributes, events and purchases alike
 * (https://www.braze.com/docs/api/objects_filters/event_object/,
 * https://www.braze.com/docs/api/objects_filters/user_attributes_object/); for a
 * user_alias it defaults to true, so creating the alias profile must be asked
 * for with false. A braze_id can never create a profile.
 */
export function updateExistingOnlyFlag(identifier: BrazeIdentifier, settings: { updateExistingOnly: boolean }): boolean | undefined {
  if ('user_alias' in identifier) return settings.updateExistingOnly
  if ('braze_id' in identifier) return undefined
  return settings.updateExistingOnly ? true : undefined
}

/**
 * Picks, of several profiles sharing an email or phone, the one that is not
 * identified yet (an email-only or phone-only lead), the least recently
 * updated if there are several
 * (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/#merging-users-by-email-or-phone-number).
 * Least, not most: Braze applies a request's merges in no set order, and the
 * visitor's own alias profile, which the same identify merges by its alias,
 * may hold the email too and is the one its latest visit just updated. Picked
 * by the email as well, it would leave the older lead unmerged; so would an
 * email lead that also holds the phone, picked by both. The older lead is the
 * one no other merge of the identify reaches.
 */
const LEAD_PRIORITIZATION = ['unidentified', 'least_recently_updated']

/**
 * The earlier profiles of a person an identify with a userId joins: the
 * anonymous visitor's alias profile, on any number of devices, and an
 * email-only or phone-only lead. /users/merge, not /users/identify: identify
 * combines nothing once the user already has an alias with the same label
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/), which
 * every second device hits; merge has no such rule
 * (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/).
 * `contact` holds the email and phone the mapping already checked (the
 * identify's attributes object, for one).
 */
export function earlierProfiles(
  event: SegmentEvent,
  externalId: string,
  contact: Readonly<Record<string, unknown>>,
  settings: Settings
): MergeUpdate[] {
  const keep = { external_id: externalId }
  const merges: MergeUpdate[] = []
  const anonymousId = nonBlank(event.anonymousId)
  const alias = anonymousId === undefined ? undefined : aliasFor(anonymousId, settings)
  if (alias && 'user_alias' in alias) merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep })
  if (typeof contact.email === 'string') {
    merges.push({ identifier_to_merge: { email: contact.email, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep })
  }
  if (typeof contact.phone === 'string') {
    merges.push({ identifier_to_merge: { phone: contact.phone, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep })
  }
  return merges
}

function missingIdentifierMessage(hasAnonymousId: boolean, aliasLabel: string | undefined, unusable?: 'email' | 'phone'): string {
  const contact = unusable ? `, and its ${unusable} is not one Braze accepts` : ''
  if (hasAnonymousId)
    return (
      `Braze needs an identified user, but this event has only an anonymousId${contact}. Send the event with a userId (Braze external_id), ` +
      'or set the "anonymousAliasLabel" setting (Anonymous Alias Label) to send anonymous users to Braze as user aliases.'
    )
  const alias = aliasLabel
    ? 'with an anonymousId, which the "anonymousAliasLabel" setting sends to Braze as a user alias'
    : 'with an anonymousId and the "anonymousAliasLabel" setting (Anonymous Alias Label), to send it to Braze as a user alias'
  const has = unusable ? `no userId, anonymousId or braze_id${contact}` : 'no userId, anonymousId, braze_id, email or phone'
  return `Braze needs an identified user, but this event has ${has}. Send the event with a userId (Braze external_id), or ${alias}.`
}
