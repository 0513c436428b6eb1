// Segment spec traits → Braze standard attributes (https://www.braze.com/docs/api/objects_filters/user_attributes_object/). Each entry
// names the traits it consumes, so none of them is also sent as a custom
// attribute, and produces the Braze attributes (or nothing, with a warning).
import { MAX_IMAGE_URL_LENGTH } from './braze-limits'
import { validContact } from './contact'
import { toCountryCode } from './countries'
import { languageCode } from './languages'
import { ianaTimeZone } from './time-zones'
import { cutString, isoDateMs, type ValueContext } from './values'
import { dict, field, isAbsent, isDate, nonBlank, type Dict, type SegmentEvent, path } from './segment-event'
import type { Settings } from './settings'

interface StandardMapping {
  consumes: string[]
  map(traits: Dict, event: SegmentEvent, warnings: string[], settings: Pick<Settings, 'skipContextLocale'>): Record<string, unknown>
}

const GENDERS: Record<string, 'M' | 'F' | 'O' | 'N' | 'P'> = {
  m: 'M',
  male: 'M',
  man: 'M',
  f: 'F',
  female: 'F',
  woman: 'F',
  o: 'O',
  other: 'O',
  'non-binary': 'O',
  nonbinary: 'O',
  'non binary': 'O',
  n: 'N',
  'not applicable': 'N',
  'n/a': 'N',
  na: 'N',
  p: 'P',
  'prefer not to say': 'P',
  'prefer not to answer': 'P'
}
const SUBSCRIBE_STATES = new Set(['opted_in', 'subscribed', 'unsubscribed'])
const GROUP_STATES = new Set(['subscribed', 'unsubscribed'])
/** "subscription_group_id must be a valid subscription group UUID" (BAD_SUBSCRIPTION_GROUP_ID). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function text(value: unknown, label: string, warnings: string[]): string | null | undefined {
  if (value === null) return null
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') {
    if (value !== undefined) warnings.push(`${label} was dropped: expected text.`)
    return undefined
  }
  const context: ValueContext = { warnings, label, mode: 'attribute' }
  return cutString(value, context)
}

/** A zone in a non-ISO date string: GMT/UTC, or Z / ±hh[:]mm right after a time ("12-05-1990" has none). */
const HAS_ZONE = /\b(?:GMT|UTC)\b|:\d{2}(?:\.\d+)?\s*(?:Z\b|[+-]\d{2}:?\d{2}\b)/i

/**
 * Braze's dob is a calendar date: keep the date as written, never shift it through a time zone.
 * @public (test/mapping-identify.test.ts calls it in child processes set to other time zones)
 */
export function toDob(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim())
    if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))
    // A year, or a year and month, is no date of birth (and Date.parse would make it the 1st, in UTC).
    if (/^\d{4}(-\d{1,2})?$/.test(value.trim())) return undefined
    const parsed = Date.parse(value)
    if (Number.isNaN(parsed)) return undefined
    // "May 12 1990" has no zone and is parsed as local midnight: read it back in local
    // time, or a machine east of UTC would send the day before.
    if (!HAS_ZONE.test(value)) {
      const local = new Date(parsed)
      return validDate(local.getFullYear(), local.getMonth() + 1, local.getDate())
    }
    return fromEpoch(parsed)
  }
  if (isDate(value)) return fromEpoch(value.getTime())
  // A year alone (1990) is no date of birth, not 33 minutes past the epoch.
  if (Number.isInteger(value) && (value as number) >= 1000 && (value as number) <= 9999) return undefined
  // Epoch numbers: seconds when they are a date of 1900 to 2100 as seconds, else milliseconds (14256000000 is
  // 1970-06-15 in milliseconds, not 2421 in seconds).
  if (typeof value === 'number' && Number.isFinite(value))
    return fromEpoch(value >= EPOCH_SECONDS_1900 && value <= EPOCH_SECONDS_2100 ? value * 1000 : value)
  return undefined
}

const EPOCH_SECONDS_1900 = Date.UTC(1900, 0, 1) / 1000
const EPOCH_SECONDS_2100 = Date.UTC(2100, 0, 1) / 1000

function fromEpoch(ms: number): string | undefined {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return undefined
  return validDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())
}

function validDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (year < 1 || year > 9999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * The first source that holds a value wins; a value `convert` cannot read is
 * dropped with a warning and the next source is tried. A trait's `null`
 * unsets the attribute, as for any trait; context has no say in that.
 */
function pick(
  warnings: string[],
  convert: (value: string) => string | undefined,
  expected: string,
  ...sources: Array<[string, unknown]>
): string | null | undefined {
  for (const [label, value] of sources) {
    if (value === undefined || value === '') continue
    if (value === null) {
      if (label.startsWith('trait')) return null
      continue
    }
    const converted = typeof value === 'string' ? convert(value) : undefined
    if (converted !== undefined) return converted
    warnings.push(`${label} was dropped: Braze takes ${expected}.`)
  }
  return undefined
}

/**
 * The first of these traits that Braze takes, converted (`null` unsets). One it would refuse is
 * dropped with a warning, and the next is tried: `birthday: "n/a"` does not hide a valid `dob`.
 */
function firstUsable<T>(
  traits: Dict,
  keys: string[],
  convert: (value: unknown) => T | undefined,
  refusal: string,
  warnings: string[]
): T | null | undefined {
  for (const key of keys) {
    const value = field(traits, key)
    if (value === undefined) continue
    if (value === null) return null
    const converted = convert(value)
    if (converted !== undefined) return converted
    warnings.push(`trait "${key}" was dropped: ${refusal}`)
  }
  return undefined
}

/** A first or last name trait: the first of its two spellings that is neither missing nor blank, else the first given. */
interface NamePart {
  key: string
  value: unknown
  /** A value of its own (null included): `name` does not fill it. */
  given: boolean
}

function namePart(traits: Dict, keys: [string, string]): NamePart {
  const usable = keys.find((key) => !isBlankOrMissing(field(traits, key)))
  const key = usable ?? keys.find((key) => field(traits, key) !== undefined) ?? keys[1]
  return { key, value: field(traits, key), given: usable !== undefined }
}

const isBlankOrMissing = (value: unknown) => value === undefined || (typeof value === 'string' && value.trim() === '')
const words = (text: string) => text.trim().replace(/\s+/g, ' ')

/**
 * The parts of `name` the traits do not give: with neither, its first word and the rest; with a first name
 * it starts with, what follows it; with a last name it ends with, what comes before. A name that does not
 * agree with the part given (or a part given as null or not as text) says nothing of the other.
 */
function splitName(name: string, first: NamePart, last: NamePart): { first_name?: string; last_name?: string } {
  const full = words(name)
  if (first.given) {
    const given = nonBlank(first.value)
    return given !== undefined && full.startsWith(`${words(given)} `) ? { last_name: full.slice(words(given).length + 1) } : {}
  }
  if (last.given) {
    const given = nonBlank(last.value)
    return given !== undefined && full.endsWith(` ${words(given)}`) ? { first_name: full.slice(0, -words(given).length - 1) } : {}
  }
  const [head, ...rest] = full.split(' ')
  return rest.length > 0 ? { first_name: head, last_name: rest.join(' ') } : { first_name: head }
}

/** `address: null` and no trait named `attribute`: the address's part of that attribute is unset. */
function nullAddress(traits: Dict, attribute: string): boolean {
  return field(traits, 'address') === null && field(traits, attribute) === undefined
}

const PROFILE_DATES = ['date_of_first_session', 'date_of_last_session', 'marked_email_as_spam_at']
const PROFILE_SWITCHES = ['email_open_tracking_disabled', 'email_click_tracking_disabled']

export const STANDARD_MAPPINGS: StandardMapping[] = [
  {
    consumes: ['firstName', 'first_name', 'lastName', 'last_name', 'name'],
    map(traits, _event, warnings) {
      const out: Record<string, unknown> = {}
      // An explicit null is a value (it unsets the attribute): a missing or blank part is taken from `name`
      // when it has one; a blank one is sent as given only when it has not.
      const first = namePart(traits, ['firstName', 'first_name'])
      const last = namePart(traits, ['lastName', 'last_name'])
      const name = field(traits, 'name')
      let split: { first_name?: string; last_name?: string } = {}
      if (!first.given || !last.given) {
        const written = nonBlank(name)
        if (written !== undefined) split = splitName(written, first, last)
        else if (!isAbsent(name)) warnings.push('trait "name" was dropped: expected text.')
      }
      // A warning names the trait the value came from.
      const part = ({ key, value, given }: NamePart, fromName: string | undefined, attribute: string) =>
        !given && fromName !== undefined
          ? text(fromName, `trait "name" (as ${attribute})`, warnings)
          : text(value, `trait "${key}"`, warnings)
      const firstName = part(first, split.first_name, 'first_name')
      const lastName = part(last, split.last_name, 'last_name')
      if (firstName !== undefined) out.first_name = firstName
      if (lastName !== undefined) out.last_name = lastName
      return out
    }
  },
  {
    consumes: ['email', 'phone'],
    map(traits) {
      // A malformed address is never sent (Braze refuses it); map-event warns about it once per event.
      const out: Record<string, unknown> = {}
      for (const key of ['email', 'phone'] as const) {
        const value = field(traits, key)
        const valid = value === null ? null : validContact[key](value)
        if (valid !== undefined) out[key] = valid
      }
      return out
    }
  },
  {
    consumes: ['gender'],
    map(traits, _event, warnings) {
      const gender = field(traits, 'gender')
      if (gender === undefined) return {}
      if (gender === null) return { gender: null }
      // Own keys only: "constructor" or "toString" must not find Object.prototype's members.
      const spelling = typeof gender === 'string' ? gender.trim().toLowerCase() : undefined
      const code = spelling !== undefined && Object.prototype.hasOwnProperty.call(GENDERS, spelling) ? GENDERS[spelling] : undefined
      if (code) return { gender: code }
      warnings.push('trait "gender" was dropped: Braze takes male, female, other, not applicable or prefer not to say.')
      return {}
    }
  },
  // Segment's spec traits first, then a trait already named as Braze's standard attribute (`dob`,
  // `home_city`, `image_url`): either way the value is checked here, per event, so that one Braze would
  // refuse never reaches a merged object (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
  {
    consumes: ['birthday', 'dob'],
    map(traits, _event, warnings) {
      const dob = firstUsable(traits, ['birthday', 'dob'], toDob, 'not a date.', warnings)
      return dob === undefined ? {} : { dob }
    }
  },
  {
    consumes: ['address', 'home_city'],
    map(traits, _event, warnings) {
      const address = field(traits, 'address')
      if (address !== undefined && address !== null && !dict(address))
        warnings.push(
          `trait "address" was dropped: Segment's spec makes it an object ({city, country, …}), and Braze takes its city as home_city.`
        )
      // A null address unsets what it held, as a null city would (nullAddress).
      const fromAddress = nullAddress(traits, 'home_city') ? null : field(dict(address), 'city')
      const city =
        fromAddress === undefined
          ? text(field(traits, 'home_city'), 'trait "home_city"', warnings)
          : text(fromAddress, 'trait "address.city"', warnings)
      return city === undefined ? {} : { home_city: city }
    }
  },
  {
    consumes: ['avatar', 'image_url'],
    map(traits, _event, warnings) {
      const imageUrl = firstUsable(
        traits,
        ['avatar', 'image_url'],
        (value) => (typeof value === 'string' && value.length <= MAX_IMAGE_URL_LENGTH ? value : undefined),
        `Braze takes an image URL of at most ${MAX_IMAGE_URL_LENGTH} characters.`,
        warnings
      )
      return imageUrl === undefined ? {} : { image_url: imageUrl }
    }
  },
  {
    // Explicit traits beat what the device reported, as in Braze: "Language values that are explicitly set
    // through this API take precedence over the locale information Braze automatically receives from the
    // device" (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
    consumes: ['country', 'language', 'timezone', 'time_zone'],
    map(traits, event, warnings, settings) {
      // "Setting country or language … by CSV import or API prevents Braze from automatically capturing this
      // information through the SDK" (same page): skipContextLocale leaves the device's values to the SDK.
      const context = settings.skipContextLocale ? undefined : dict(field(event, 'context'))
      const out: Record<string, unknown> = {}
      const country = pick(
        warnings,
        toCountryCode,
        'an ISO-3166-1 country code or an English country name',
        ['trait "address.country"', nullAddress(traits, 'country') ? null : path(traits, 'address', 'country')],
        ['trait "country"', field(traits, 'country')],
        ['context.location.country', path(context, 'location', 'country')]
      )
      const language = pick(
        warnings,
        languageCode,
        'one of the language codes it supports (ISO-639-1, and a few of three letters)',
        ['trait "language"', field(traits, 'language')],
        ['context.locale', field(context, 'locale')]
      )
      const zone = pick(
        warnings,
        ianaTimeZone,
        'an IANA time zone (or a Rails time zone name)',
        ['trait "timezone"', field(traits, 'timezone')],
        ['trait "time_zone"', field(traits, 'time_zone')],
        ['context.timezone', field(context, 'timezone')]
      )
      if (country !== undefined) out.country = country
      if (language !== undefined) out.language = language
      if (zone !== undefined) out.time_zone = zone
      return out
    }
  },
  {
    // A current_location trait, else the device's context.location.
    consumes: ['current_location'],
    map(traits, event, warnings) {
      const trait = field(traits, 'current_location')
      if (trait === null) return { current_location: null }
      for (const [label, value] of [
        ['trait "current_location" was dropped', trait],
        ['context.location was not sent as current_location', path(event, 'context', 'location')]
      ] as const) {
        if (value === undefined) continue
        const location = dict(value)
        const latitude = field(location, 'latitude')
        const longitude = field(location, 'longitude')
        if (location && latitude === undefined && longitude === undefined) continue
        // "current_location: (object) Of the form {"longitude": -73.991443, "latitude": 40.753824}"
        // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
        const valid =
          typeof latitude === 'number' && typeof longitude === 'number' && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180
        if (valid) return { current_location: { latitude, longitude } }
        warnings.push(`${label}: Braze takes a numeric latitude (-90 to 90) and longitude (-180 to 180).`)
      }
      return {}
    }
  },
  {
    // Braze's other profile fields a trait can set ("Braze user profile fields",
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/): the session and spam dates
    // "in ISO 8601 format", the email tracking switches as booleans. null unsets them.
    consumes: [...PROFILE_DATES, ...PROFILE_SWITCHES],
    map(traits, _event, warnings) {
      const out: Record<string, unknown> = {}
      for (const key of PROFILE_DATES) {
        const value = field(traits, key)
        if (value === undefined) continue
        if (value === null || (typeof value === 'string' && isoDateMs(value) !== undefined))
          out[key] = typeof value === 'string' ? value.trim() : value
        else warnings.push(`trait "${key}" was dropped: Braze takes an ISO 8601 date.`)
      }
      for (const key of PROFILE_SWITCHES) {
        const value = field(traits, key)
        if (value === undefined) continue
        const switched = value === 'true' ? true : value === 'false' ? false : value
        if (switched === null || typeof switched === 'boolean') out[key] = switched
        else warnings.push(`trait "${key}" was dropped: Braze takes true or false.`)
      }
      return out
    }
  },
  {
    consumes: ['email_subscribe', 'push_subscribe', 'subscription_groups'],
    map(traits, _event, warnings) {
      const out: Record<string, unknown> = {}
      for (const key of ['email_subscribe', 'push_subscribe']) {
        const state = field(traits, key)
        if (state === undefined) continue
        if (typeof state === 'string' && SUBSCRIBE_STATES.has(state)) out[key] = state
        else warnings.push(`trait "${key}" was dropped: Braze takes opted_in, subscribed or unsubscribed.`)
      }
      const groups = field(traits, 'subscription_groups')
      if (groups !== undefined) {
        // Braze refuses the whole attributes object over one bad group (BAD_SUBSCRIPTION_GROUP_ID, _STATE, _HASH:
        // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/), so a bad group is left out alone.
        const given: unknown[] = Array.isArray(groups) ? groups : []
        const valid = given.filter(isSubscriptionGroup)
        const takes = 'Braze takes [{subscription_group_id: the group\'s UUID, subscription_state: "subscribed"|"unsubscribed"}].'
        if (valid.length === 0) warnings.push(`trait "subscription_groups" was dropped: ${takes}`)
        else {
          out.subscription_groups = valid.map((group) => ({
            subscription_group_id: group.subscription_group_id,
            subscription_state: group.subscription_state
          }))
          const left = given.length - valid.length
          if (left > 0) warnings.push(`trait "subscription_groups": ${left} of its ${given.length} groups were dropped: ${takes}`)
        }
      }
      return out
    }
  }
]

function isSubscriptionGroup(group: unknown): group is Dict {
  const id = field(group, 'subscription_group_id')
  const state = field(group, 'subscription_state')
  return typeof id === 'string' && UUID.test(id) && typeof state === 'string' && GROUP_STATES.has(state)
}

export const STANDARD_TRAITS = new Set(STANDARD_MAPPINGS.flatMap((mapping) => mapping.consumes))
