// Parsed settings for the pure mapping tests: the same parser the handlers use,
// so a test can never run with settings Segment could not produce.
import { isProblem, type Problem } from '../../src/destination/errors'
import { mapEvent } from '../../src/destination/map-event'
import type { EventPlan } from '../../src/destination/plan'
import { parseSettings, type Settings } from '../../src/destination/settings'

export const TEST_API_KEY = 'brz-test-key-0d5e8f1a-93b2-4c7e-b6a4-2f9c1e7d3a50'

/** Raw settings as Segment sends them: the two required ones plus `overrides`. */
export function rawSettings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiKey: TEST_API_KEY, dataCenter: 'US-01', ...overrides }
}

/** Parsed `Settings`; throws (failing the test) when the overrides are invalid. */
export function settingsFor(overrides: Record<string, unknown> = {}): Settings {
  const parsed = parseSettings(rawSettings(overrides))
  if ('problem' in parsed) throw new Error(`test settings are invalid: ${parsed.problem.message}`)
  return parsed.settings
}

/** A fixed clock for events without a usable time field. */
const NOW = Date.parse('2024-05-01T12:00:00.000Z')
export const NOW_ISO = new Date(NOW).toISOString()
export const now = (): number => NOW

/** `mapEvent` that must produce a plan; the test fails with the problem's message otherwise. */
export function planFor(event: unknown, overrides: Record<string, unknown> = {}): EventPlan {
  const result = mapEvent(event, settingsFor(overrides), now)
  if (isProblem(result)) throw new Error(`expected a plan, got ${result.kind}: ${result.message}`)
  return result
}

/** `mapEvent` that must produce a Problem. */
export function problemFor(event: unknown, overrides: Record<string, unknown> = {}): Problem {
  const result = mapEvent(event, settingsFor(overrides), now)
  if (!isProblem(result)) throw new Error(`expected a problem, got a plan: ${JSON.stringify(result)}`)
  return result
}

/** An EventPlan with everything empty but what `parts` says: for whole-plan toEqual. */
export function plan(parts: Partial<EventPlan> = {}): EventPlan {
  return {
    attributes: [],
    events: [],
    purchases: [],
    merges: [],
    deletes: [],
    warnings: [],
    epoch: undefined,
    messageId: undefined,
    ...parts
  }
}

/** The plan of an Engage payload (context.personas). */
export function engagePlan(parts: Partial<EventPlan> = {}): EventPlan {
  return plan({ ...parts, engage: true })
}
