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
 * The membership of an audience payload: its key and boolean value. The key
 * is `computation_key` (or `audience_key` on track). When the payload doesn't
 * hold that key (Segment's examples show `computation_key: "j_o_###"` beside
 * the trait `recent_buyer`, and Journey v1 steps as
 * `j_o_first_purchase__opened_email_dje83h`), the one entry under the key's
 * `__` prefix, else the one boolean-valued entry, is the membership; with
 * several (Trait Enrichment adds the profile's own traits:
 * https://segment.com/docs/engage/trait-activation/trait-enrichment/) none
 * is, and they go as they are. A Journeys v2 step carries no membership flag,
 * only the journey's context and chosen traits
 * (https://segment.com/docs/engage/journeys/v2/event-triggered-journeys-steps/).
 */
export function memberships(
  values: Dict,
  context: EngageContext,
  extraKey?: unknown,
  eligible: (key: string) => boolean = () => true
): Array<[string, boolean]> {
  const candidates = [context.computationKey, typeof extraKey === 'string' ? extraKey : undefined]
  for (const key of candidates) {
    // A key Braze can't take as an attribute name ("$x", over 255 characters…) is no membership.
    if (key === undefined || badKey(key, false) !== undefined || !eligible(key)) continue
    const value = membershipValue(field(values, key))
    if (value !== undefined) return [[key, value]]
  }
  if (context.computationClass === 'journey_step') return []
  const found: Array<[string, boolean]> = []
  for (const key of Object.keys(values)) {
    if (badKey(key, false) !== undefined || !eligible(key)) continue
    const value = membershipValue(values[key])
    if (value !== undefined) found.push([key, value])
  }
  const prefix = context.computationKey === undefined ? undefined : `${context.computationKey}__`
  const stepKeys = prefix === undefined ? [] : found.filter(([key]) => key.startsWith(prefix))
  if (stepKeys.length === 1) return stepKeys
  return found.length === 1 ? found : []
}

/**
 * An audience exit: every membership false. Engage sends exits to "all ID combinations", whatever ID
 * Sync's strategy (https://segment.com/docs/engage/trait-activation/id-sync/): the emails and phones
 * they carry may be any the profile ever had, so an exit never sets them.
 */
export function isExit(memberships: Array<[string, boolean]>): boolean {
  return memberships.length > 0 && memberships.every(([, member]) => !member)
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
