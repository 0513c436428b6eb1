// Segment properties → Braze event and purchase properties: reserved keys
// renamed, values Braze refuses dropped with a warning, and the size limits
// (https://www.braze.com/docs/api/objects_filters/event_object/).
import {
  MAX_CAPTURED_PROPERTIES,
  MAX_EVENT_PROPERTIES_BYTES,
  MAX_PURCHASE_PROPERTIES_BYTES,
  RESERVED_PROPERTY_KEYS,
  RESERVED_PURCHASE_PROPERTY_KEYS
} from './braze-limits'
import type { JsonObject } from './braze-types'
import { problem, type Problem } from './errors'
import { badKey, fitsIn, jsonSize, toBrazeValue } from './values'

/** Braze's reserved property keys, renamed rather than dropped: the value is still the user's. */
const renamed = (keys: readonly string[]) => new Map(keys.map((key) => [key, `segment_${key}`]))
const RENAMED_KEYS = { event: renamed(RESERVED_PROPERTY_KEYS), purchase: renamed(RESERVED_PURCHASE_PROPERTY_KEYS) }

/**
 * Wrapped, so that properties which happen to hold `kind` and `message` keys
 * can never be mistaken for a Problem by the structural `isProblem` check.
 */
export type EventPropertiesResult = { properties: JsonObject | undefined } | { problem: Problem }

/** Segment properties → Braze event properties, or a problem when Braze would refuse them whatever we drop. */
export function toEventProperties(source: Record<string, unknown>, warnings: string[], what: string): EventPropertiesResult {
  const properties = convertProperties(source, warnings)
  if (properties === undefined) return { properties }
  const problem = sizeProblem(properties, what, 'event')
  if (problem) return { problem }
  warnUncaptured(properties, what, warnings)
  return { properties }
}

/** Braze keeps the first 256 properties of an event or purchase and drops the rest: said, since nothing else would. */
export function warnUncaptured(properties: JsonObject, what: string, warnings: string[]): void {
  const count = Object.keys(properties).length
  if (count > MAX_CAPTURED_PROPERTIES)
    warnings.push(
      `The ${what} has ${count} properties: Braze captures only the first ${MAX_CAPTURED_PROPERTIES} of an event or purchase, so "${Object.keys(properties)[MAX_CAPTURED_PROPERTIES]!.slice(0, 64)}" and those after it will not be usable there.`
    )
}

/** Key renames and value rules only; undefined when nothing is left. */
export function convertProperties(
  source: Record<string, unknown>,
  warnings: string[],
  skip?: ReadonlySet<string>,
  object: 'event' | 'purchase' = 'event',
  /** Names the properties this one is merged with hold, which a renamed key must not take either. */
  taken?: { has(key: string): boolean }
): JsonObject | undefined {
  const out: JsonObject = {}
  let count = 0
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue
    let target = RENAMED_KEYS[object].get(key) ?? key
    // A renamed key never takes the place of a property of that name: {time, segment_time} keeps both.
    if (target !== key)
      while (Object.prototype.hasOwnProperty.call(source, target) || target in out || taken?.has(target)) target = `segment_${target}`
    const reason = badKey(target, false, true)
    if (reason) {
      warnings.push(`property "${key.slice(0, 64)}" was dropped: ${reason}.`)
      continue
    }
    const value = toBrazeValue(source[key], { warnings, label: `property "${key}"`, mode: 'property' })
    if (value === undefined) continue
    out[target] = value
    count++
  }
  return count === 0 ? undefined : out
}

/** Braze bounds event and purchase properties differently (braze-limits.ts). */
export function sizeProblem(properties: JsonObject, what: string, object: 'event' | 'purchase'): Problem | undefined {
  const limit = object === 'event' ? MAX_EVENT_PROPERTIES_BYTES : MAX_PURCHASE_PROPERTIES_BYTES
  if (fitsIn(properties, limit)) return undefined
  return problem(
    'InvalidEventPayload',
    `The ${what} properties are ${Math.ceil(jsonSize(properties) / 1024)} KB; Braze accepts at most ${limit / 1024} KB per ${object}. Send fewer or smaller properties.`
  )
}
