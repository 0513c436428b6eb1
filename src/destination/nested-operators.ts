// Braze's operators on arrays of objects, passed through from a trait value
// such as {"$add": [{…}]}, when well formed. Braze processes them as
// "$add → $remove → $update"; $update merges only with `_merge_objects: true`
// on the attributes object (without it Braze overwrites the objects); and
// "When a nested custom attribute in your request contains any invalid values
// … Braze drops all nested custom attribute updates in the request", so a
// malformed operator is dropped here, whole, with a warning, and never
// reaches Braze.
// https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/
import { MAX_NESTED_ATTRIBUTE_BYTES, MAX_STRING_LENGTH } from './braze-limits'
import type { JsonObject, JsonValue } from './braze-types'
import { isDict, type Dict } from './segment-event'
import { badKey, fitsIn, toBrazeObject, type ValueContext } from './values'

const OPERATORS = new Set(['$add', '$remove', '$update'])

/** A trait value made only of operator keys: `{"$add": […]}`, `{"$remove": […], "$update": […]}`. */
export function isOperatorValue(value: unknown): value is Dict {
  if (!isDict(value)) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => OPERATORS.has(key))
}

/** The value to send, or why it is malformed. `mergeObjects`: the attributes object carries `_merge_objects: true`. */
export function operatorUpdate(value: Dict, context: ValueContext, mergeObjects: boolean): JsonObject | string {
  const out: JsonObject = {}
  for (const operator of Object.keys(value)) {
    const items = value[operator]
    if (!Array.isArray(items) || items.length === 0) return `${operator} takes a non-empty array`
    // Braze takes it, but "You must set _merge_objects to true, or your objects will be overwritten".
    if (operator === '$update' && !mergeObjects)
      context.warnings.push(
        `${context.label}: $update replaces each matched object with $new_object; send the trait "_merge_objects": true to merge them instead.`
      )
    const converted: JsonValue[] = []
    for (const item of items) {
      const one = operator === '$add' ? addedObject(item, context) : identifiedItem(operator, item, context)
      if (typeof one === 'string') return `${operator}: ${one}`
      converted.push(one)
    }
    out[operator] = converted
  }
  return fitsIn(out, MAX_NESTED_ATTRIBUTE_BYTES)
    ? out
    : `over Braze's ${MAX_NESTED_ATTRIBUTE_BYTES / 1024} KB limit for an array of objects`
}

function addedObject(item: unknown, context: ValueContext): JsonObject | string {
  if (!isDict(item)) return 'every item must be an object'
  const object = toBrazeObject(item, context, 1)
  return Object.keys(object).length > 0 ? object : 'an item has no valid key'
}

/** $remove: {$identifier_key, $identifier_value}; $update: the same plus $new_object. */
function identifiedItem(operator: string, item: unknown, context: ValueContext): JsonObject | string {
  const keys = operator === '$update' ? ['$identifier_key', '$identifier_value', '$new_object'] : ['$identifier_key', '$identifier_value']
  if (!isDict(item) || Object.keys(item).length !== keys.length || !keys.every((key) => key in item)) {
    return `every item must have exactly ${keys.join(', ')}`
  }
  const key = item.$identifier_key
  if (typeof key !== 'string' || badKey(key, true)) return '$identifier_key must be a valid nested key'
  const identifier = item.$identifier_value
  const scalar =
    (typeof identifier === 'string' && identifier.length <= MAX_STRING_LENGTH) ||
    typeof identifier === 'boolean' ||
    (typeof identifier === 'number' && Number.isFinite(identifier))
  if (!scalar) return '$identifier_value must be a string, number or boolean'
  const out: JsonObject = { $identifier_key: key, $identifier_value: identifier as string | number | boolean }
  if (operator === '$update') {
    if (!isDict(item.$new_object)) return '$new_object must be an object'
    out.$new_object = toBrazeObject(item.$new_object, context, 1)
  }
  return out
}
