// Braze's validation of /users/track, as pure functions: a request or an
// object goes in, human-readable problems come out. The HTTP layer turns them
// into 400s or `errors[]` entries; nothing here knows about profiles. The
// numbers are the function's own (src/destination/braze-limits.ts, each with
// its Braze page): the stand-in and the function cannot disagree on them.
import {
  MAX_EVENT_PROPERTIES_BYTES,
  MAX_EXTERNAL_ID_BYTES,
  MAX_IMAGE_URL_LENGTH,
  MAX_INPUT_LENGTH_MESSAGE,
  MAX_KEY_LENGTH,
  MAX_OBJECTS_PER_REQUEST,
  MAX_OBJECTS_PER_TYPE,
  MAX_PURCHASE_PROPERTIES_BYTES,
  MAX_PURCHASE_QUANTITY,
  MAX_STRING_LENGTH,
  RESERVED_PROPERTY_KEYS,
  RESERVED_PURCHASE_PROPERTY_KEYS,
  TRACK_ARRAYS,
  type TrackArray
} from '../../destination/braze-limits'
import { ATTRIBUTE_CONTROL_KEYS } from '../../destination/braze-types'
import { validContact, validEmail } from '../../destination/contact'
import { ecommerceProblems, isRecommendedEvent } from './ecommerce-rules'
import { type Identifier, PRIMARY_IDENTIFIER_KEYS, asUserAlias, isNonBlankString, isPlainObject } from './identifier'

export { MAX_INPUT_LENGTH_MESSAGE, TRACK_ARRAYS, type TrackArray }

export interface RequestProblem {
  message: string
  errors: string[]
}

export interface ParsedIdentifier {
  identifier?: Identifier
  /** Keys consumed as the identifier: they are not attributes. */
  keys: string[]
  problems: string[]
}

/**
 * Problems that reject a whole /users/track request (answered with a 400,
 * nothing applied), or undefined when the request may go on to per-object
 * validation.
 */
export function trackRequestProblem(body: unknown, maxObjectsPerRequest: number = MAX_OBJECTS_PER_REQUEST): RequestProblem | undefined {
  if (!isPlainObject(body)) return invalid('request body must be a JSON object')
  const present = TRACK_ARRAYS.filter((name) => body[name] !== undefined)
  const notArrays = present.filter((name) => !Array.isArray(body[name]))
  if (notArrays.length > 0) return invalid(...notArrays.map((name) => `${name} must be an array`))
  // Braze would accept an empty body silently; failing loudly catches a client that built nothing.
  if (present.length === 0) return invalid('request must contain attributes, events or purchases')

  const counts = present.map((name) => ({ name, count: (body[name] as unknown[]).length }))
  const tooMany = counts
    .filter(({ count }) => count > MAX_OBJECTS_PER_TYPE)
    .map(({ name, count }) => `${count} ${name} objects (at most ${MAX_OBJECTS_PER_TYPE} per request)`)
  const total = counts.reduce((sum, { count }) => sum + count, 0)
  if (total > maxObjectsPerRequest) {
    tooMany.push(`${total} objects combined (at most ${maxObjectsPerRequest} per request)`)
  }
  return tooMany.length > 0 ? { message: MAX_INPUT_LENGTH_MESSAGE, errors: tooMany } : undefined
}

function invalid(...errors: string[]): RequestProblem {
  return { message: 'Invalid request', errors }
}

/** Problems with one object of a /users/track array; empty when Braze would accept it. */
export function objectProblems(array: TrackArray, object: unknown): string[] {
  if (!isPlainObject(object)) return [`${singular(array)} must be a JSON object`]
  switch (array) {
    case 'attributes':
      return attributesProblems(object)
    case 'events':
      return eventProblems(object)
    case 'purchases':
      return purchaseProblems(object)
  }
}

function singular(array: TrackArray): string {
  return { attributes: 'attributes object', events: 'event', purchases: 'purchase' }[array]
}

/**
 * Finds the one identifier of an object. external_id, user_alias and braze_id
 * exclude each other. email and phone identify only when none of those is
 * present (email first, as Braze does when both are sent); otherwise, in an
 * attributes object they are the standard `email`/`phone` attributes.
 */
export function parseIdentifier(object: Record<string, unknown>, array: TrackArray): ParsedIdentifier {
  const primary = PRIMARY_IDENTIFIER_KEYS.filter((key) => object[key] !== undefined)
  const contact = (['email', 'phone'] as const).filter((key) => object[key] !== undefined)
  // In events and purchases email/phone can only be identifiers, so they count as extra ones.
  const extra = primary.length > 0 && array !== 'attributes' ? contact : []
  const candidates = [...primary, ...extra]
  if (candidates.length > 1) {
    return { keys: candidates, problems: [`more than one identifier (${candidates.join(', ')}): send exactly one`] }
  }
  const key = primary[0] ?? contact[0]
  if (key === undefined) {
    return {
      keys: [],
      problems: ['missing identifier: one of external_id, user_alias, braze_id, email or phone is required']
    }
  }
  const value = object[key]
  if (key === 'user_alias') {
    const alias = asUserAlias(value)
    return alias
      ? { identifier: { kind: 'user_alias', alias }, keys: [key], problems: [] }
      : { keys: [key], problems: ['user_alias must have a non-empty alias_name and alias_label'] }
  }
  if (!isNonBlankString(value)) return { keys: [key], problems: [`${key} must be a non-empty string`] }
  // "EXTERNAL_USER_ID_TOO_LARGE" (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
  if (key === 'external_id' && Buffer.byteLength(value) > MAX_EXTERNAL_ID_BYTES)
    return { keys: [key], problems: [`external_id exceeds the maximum allowed length of ${MAX_EXTERNAL_ID_BYTES} bytes`] }
  // "This endpoint only works if you include a valid phone number" (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/);
  // an invalid email, or one with whitespace around it, is "an error response in the API"
  // (https://www.braze.com/docs/user_guide/message_building_by_channel/email/email_setup/email_validation/).
  if ((key === 'email' || key === 'phone') && validContact[key](value) !== value)
    return { keys: [key], problems: [`${key} is not a valid ${key === 'email' ? 'email address' : 'phone number'}`] }
  return { identifier: { kind: key, value }, keys: [key], problems: [] }
}

function attributesProblems(object: Record<string, unknown>): string[] {
  const parsed = parseIdentifier(object, 'attributes')
  const problems = [...parsed.problems, ...controlKeyProblems(object)]
  for (const [key, value] of Object.entries(object)) {
    if (parsed.keys.includes(key) || ATTRIBUTE_CONTROL_KEYS.includes(key)) continue
    problems.push(...keyProblems('attribute', key), ...attributeValueProblems(key, value), ...objectArrayProblems(key, value))
  }
  return problems
}

const OBJECT_ARRAY_OPERATORS = ['$add', '$remove', '$update']

/**
 * Braze's array-of-objects operators, well formed: arrays of objects for
 * $add; {$identifier_key, $identifier_value} items for $remove, plus
 * $new_object for $update (which merges only with `_merge_objects: true`,
 * and otherwise overwrites: attributes.ts).
 * https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/
 */
function objectArrayProblems(key: string, value: unknown): string[] {
  if (!isPlainObject(value) || !Object.keys(value).some((name) => OBJECT_ARRAY_OPERATORS.includes(name))) return []
  const problems: string[] = []
  for (const [operator, items] of Object.entries(value)) {
    const where = `attribute ${quote(key)} ${operator}`
    if (!OBJECT_ARRAY_OPERATORS.includes(operator))
      problems.push(`attribute ${quote(key)} mixes ${quote(operator)} with array-of-objects operators`)
    else if (!Array.isArray(items) || !items.every(isPlainObject)) problems.push(`${where} must be an array of objects`)
    else if (
      operator !== '$add' &&
      !items.every((item) => isNonBlankString(item.$identifier_key) && item.$identifier_value !== undefined)
    ) {
      problems.push(`${where} items need $identifier_key and $identifier_value`)
    } else if (operator === '$update' && !items.every((item) => isPlainObject(item.$new_object)))
      problems.push(`${where} items need a $new_object`)
  }
  return problems
}

function controlKeyProblems(object: Record<string, unknown>): string[] {
  return ATTRIBUTE_CONTROL_KEYS.filter((key) => object[key] !== undefined && typeof object[key] !== 'boolean').map(
    (key) => `${key} must be a boolean`
  )
}

function attributeValueProblems(key: string, value: unknown): string[] {
  // "EMAIL_BAD_FORMAT: The value provided for email is not a valid email address"
  // (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/), by Braze's documented rules (contact.ts).
  if (key === 'email' && typeof value === 'string' && validEmail(value) !== value) return ['email is not a valid email address']
  if (key === 'subscription_groups') return subscriptionGroupProblems(value)
  if (key === 'email_subscription_info') return ['email_subscription_info is not a valid attribute']
  // BAD_EMAIL_SUBSCRIPTION_STATE, BAD_PUSH_SUBSCRIPTION_STATE, BAD_LOCATION_UPDATE (the same table).
  if ((key === 'email_subscribe' || key === 'push_subscribe') && !['subscribed', 'unsubscribed', 'opted_in'].includes(value as string))
    return [`${key} must be subscribed, unsubscribed, or opted_in`]
  if (key === 'current_location' && value !== null && !isLocation(value))
    return ['current_location must be an object containing longitude and latitude']
  const limit = key === 'image_url' ? MAX_IMAGE_URL_LENGTH : MAX_STRING_LENGTH
  if (typeof value === 'string' && length(value) > limit) {
    return [`attribute ${quote(key)} is longer than ${limit} characters`]
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'string' && length(item) > limit)) {
    return [`attribute ${quote(key)} has a string longer than ${limit} characters`]
  }
  return []
}

function isLocation(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const { latitude, longitude } = value as Record<string, unknown>
  return typeof latitude === 'number' && typeof longitude === 'number'
}

/**
 * BAD_SUBSCRIPTION_GROUP_ARRAY, _HASH, _ID and _STATE
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/, "Endpoint-specific errors"):
 * written here from Braze's table, not with the function's own check.
 */
function subscriptionGroupProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['subscription_groups must be an array']
  for (const group of value) {
    if (group === null || typeof group !== 'object' || !('subscription_group_id' in group) || !('subscription_state' in group))
      return ['each item in subscription_groups must be a JSON object with subscription_group_id and subscription_state keys']
    const { subscription_group_id: id, subscription_state: state } = group as Record<string, unknown>
    if (typeof id !== 'string' || !/^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(id))
      return ['subscription_group_id must be a valid subscription group UUID']
    if (state !== 'subscribed' && state !== 'unsubscribed')
      return ['subscription_state for a subscription group must be subscribed or unsubscribed']
  }
  return []
}

function eventProblems(object: Record<string, unknown>): string[] {
  return [
    ...parseIdentifier(object, 'events').problems,
    ...updateExistingOnlyProblems(object),
    ...(isNonBlankString(object.name) ? [] : ['name must be a non-empty string']),
    ...timeProblems(object.time),
    ...appIdProblems(object.app_id),
    ...propertiesProblems(object.properties, MAX_EVENT_PROPERTIES_BYTES),
    ...(isRecommendedEvent(object.name) ? ecommerceProblems(object.name, object.properties) : [])
  ]
}

function purchaseProblems(object: Record<string, unknown>): string[] {
  return [
    ...parseIdentifier(object, 'purchases').problems,
    ...updateExistingOnlyProblems(object),
    ...productIdProblems(object.product_id),
    ...(isCurrencyCode(object.currency) ? [] : ['currency must be a three-letter upper-case ISO 4217 code']),
    ...(typeof object.price === 'number' && Number.isFinite(object.price) ? [] : ['price must be a finite number']),
    ...(object.quantity === undefined || isQuantity(object.quantity)
      ? []
      : [`quantity must be an integer from 1 to ${MAX_PURCHASE_QUANTITY}`]),
    ...timeProblems(object.time),
    ...appIdProblems(object.app_id),
    ...propertiesProblems(object.properties, MAX_PURCHASE_PROPERTIES_BYTES, RESERVED_PURCHASE_PROPERTY_KEYS)
  ]
}

function updateExistingOnlyProblems(object: Record<string, unknown>): string[] {
  const value = object._update_existing_only
  return value === undefined || typeof value === 'boolean' ? [] : ['_update_existing_only must be a boolean']
}

function productIdProblems(value: unknown): string[] {
  if (!isNonBlankString(value)) return ['product_id must be a non-empty string']
  return length(value) > MAX_STRING_LENGTH ? [`product_id is longer than ${MAX_STRING_LENGTH} characters`] : []
}

/** Only the shape: Braze's currency list changes, a typo like "usd" or "US$" is what we catch. */
function isCurrencyCode(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value)
}

function isQuantity(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PURCHASE_QUANTITY
}

function timeProblems(value: unknown): string[] {
  if (value === undefined) return ['time is required (an ISO 8601 date-time)']
  return isIso8601(value) ? [] : ['time must be an ISO 8601 date-time string']
}

function appIdProblems(value: unknown): string[] {
  return value === undefined || isNonBlankString(value) ? [] : ['app_id must be a non-empty string']
}

/** `limit`: Braze bounds event properties at 100 KB and purchase properties at 50 KB (braze-limits.ts). */
function propertiesProblems(value: unknown, limit: number = MAX_EVENT_PROPERTIES_BYTES, reserved = RESERVED_PROPERTY_KEYS): string[] {
  if (value === undefined) return []
  if (!isPlainObject(value)) return ['properties must be a JSON object']
  const problems = Object.keys(value).flatMap((key) => [
    ...keyProblems('property', key),
    ...(reserved.includes(key) ? [`property key ${quote(key)} is reserved`] : [])
  ])
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8')
  if (bytes > limit) problems.push(`properties are larger than ${limit / 1024} KB (${bytes} bytes)`)
  return problems
}

function keyProblems(what: 'attribute' | 'property', key: string): string[] {
  if (key.length === 0) return [`${what} key must not be empty`]
  if (key.startsWith('$')) return [`${what} key ${quote(key)} must not start with '$'`]
  if (length(key) > MAX_KEY_LENGTH) return [`${what} key ${quote(key)} is longer than ${MAX_KEY_LENGTH} characters`]
  return []
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/

/**
 * ISO 8601 calendar date, optionally with a time (seconds, fraction and zone
 * optional) — the forms Braze documents. Rejects impossible dates like
 * 2024-02-30, epoch numbers and RFC 2822 strings that Date.parse would take.
 */
export function isIso8601(value: unknown): boolean {
  if (typeof value !== 'string') return false
  const match = ISO_8601.exec(value)
  if (!match) return false
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0))
  if (year === undefined || month === undefined || day === undefined) return false
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day)
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  const zone = match[7]
  const zoneOk = zone === undefined || zone === 'Z' || Number(zone.slice(1, 3)) <= 14
  return realDay && hour <= 23 && minute <= 59 && second <= 59 && zoneOk
}

/** Characters as people count them (code points), so an emoji is one, not two. */
function length(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Keys in messages are cut so that a huge key cannot bloat the answer. */
function quote(key: string): string {
  return `'${key.length > 40 ? `${key.slice(0, 40)}…` : key}'`
}
