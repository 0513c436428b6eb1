import type { JsonObject } from './braze-types'
import { problem, type Problem } from './errors'
import { badKey, fitsIn, jsonSize, toBrazeValue } from './values'

/** Braze's safe bound for one event's or purchase's properties (braze-api.md: 50 KB). */
export const MAX_PROPERTIES_BYTES = 50 * 1024

/** Keys Braze reserves inside properties; sending them fails the object (braze-api.md). */
const RESERVED_PROPERTY_KEYS = new Map([
  ['time', 'segment_time'],
  ['event_name', 'segment_event_name']
])

/**
 * Wrapped, so that properties which happen to hold `kind` and `message` keys
 * can never be mistaken for a Problem by the structural `isProblem` check.
 */
export type EventPropertiesResult = { properties: JsonObject | undefined } | { problem: Problem }

/** Segment properties → Braze event properties, or a problem when Braze would refuse them whatever we drop. */
export function toEventProperties(source: Record<string, unknown>, warnings: string[], what: string): EventPropertiesResult {
  const properties = convertProperties(source, warnings)
  if (properties === undefined) return { properties }
  const problem = fitsIn(properties, MAX_PROPERTIES_BYTES) ? undefined : sizeProblem(jsonSize(properties), what)
  return problem ? { problem } : { properties }
}

/** Key renames and value rules only; undefined when nothing is left. */
export function convertProperties(source: Record<string, unknown>, warnings: string[], skip?: ReadonlySet<string>): JsonObject | undefined {
  const out: JsonObject = {}
  let count = 0
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue
    const target = RESERVED_PROPERTY_KEYS.get(key) ?? key
    const reason = badKey(target, false)
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

export function sizeProblem(bytes: number, what: string): Problem | undefined {
  if (bytes <= MAX_PROPERTIES_BYTES) return undefined
  return problem(
    'InvalidEventPayload',
    `The ${what} properties are ${Math.ceil(bytes / 1024)} KB; Braze accepts at most ${MAX_PROPERTIES_BYTES / 1024} KB per event. Send fewer or smaller properties.`
  )
}
