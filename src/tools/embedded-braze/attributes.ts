// What Braze does to a profile's attributes when an attributes object
// arrives, as a pure function: old attributes + update in, new attributes out.
import { isPlainObject } from './identifier'

export type Attributes = Record<string, unknown>

/**
 * A profile's attributes live in prototype-less objects, which V8 keeps as
 * dictionaries: Engage gives every profile its own set of audience keys, and
 * ordinary objects would make a hidden class for each (measured: 26 of the
 * 70 MB 20,000 replayed profiles took). Also, "__proto__" is a key like any other.
 */
export function attributesOf(...sources: Attributes[]): Attributes {
  return Object.assign(Object.create(null) as Attributes, ...sources)
}

/**
 * Applies the attribute keys of one attributes object (identifier and control
 * keys already removed) in order. `mergeObjects` is the object's
 * `_merge_objects` flag: Braze replaces a nested custom attribute unless it is
 * set, in which case the new object is deep-merged into the stored one.
 */
export function applyAttributeUpdates(current: Attributes, updates: Attributes, mergeObjects = false): Attributes {
  const next = attributesOf(current)
  for (const [key, update] of Object.entries(updates)) {
    const value = nextValue(next[key], update, mergeObjects)
    if (value === undefined) delete next[key]
    else setOwn(next, key, value)
  }
  return next
}

/**
 * A nested custom attribute (an object, an array of objects, or Braze's
 * operators on one), as opposed to a plain value, a date or an array edit.
 */
export function isNestedUpdate(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isPlainObject)
  return isPlainObject(value) && !isArrayEdit(value) && !isIncrement(value) && !isTime(value)
}

/**
 * "When a nested custom attribute contains any invalid values (such as invalid time formats or null values),
 * Braze drops all nested custom attribute updates in the request"
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/): a null, or a `$time` that is no date,
 * anywhere inside one.
 */
export function hasInvalidNestedValue(value: unknown): boolean {
  const inside = (item: unknown): boolean => {
    if (item === null) return true
    if (Array.isArray(item)) return item.some(inside)
    if (!isPlainObject(item)) return false
    if ('$time' in item) return Object.keys(item).length === 1 && (typeof item.$time !== 'string' || Number.isNaN(Date.parse(item.$time)))
    return Object.values(item).some(inside)
  }
  if (!isNestedUpdate(value)) return false
  return Array.isArray(value) ? value.some(inside) : Object.values(value as Attributes).some(inside)
}

/** The value after one update; undefined means the attribute is unset. */
function nextValue(current: unknown, update: unknown, mergeObjects = false): unknown {
  if (update === null) return undefined
  if (isArrayEdit(update)) return editArray(current, update)
  if (isObjectArrayEdit(update)) return editObjectArray(current, update, mergeObjects)
  if (isIncrement(update)) return (typeof current === 'number' ? current : 0) + update.inc
  if (isPlainObject(update) && !isTime(update)) {
    const replacement = normaliseTimes(update) as Attributes
    return mergeObjects && isPlainObject(current) ? deepMerge(current, replacement) : replacement
  }
  if (Array.isArray(update) && update.every((item) => item === null || typeof item !== 'object')) return uniqueArray(update)
  return normaliseTimes(update)
}

/**
 * An array of values set whole: "only unique values are supported" (['hotdog', 'hotdog', 'pizza'] is stored as
 * ['hotdog', 'pizza']), and one over the maximum "will be truncated"
 * (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
 */
function uniqueArray(values: unknown[]): unknown[] {
  return [...new Map(values.map((item) => [JSON.stringify(item), item])).values()].slice(0, MAX_ARRAY_ITEMS)
}

interface ArrayEdit {
  add?: unknown[]
  remove?: unknown[]
}

/** `{"add": [...]}` and/or `{"remove": [...]}` and nothing else. */
function isArrayEdit(value: unknown): value is ArrayEdit {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => (key === 'add' || key === 'remove') && Array.isArray(value[key]))
}

interface Identified {
  $identifier_key: string
  $identifier_value: unknown
  $new_object?: Attributes
}

interface ObjectArrayEdit {
  $add?: unknown[]
  $remove?: Identified[]
  $update?: Identified[]
}

/**
 * Braze's operators on arrays of objects: `$add`, `$remove` and `$update`
 * (by `$identifier_key`/`$identifier_value`, with `$new_object`).
 * https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/
 */
function isObjectArrayEdit(value: unknown): value is ObjectArrayEdit {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => (key === '$add' || key === '$remove' || key === '$update') && Array.isArray(value[key]))
}

/**
 * "$add → $remove → $update"; $remove drops every object whose identifier
 * matches, $update merges into each with `_merge_objects: true`, and
 * otherwise replaces it: "You must set _merge_objects to true, or your
 * objects will be overwritten." (Our reading: the match becomes $new_object.)
 */
function editObjectArray(current: unknown, edit: ObjectArrayEdit, mergeObjects: boolean): unknown[] {
  const matches = (item: unknown, by: Identified) => isPlainObject(item) && item[by.$identifier_key] === by.$identifier_value
  let list = [...(Array.isArray(current) ? current : []), ...(edit.$add ?? []).map(normaliseTimes)]
  for (const by of edit.$remove ?? []) list = list.filter((item) => !matches(item, by))
  for (const by of edit.$update ?? []) {
    const update = normaliseTimes(by.$new_object ?? {}) as Attributes
    list = list.map((item) => (!matches(item, by) ? item : mergeObjects ? deepMerge(item as Attributes, update) : update))
  }
  return list
}

function isIncrement(value: unknown): value is { inc: number } {
  return isPlainObject(value) && Object.keys(value).length === 1 && typeof value.inc === 'number' && Number.isFinite(value.inc)
}

/** `{"$time": "<ISO 8601>"}`, Braze's date marker inside nested attributes. */
function isTime(value: unknown): value is { $time: string } {
  return isPlainObject(value) && Object.keys(value).length === 1 && typeof value.$time === 'string'
}

/** Braze keeps array values unique; adds come before removes, so a value in both ends up removed. */
/** Braze's default maximum length of an array attribute (https://www.braze.com/docs/user_guide/data/activation/custom_data/custom_attributes/#arrays). */
const MAX_ARRAY_ITEMS = 500

function editArray(current: unknown, edit: ArrayEdit): unknown[] {
  // Keyed by JSON, so large edits stay linear.
  const result = new Map<string, unknown>()
  for (const item of Array.isArray(current) ? current : []) result.set(JSON.stringify(item), item)
  // An added value already there "gets moved from its current position to the end of the array"; a full
  // array drops its first element (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
  for (const item of (edit.add ?? []).map(normaliseTimes)) {
    const key = JSON.stringify(item)
    result.delete(key)
    result.set(key, item)
    if (result.size > MAX_ARRAY_ITEMS) result.delete(result.keys().next().value!)
  }
  for (const item of (edit.remove ?? []).map(normaliseTimes)) result.delete(JSON.stringify(item))
  return [...result.values()]
}

/** Stores `{"$time": iso}` as the plain ISO string, at any depth. */
function normaliseTimes(value: unknown): unknown {
  if (isTime(value)) return value.$time
  if (Array.isArray(value)) return value.map(normaliseTimes)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normaliseTimes(item)]))
  }
  return value
}

/** (A null inside never gets here: it makes /users/track drop the request's nested updates, track.ts.) */
function deepMerge(current: Attributes, update: Attributes): Attributes {
  const merged: Attributes = { ...current }
  for (const [key, value] of Object.entries(update)) {
    const existing = merged[key]
    setOwn(merged, key, isPlainObject(value) && isPlainObject(existing) ? deepMerge(existing, value) : value)
  }
  return merged
}

/** Plain assignment of a key named "__proto__" would replace the prototype instead of storing it. */
function setOwn(target: Attributes, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Attributes of two profiles combined by /users/merge and /users/identify: the kept profile wins. */
export function mergeAttributes(kept: Attributes, merged: Attributes): Attributes {
  return attributesOf(merged, kept)
}
