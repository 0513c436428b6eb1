// POST /users/identify: gives an unidentified (alias-only, email-only or
// phone-only) profile an external_id, combining it with the profile that
// already has that external_id.
// https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/
import { type Answer, answer, badRequest } from './answer'
import { asUserAlias, isNonBlankString, isPlainObject } from './identifier'
import { type Priority, parsePrioritization, prioritize } from './prioritization'
import type { ContactKind, ProfileStore, StoredProfile } from './profiles'
import { MAX_INPUT_LENGTH_MESSAGE } from './rules'
import type { UserAlias } from './types'
import { MAX_ENTRIES_PER_REQUEST, parseEntries } from './users'

interface AliasToIdentify {
  external_id: string
  user_alias: UserAlias
}

interface ContactToIdentify {
  external_id: string
  value: string
  prioritization: Priority[]
}

const LISTS = ['aliases_to_identify', 'emails_to_identify', 'phone_numbers_to_identify'] as const

function parseAliasToIdentify(entry: unknown): AliasToIdentify | undefined {
  if (!isPlainObject(entry) || !isNonBlankString(entry.external_id)) return undefined
  const alias = asUserAlias(entry.user_alias)
  return alias && { external_id: entry.external_id, user_alias: alias }
}

/** "If an email address or phone number is specified as an identifier, you must also include prioritization". */
function contactParser(kind: ContactKind): (entry: unknown) => ContactToIdentify | undefined {
  return (entry) => {
    if (!isPlainObject(entry) || !isNonBlankString(entry.external_id) || !isNonBlankString(entry[kind])) return undefined
    const prioritization = parsePrioritization(entry.prioritization)
    return prioritization && { external_id: entry.external_id, value: entry[kind], prioritization }
  }
}

export function handleIdentify(store: ProfileStore, body: unknown): Answer {
  if (!isPlainObject(body)) return badRequest('request body must be a JSON object')
  // "One of the following is required: aliases_to_identify, emails_to_identify, or phone_numbers_to_identify".
  const present = LISTS.filter((key) => body[key] !== undefined)
  if (present.length === 0) return badRequest('Invalid request', [`send at least one of ${LISTS.join(', ')}`])
  const total = present.reduce((sum, key) => sum + (Array.isArray(body[key]) ? body[key].length : 0), 0)
  // "You can add up to 50 user aliases per request": counted over the three lists together.
  if (total > MAX_ENTRIES_PER_REQUEST) {
    return badRequest(MAX_INPUT_LENGTH_MESSAGE, [`${total} entries to identify (at most ${MAX_ENTRIES_PER_REQUEST} per request)`])
  }
  const aliases = parseEntries(body.aliases_to_identify ?? [], 'aliases_to_identify', parseAliasToIdentify)
  if (!aliases.ok) return aliases.answer
  const emails = parseEntries(body.emails_to_identify ?? [], 'emails_to_identify', contactParser('email'))
  if (!emails.ok) return emails.answer
  const phones = parseEntries(body.phone_numbers_to_identify ?? [], 'phone_numbers_to_identify', contactParser('phone'))
  if (!phones.ok) return phones.answer

  aliases.entries.forEach((entry) => identifyAlias(store, entry))
  emails.entries.forEach((entry) => identifyContact(store, 'email', entry))
  phones.entries.forEach((entry) => identifyContact(store, 'phone', entry))
  // The page documents only this answer; it counts every entry here.
  return answer(201, { aliases_processed: total, message: 'success' })
}

/**
 * "If there isn't a user with that external_id, the external_id is added to
 * the aliased user's record"; otherwise the alias-only profile is combined
 * into the identified one and removed, unless the identified one "has an
 * existing alias with the same label". With no alias-only profile at all,
 * nothing happens (below).
 */
function identifyAlias(store: ProfileStore, { external_id, user_alias }: AliasToIdentify): void {
  const aliased = store.get({ kind: 'user_alias', alias: user_alias })
  // "If there is no match for the alias after processing, the request is stopped."
  // (https://www.braze.com/docs/api/errors/#server-responses). Already identified (by this
  // external_id or another): nothing is unidentified here.
  if (aliased === undefined || aliased.externalId !== undefined) return
  const identified = store.get({ kind: 'external_id', value: external_id })
  if (!identified) return identifyInPlace(store, aliased, external_id)
  if (store.hasAliasLabel(identified, user_alias.alias_label)) return
  combine(store, aliased, identified)
}

/**
 * The same for an email-only or phone-only profile, picked by
 * `prioritization` among the profiles with that email or phone. A profile
 * that already has an external_id is not "unidentified", so it is left alone.
 */
function identifyContact(store: ProfileStore, kind: ContactKind, entry: ContactToIdentify): void {
  const anonymous = prioritize(store.withContact(kind, entry.value), entry.prioritization)
  if (!anonymous || anonymous.externalId !== undefined) return
  const identified = store.get({ kind: 'external_id', value: entry.external_id })
  if (!identified) return identifyInPlace(store, anonymous, entry.external_id)
  combine(store, anonymous, identified)
}

function identifyInPlace(store: ProfileStore, profile: StoredProfile, externalId: string): void {
  store.setExternalId(profile, externalId)
  store.touch(profile)
}

/**
 * Merges the fields "found exclusively on the anonymous user", with its
 * aliases, then removes it. Braze states the label rule for alias-only
 * profiles; an email- or phone-found profile that also carries an alias is
 * that alias's profile too, so a label clash blocks it the same way.
 */
function combine(store: ProfileStore, anonymous: StoredProfile, identified: StoredProfile): void {
  if (anonymous.aliases.some((alias) => store.hasAliasLabel(identified, alias.alias_label))) return
  store.merge(anonymous, identified, { moveAliases: true })
}
