// Segment Engage (Personas) payloads (https://segment.com/docs/engage/using-engage-data/). Membership is read
// from `context.personas`, never from the event name: Engage lets customers
// rename "Audience Entered"/"Audience Exited" per connection.
import { field, path, type Dict, type SegmentEvent } from './segment-event'
import { badKey } from './values'

type ComputationClass = 'audience' | 'journey_step' | 'trait' | 'other'

export interface EngageContext {
  computationClass: ComputationClass
  computationKey: string | undefined
}

export function engageContext(event: SegmentEvent): EngageContext | undefined {
  const personas = path(event, 'context', 'personas')
  if (personas === undefined || personas === null || typeof personas !== 'object') return undefined
  const raw = field(personas, 'computation_class')
  const computationClass: ComputationClass = raw === 'audience' || raw === 'journey_step' || raw === 'trait' ? raw : 'other'
  const key = field(personas, 'computation_key')
  return { computationClass, computationKey: typeof key === 'string' && key !== '' ? key : undefined }
}

export function isMembership(context: EngageContext | undefined): boolean {
  return context?.computationClass === 'audience' || context?.computationClass === 'journey_step'
}

/** Journey v1 docs show membership as the string "true": Braze must get a boolean to segment on it. */
function membershipValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

/**
 * The membership keys of an audience payload with their boolean values. The
 * key is `computation_key` (or `audience_key` on track); when the payload
 * doesn't hold that key (the docs' placeholder examples), every
 * boolean-valued entry counts as membership.
 */
export function memberships(values: Dict, context: EngageContext, extraKey?: unknown): Array<[string, boolean]> {
  const candidates = [context.computationKey, typeof extraKey === 'string' ? extraKey : undefined]
  for (const key of candidates) {
    // A key Braze can't take as an attribute name ("$x", over 255 characters…) is no membership.
    if (key === undefined || badKey(key, false) !== undefined) continue
    const value = membershipValue(field(values, key))
    if (value !== undefined) return [[key, value]]
  }
  const found: Array<[string, boolean]> = []
  for (const key of Object.keys(values)) {
    if (badKey(key, false) !== undefined) continue
    const value = membershipValue(values[key])
    if (value !== undefined) found.push([key, value])
  }
  return found
}

/** `{"<audienceAttribute>": {"add": [...]}, ...}`: keeps a Braze array of the user's audiences. */
export function audienceArrayUpdate(memberships: Array<[string, boolean]>): { add?: string[]; remove?: string[] } | undefined {
  const add = memberships.filter(([, member]) => member).map(([key]) => key)
  const remove = memberships.filter(([, member]) => !member).map(([key]) => key)
  if (add.length === 0 && remove.length === 0) return undefined
  const update: { add?: string[]; remove?: string[] } = {}
  if (add.length > 0) update.add = add
  if (remove.length > 0) update.remove = remove
  return update
}
