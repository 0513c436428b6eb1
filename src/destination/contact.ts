// Email addresses and phone numbers Braze will take, as identifiers and as
// the `email`/`phone` attributes alike: anything else is never sent (Braze
// refuses the object, or files the user under a number that isn't theirs),
// and how Braze matches two of them (contactKey).
import { MAX_STRING_LENGTH } from './braze-limits'
import { identifierKey, keyOf } from './braze-types'
import { isAbsent, type SegmentEvent } from './segment-event'

export type ContactKind = 'email' | 'phone'

/**
 * The paths of `paths` that are about the user: a group call's traits are the group's ("traits that are
 * specific to the group", its email and phone included: https://segment.com/docs/connections/spec/group/).
 */
export function userPaths(event: SegmentEvent, paths: ReadonlyArray<readonly string[]>): ReadonlyArray<readonly string[]> {
  return event.type === 'group' ? paths.filter((keys) => keys[0] !== 'traits') : paths
}

/** Where a Segment event carries the user's email and phone, in the order they are read. */
export const CONTACT_PATHS: Record<ContactKind, ReadonlyArray<readonly string[]>> = {
  email: [
    ['traits', 'email'],
    ['context', 'traits', 'email']
  ],
  phone: [
    ['traits', 'phone'],
    ['context', 'traits', 'phone']
  ]
}

/**
 * Braze validates email syntax on every API update and "the API returns an
 * error" for an invalid address (https://www.braze.com/docs/user_guide/message_building_by_channel/email/email_setup/email_validation/).
 * Its rules, as that page states them:
 *   - the local part: ASCII letters, digits and _ - ^ + $ ' & # / ! % * = ? ` | ~,
 *     or any non-ASCII letter, digit, punctuation or symbol; a period only
 *     between other characters (we also refuse two in a row, as RFC 5322 does);
 *   - Gmail: a local part of at least two characters;
 *   - a domain that "includes 'msn', 'hotmail', 'outlook', or 'live'": the local
 *     part before any + must match /\A\w[\-\w]*(?:\.[\-\w]+)*\z/i;
 *   - the domain: dotted labels of letters, digits and inner hyphens, ASCII only
 *     (Punycode for the rest), ending in a top-level domain from ICANN's list.
 *     We check the TLD's shape (letters, or xn--), not the list itself.
 */
const LOCAL_CHARACTER = String.raw`(?:[A-Za-z0-9_\-^+$'&#/!%*=?\x60|~]|(?![\p{ASCII}\s])[\p{Alphabetic}\p{Nd}\p{P}\p{S}])`
const LOCAL_PART = new RegExp(String.raw`^${LOCAL_CHARACTER}+(?:\.${LOCAL_CHARACTER}+)*$`, 'u')
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/
const GMAIL = /^(?:gmail|googlemail)\.com$/i
const MICROSOFT = /msn|hotmail|outlook|live/i
const MICROSOFT_LOCAL_PART = /^\w[-\w]*(?:\.[-\w]+)*$/i
/** RFC 5321's bound on the part before the @. */
const LOCAL_PART_MAX = 64

/**
 * "We recommend providing phone numbers in the E.164 format"
 * (https://www.braze.com/docs/api/objects_filters/user_attributes_object/);
 * "All U.S. numbers must be valid, 10-digit phone numbers with a valid area
 * code. If any 10-digit phone number is missing a + and country code, Braze
 * will map it as U.S. numbers." and non-digits such as `(`, `-` are removed
 * (https://braze.com/docs/user_guide/message_building_by_channel/sms_mms_rcs/user_phone_numbers).
 * So: `+` and a country code with 7-15 digits in all (E.164's maximum), or a
 * 10-digit North American number (area codes start with 2-9), optionally led
 * by 1; spaces, dots, dashes and parentheses between the digits are fine.
 * A national number without `+` (like 06 12 34 56 78) is refused: Braze would
 * read it as a U.S. number.
 */
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/
const E164_DIGITS = /^[1-9]\d{6,14}$/
const NORTH_AMERICAN = /^1?[2-9]\d{9}$/

/** The trimmed address when Braze would take it as an email, else undefined. */
export function validEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const email = value.trim()
  const at = email.indexOf('@')
  if (email.length > MAX_STRING_LENGTH || at < 1 || at > LOCAL_PART_MAX) return undefined
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  if (!DOMAIN.test(domain) || !LOCAL_PART.test(local)) return undefined
  if (GMAIL.test(domain) && [...local].length < 2) return undefined
  if (MICROSOFT.test(domain) && !MICROSOFT_LOCAL_PART.test(local.split('+')[0]!)) return undefined
  return email
}

/** The trimmed number, as written, when Braze would take it as a phone, else undefined. */
export function validPhone(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const phone = value.trim()
  if (phone.length > MAX_STRING_LENGTH || !PHONE_CHARACTERS.test(phone)) return undefined
  const digits = phone.replace(/\D/g, '')
  const valid = phone.startsWith('+') ? E164_DIGITS.test(digits) : NORTH_AMERICAN.test(digits)
  return valid ? phone : undefined
}

export const validContact: Record<ContactKind, (value: unknown) => string | undefined> = { email: validEmail, phone: validPhone }

/**
 * Why a present value is not usable (for the warning), or undefined when it
 * is valid or absent. `null` and blanks are absence here: null unsets the
 * attribute, and a blank was never an address.
 */
export function contactProblem(kind: ContactKind, value: unknown): string | undefined {
  if (isAbsent(value)) return undefined
  if (validContact[kind](value) !== undefined) return undefined
  if (typeof value !== 'string') return `not text (${Array.isArray(value) ? 'an array' : typeof value})`
  return kind === 'email'
    ? 'not a valid email address'
    : 'not a phone number Braze accepts (E.164 with +country code, or a 10-digit U.S. number)'
}

/** The contacts Braze can key a profile by. */
export const CONTACTS: readonly ContactKind[] = ['email', 'phone']

/**
 * One key for one contact as Braze matches it: emails whatever their case (Braze stores them
 * lowercased), phones by their digits in E.164, where Braze files a 10-digit number without `+` as
 * a U.S. one (https://www.braze.com/docs/user_guide/message_building_by_channel/sms_mms_rcs/user_phone_numbers/).
 * Two spellings of one number link, never two numbers.
 */
export function contactKey(kind: ContactKind, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  if (kind === 'email') return `email:${value.trim().toLowerCase()}`
  const digits = value.replace(/\D/g, '')
  return `phone:${!value.trim().startsWith('+') && digits.length === 10 ? `1${digits}` : digits}`
}

/**
 * A profile as the merge order and the merge memory see it: an email or phone as Braze matches it
 * (contactKey), else the object's identity. Two spellings of one email are one profile to merge.
 */
export function profileKey(object: object): string {
  const id = identifierKey(object)
  const value = (object as Record<string, unknown>)[id]
  return ((id === 'email' || id === 'phone') && contactKey(id, value)) || keyOf(id, value)
}

/**
 * The emails and phones an object gives a profile that may be no user's (one keyed by an alias,
 * braze_id, email or phone): a merge by that email or phone, which takes whichever such profile has
 * it (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/#merging-users-by-email-or-phone-number),
 * may find that profile next time.
 */
function contactsGiven(object: object): string[] {
  const id = identifierKey(object)
  if (id === 'external_id') return []
  const record = object as Record<string, unknown>
  return CONTACTS.flatMap((kind) => (kind === id ? [] : (contactKey(kind, record[kind]) ?? [])))
}

/** The profiles objects write to (profileKey), and the emails and phones they give profiles that may be no user's. */
export function profilesWritten(objects: object[]): string[] {
  return [...objects.map(profileKey), ...objects.flatMap(contactsGiven)]
}
