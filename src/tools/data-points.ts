// An estimate of the Braze data points a request consumes, from Braze's
// published data-point billing rules (https://www.braze.com/docs/user_guide/data/infrastructure/data_points/). Pure: a request
// body in, counts out. Braze bills what it receives, changed or not, so this
// counts what was sent, not what changed.
//
// Rules, per /users/track body:
// - attributes objects: every attribute value counts 1, except the object's
//   identifier, the control keys (`_update_existing_only`, `_merge_objects`)
//   and `email_subscribe`, `push_subscribe`, `subscription_groups`,
//   `push_tokens`. A nested object counts each of its keys, recursively. An
//   array set whole counts 1; `{"add": [...]}` / `{"remove": [...]}` count 1
//   per value; `{"inc": n}` counts 1; a date inside a nested object
//   (`{"$time": …}`) counts 1.
// - `null` (unsetting an attribute) counts 1. This is our reading: Braze's
//   pages don't say whether an unset is billed; it is a write of a value, so
//   we count it rather than under-estimate.
// - each event: 1 + 1 per property (top-level keys of `properties`), except
//   Braze's six recommended eCommerce events (`ecommerce.product_viewed`, …),
//   which cost nothing: "eCommerce events don't consume data points."
//   (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/)
// - each purchase: 1 + 1 per property (top-level keys of `properties`).
// - /users/identify, /users/merge, /users/delete, /users/alias/new: 0
//   (identifiers and deletions are not billed).
import { isRecommendedEvent } from './embedded-braze/ecommerce-rules'

export interface DataPoints {
  attributes: number
  events: number
  purchases: number
  total: number
}

/** Keys that identify the user: never billed. */
const IDENTIFIER_KEYS = ['external_id', 'user_alias', 'braze_id'] as const
/** Keys that steer processing or are named free by Braze. */
const FREE_KEYS = new Set([
  '_update_existing_only',
  '_merge_objects',
  'email_subscribe',
  'push_subscribe',
  'subscription_groups',
  'push_tokens'
])
const ARRAY_EDIT_KEYS = new Set(['add', 'remove'])

const NO_DATA_POINTS: Readonly<DataPoints> = Object.freeze({ attributes: 0, events: 0, purchases: 0, total: 0 })

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Data points of one request, by endpoint path (e.g. `/users/track`). `body` may be the JSON text. */
export function estimateRequestDataPoints(path: string, body: unknown): DataPoints {
  if (path !== '/users/track') return { ...NO_DATA_POINTS }
  return estimateTrackDataPoints(body)
}

/** Data points of one /users/track body (parsed, or its JSON text). Unusable input counts 0. */
export function estimateTrackDataPoints(body: unknown): DataPoints {
  const parsed = typeof body === 'string' ? parseJson(body) : body
  if (!isPlainObject(parsed)) return { ...NO_DATA_POINTS }
  const attributes = sum(asArray(parsed.attributes), attributesObjectPoints)
  const events = sum(asArray(parsed.events), (event) => (isPlainObject(event) && isRecommendedEvent(event.name) ? 0 : eventPoints(event)))
  const purchases = sum(asArray(parsed.purchases), eventPoints)
  return { attributes, events, purchases, total: attributes + events + purchases }
}

/** One attributes object. */
export function attributesObjectPoints(object: unknown): number {
  if (!isPlainObject(object)) return 0
  const identifier = identifierKey(object)
  let points = 0
  for (const [key, value] of Object.entries(object)) {
    if (key === identifier || FREE_KEYS.has(key)) continue
    points += valuePoints(value)
  }
  return points
}

/**
 * An event or a purchase: 1 for the object, 1 per top-level property. The
 * object's own fields (name, time, product_id, price, …) are not properties.
 */
export function eventPoints(object: unknown): number {
  if (!isPlainObject(object)) return 0
  return 1 + (isPlainObject(object.properties) ? Object.keys(object.properties).length : 0)
}

/** What setting one attribute to `value` costs. */
export function valuePoints(value: unknown): number {
  if (Array.isArray(value)) return 1
  if (!isPlainObject(value)) return 1 // string, number, boolean, null
  const keys = Object.keys(value)
  if (keys.length > 0 && keys.every((key) => ARRAY_EDIT_KEYS.has(key)) && keys.every((key) => Array.isArray(value[key]))) {
    return keys.reduce((points, key) => points + (value[key] as unknown[]).length, 0)
  }
  if (keys.length === 1 && (keys[0] === 'inc' || keys[0] === '$time')) return 1
  // A nested custom attribute: each key is a value of its own. `{}` still writes one value.
  if (keys.length === 0) return 1
  return keys.reduce((points, key) => points + valuePoints(value[key]), 0)
}

/**
 * The key Braze reads as the object's identifier: external_id, user_alias or
 * braze_id; email or phone only when none of those is present (then they
 * identify and are not billed; otherwise they are standard attributes).
 */
function identifierKey(object: Record<string, unknown>): string | undefined {
  const primary = IDENTIFIER_KEYS.find((key) => object[key] !== undefined)
  if (primary) return primary
  if (object.email !== undefined) return 'email'
  if (object.phone !== undefined) return 'phone'
  return undefined
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function sum(items: unknown[], points: (item: unknown) => number): number {
  let total = 0
  for (const item of items) total += points(item)
  return total
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function addDataPoints(into: DataPoints, more: DataPoints): DataPoints {
  into.attributes += more.attributes
  into.events += more.events
  into.purchases += more.purchases
  into.total += more.total
  return into
}
