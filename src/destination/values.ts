// Turning arbitrary trait/property values into values Braze accepts: strings
// ≤ 255, nested keys without `.`/`$`/spaces, dates inside objects as
// {"$time"} (https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/,
// https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/, "Timestamps").
// Bad parts are dropped with a warning, never silently and never by failing
// the whole event.
import { MAX_KEY_LENGTH, MAX_NESTED_YEAR, MAX_STRING_LENGTH } from './braze-limits'
import type { JsonObject, JsonValue } from './braze-types'
import { isDate, isDict } from './segment-event'

/** Ours, not Braze's: a bound on recursion for hostile input. */
const MAX_DEPTH = 32
const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** No number a source means is written longer; a longer string is not read (nor run through a regex). */
const MAX_NUMBER_TEXT = 100

/** Numbers, and numeric strings ("19.99") as Segment sources often send them. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  // One way to match each digit: a run of 30,000 digits then a letter costs one pass, not 30,000.
  if (typeof value === 'string' && value.length <= MAX_NUMBER_TEXT && /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(value)) {
    const parsed = Number(value)
    return Number.isFinite(parsed) ? parsed : undefined
  }
  return undefined
}

/** A product's quantity: absent or null counts as one (Segment's products often leave it out); else a whole number ≥ 1, or undefined. */
export function productQuantity(value: unknown): number | undefined {
  if (value === undefined || value === null) return 1
  const quantity = toNumber(value)
  return quantity !== undefined && Number.isInteger(quantity) && quantity >= 1 ? quantity : undefined
}

/** A date in the narrower form attribute values are recognised by, and a real one (not February 30th). */
function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && isoDateMs(value) !== undefined
}

const ISO_8601_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Epoch ms of an ISO 8601 date or date-time, else undefined: Date.parse would take "Order 5" for 2001-05-01
 * and "2024-02-30" for March 1st. A time without an offset is UTC, whatever the machine's zone.
 */
export function isoDateMs(text: string): number | undefined {
  const match = ISO_8601_TIME.exec(text) ?? ISO_8601_TIME.exec(text.trim())
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const hour = match[4] === undefined ? 0 : Number(match[4])
  const minute = match[5] === undefined ? 0 : Number(match[5])
  const second = match[6] === undefined ? 0 : Number(match[6])
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined
  // "Z", "+05", "+0530" or "+05:30".
  const zone = match[8]
  let offset = 0
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1)
    const [hours, minutes] = [Number(digits.slice(0, 2)), digits.length > 2 ? Number(digits.slice(2)) : 0]
    // Real offsets run from -12:00 to +14:00.
    if (hours > 14 || minutes > 59) return undefined
    offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000)
  // Date.UTC reads the years 0-99 as 1900-1999: they are moved by 400 years, which keeps the calendar.
  const shift = year < 100 ? 400 : 0
  const ms = Date.UTC(year + shift, month - 1, day, hour, minute - offset, second, fraction)
  return shift === 0 ? ms : ms - Date.UTC(2000, 0, 1) + Date.UTC(1600, 0, 1)
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
}

/** A date Braze stores inside a nested attribute (braze-limits.ts). */
function isNestedTime(value: string): boolean {
  return isIsoDate(value) && new Date(value).getUTCFullYear() <= MAX_NESTED_YEAR
}

export interface ValueContext {
  warnings: string[]
  /** Where the value sits, for warnings: `trait "plan"`, `property "cart.items"`. */
  label: string
  /** Custom attributes have stricter nested rules than event properties. */
  mode: 'attribute' | 'property'
}

/**
 * Key problems shared by attributes and properties: the reason, or undefined when the key is fine.
 * `property`: an event's or purchase's, where Braze drops only `$` keys (https://www.braze.com/docs/api/objects_filters/event_object/):
 * `constructor` and `prototype` are written as own properties there, harmlessly; `__proto__` never is.
 */
export function badKey(key: string, nested: boolean, property = false): string | undefined {
  if (key === '') return 'an empty key'
  if (key === '__proto__' || (!property && DANGEROUS_KEYS.has(key))) return 'a reserved JavaScript key'
  if (key.startsWith('$')) return 'a key starting with "$"'
  if (key.length > MAX_KEY_LENGTH) return `a key over ${MAX_KEY_LENGTH} characters`
  if (nested && /[.$\s]/.test(key)) return 'a nested key containing ".", "$" or a space'
  return undefined
}

export function cutString(value: string, context: ValueContext): string {
  if (value.length <= MAX_STRING_LENGTH) return value
  context.warnings.push(`${context.label} was cut to ${MAX_STRING_LENGTH} characters (Braze's limit for strings).`)
  // Don't leave half of a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(value.charAt(MAX_STRING_LENGTH - 1)) ? MAX_STRING_LENGTH - 1 : MAX_STRING_LENGTH
  return value.slice(0, end)
}

/**
 * `inObject`: inside a nested object, where Braze wants dates as {"$time"}.
 * Returns undefined for a value that must be dropped (a warning says why).
 */
export function toBrazeValue(value: unknown, context: ValueContext, inObject = false, depth = 0): JsonValue | undefined {
  if (value === null) {
    if (!inObject || context.mode !== 'attribute') return null
    // "When a nested custom attribute contains any invalid values (such as invalid time formats or null values),
    // Braze drops all nested custom attribute updates in the request" (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/):
    // other users' too.
    context.warnings.push(
      `${context.label} was dropped: Braze takes no null inside a nested attribute (it would drop every nested update of the request).`
    )
    return undefined
  }
  switch (typeof value) {
    case 'string': {
      if (inObject && context.mode === 'attribute' && isNestedTime(value)) return { $time: value }
      // "For nested custom event properties, if the year is less than 0 or greater than 3000, Braze doesn't store
      // these values" (https://www.braze.com/docs/user_guide/data/activation/events/custom_events/nested_objects/).
      if (inObject && context.mode === 'property' && isIsoDate(value) && !isNestedTime(value))
        context.warnings.push(
          `${context.label} is a date after the year ${MAX_NESTED_YEAR}, which Braze does not store in a nested event property.`
        )
      return cutString(value, context)
    }
    case 'number':
      if (Number.isFinite(value)) return value
      context.warnings.push(`${context.label} was dropped: ${String(value)} is not a number Braze accepts.`)
      return undefined
    case 'boolean':
      return value
    case 'object':
      break
    default:
      context.warnings.push(`${context.label} was dropped: ${value === undefined ? 'undefined' : `a ${typeof value}`} is not a JSON value.`)
      return undefined
  }
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) return undefined
    const iso = value.toISOString()
    return inObject && context.mode === 'attribute' && isNestedTime(iso) ? { $time: iso } : iso
  }
  if (isTimeObject(value)) {
    // A date written as Braze writes it inside nested attributes, {"$time": "2020-05-28"}: kept there, and a
    // plain ISO string elsewhere (a top-level attribute or an event property takes the string).
    const time = value.$time
    if (typeof time === 'string' && (inObject && context.mode === 'attribute' ? isNestedTime(time) : isIsoDate(time)))
      return inObject && context.mode === 'attribute' ? { $time: time } : time
    const years = inObject && context.mode === 'attribute' ? ` of a year up to ${MAX_NESTED_YEAR}` : ''
    context.warnings.push(`${context.label} was dropped: {"$time"} takes an ISO 8601 date${years}.`)
    return undefined
  }
  if (depth >= MAX_DEPTH) {
    context.warnings.push(`${context.label} was dropped: nested deeper than ${MAX_DEPTH} levels.`)
    return undefined
  }
  if (Array.isArray(value)) {
    // An array of objects is a nested attribute even at the top level: its null items are nested nulls.
    const nested = inObject || (context.mode === 'attribute' && value.some(isDict))
    const out: JsonValue[] = []
    value.forEach((item, index) => {
      // "Custom attribute arrays are one-dimensional sets; multi-dimensional arrays are not supported"
      // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/). Inside an object they are (pets[].nicknames[]).
      if (!inObject && context.mode === 'attribute' && Array.isArray(item)) {
        context.warnings.push(
          `${context.label}[${index}] was dropped: Braze's array attributes are one-dimensional (no array inside an array).`
        )
        return
      }
      // Braze documents {"$time"} for the properties of an object only
      // (https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/):
      // a date that is an item of a list stays a string.
      const asItem = typeof item === 'string' || isDate(item) || (isDict(item) && isTimeObject(item)) ? false : nested
      const converted = toBrazeValue(item, item === null ? { ...context, label: `${context.label}[${index}]` } : context, asItem, depth + 1)
      if (converted !== undefined) out.push(converted)
    })
    return out
  }
  if (isDict(value)) return toBrazeObject(value, context, depth + 1)
  return undefined
}

function isTimeObject(value: object): value is { $time: unknown } {
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === '$time' && !Array.isArray(value)
}

export function toBrazeObject(source: Record<string, unknown>, context: ValueContext, depth: number): JsonObject {
  const out: JsonObject = {}
  for (const key of Object.keys(source)) {
    const label = `${context.label}.${key}`
    const reason = badKey(key, context.mode === 'attribute', context.mode === 'property')
    if (reason) {
      context.warnings.push(`${label} was dropped: ${reason}.`)
      continue
    }
    const converted = toBrazeValue(source[key], { warnings: context.warnings, label, mode: context.mode }, true, depth)
    if (converted !== undefined) out[key] = converted
  }
  return out
}

/**
 * Whether `value` serializes to at most `limit` UTF-8 bytes. A walk with a
 * generous bound (6 bytes a character, as for a \uXXXX escape) settles the
 * usual small values without JSON.stringify, which is costly per event.
 */
export function fitsIn(value: unknown, limit: number): boolean {
  return sizeBound(value, limit) <= limit || jsonSize(value) <= limit
}

function sizeBound(value: unknown, budget: number): number {
  if (typeof value === 'string') return value.length * 6 + 2
  if (value === null || typeof value !== 'object') return 24
  let size = 2
  if (Array.isArray(value)) {
    for (const item of value) {
      size += sizeBound(item, budget - size) + 1
      if (size > budget) return size
    }
    return size
  }
  for (const key of Object.keys(value)) {
    size += key.length * 6 + 4 + sizeBound((value as Record<string, unknown>)[key], budget - size)
    if (size > budget) return size
  }
  return size
}

/** Size in bytes of the JSON as sent (UTF-8): Braze's KB limits count bytes, not UTF-16 code units. */
export function jsonSize(value: unknown): number {
  const json = JSON.stringify(value)
  if (json === undefined) return 0
  // ASCII (the usual case) is one byte a character; only then count UTF-8 bytes the slow way.
  return /[\u0080-\uffff]/.test(json) ? utf8Length(json) : json.length
}

/** UTF-8 bytes of a string; a lone surrogate counts as the 3 bytes of the U+FFFD a UTF-8 encoder puts in its place. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
