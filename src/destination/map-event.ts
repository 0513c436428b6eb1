// The pure heart of the function: one Segment event in, an EventPlan (what to
// ask of Braze) or a Problem (why not) out. No I/O, no clock beyond `now`.
import { attributesBase, identifyMemberships, mapTraits } from './attributes'
import { MAX_KEY_LENGTH } from './braze-limits'
import {
  identifierObject,
  type BrazeAttributes,
  type BrazeEvent,
  type BrazeIdentifier,
  type BrazePurchase,
  type JsonObject
} from './braze-types'
import { CONTACT_PATHS, contactProblem, userPaths, validEmail, validPhone } from './contact'
import { ecommerceRoute, mapEcommerce } from './ecommerce'
import { audienceArrayUpdate, engageContext, isExit, isMembership, memberships } from './engage'
import { isProblem, problem, type Problem } from './errors'
import { toEventProperties } from './event-properties'
import { brazeTime, eventEpoch, timestampWarning } from './event-time'
import { aliasFor, earlierProfiles, externalIdProblem, resolveIdentifier, updateExistingOnlyFlag } from './identity'
import { emptyPlan, type EventPlan } from './plan'
import { mapPurchases } from './purchases'
import { cutString } from './values'
import { dict, isDict, nonBlank, path, type SegmentEvent } from './segment-event'
import type { Settings } from './settings'

export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias' | 'delete'
export const EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias', 'delete']

/** `asType`: the handler Segment picked (onTrack treats its event as a track, whatever `type` says). */
export function mapEvent(raw: unknown, settings: Settings, now: () => number = Date.now, asType?: EventType): EventPlan | Problem {
  if (!isDict(raw)) return problem('InvalidEventPayload', 'The event is not a JSON object.')
  const type = asType ?? raw.type
  switch (type) {
    case 'identify': {
      const members = identifyMemberships(raw)
      return withIdentifier(raw, settings, (identifier, plan, effective) => mapIdentify(raw, identifier, effective, plan, members), members)
    }
    case 'track': {
      const members = trackMemberships(raw)
      return withIdentifier(
        raw,
        settings,
        (identifier, plan, effective) => mapTrack(raw, identifier, effective, plan, now, members),
        members
      )
    }
    case 'page':
    case 'screen':
      return mapView(raw, type, settings, now)
    case 'group':
      // Engage sends account-level audiences and traits as one group call per account, and account-level SQL traits
      // that return a user_id fire "a Group call which Segment uses to add users to groups in destinations"
      // (https://segment.com/docs/engage/audiences/account-audiences/). Braze has no accounts: a call for a user
      // becomes that user's group attribute like any group call; a call for the account alone has nowhere to go.
      if (engageContext(raw) && nonBlank(raw.userId) === undefined && nonBlank(raw.anonymousId) === undefined)
        return problem(
          'EventNotSupported',
          "Engage's account-level group call names no user, and Braze has no accounts. Connect the account audience or trait to this destination with identify or track calls, which Engage sends for each user of the account."
        )
      return withIdentifier(raw, settings, (identifier, plan, effective) => mapGroup(raw, identifier, effective, plan))
    case 'alias':
      return mapAlias(raw, settings)
    case 'delete':
      return mapDelete(raw, settings)
    default:
      return problem(
        'EventNotSupported',
        type === undefined || type === null
          ? 'This event has no "type": the Braze destination function takes identify, track, page, screen, group, alias and delete.'
          : `Event type ${JSON.stringify(String(type)).slice(0, 40)} is not supported by the Braze destination function.`
      )
  }
}

/** `members`: the Engage audience memberships the event carries (an exit has only `false` ones). */
function withIdentifier(
  event: SegmentEvent,
  settings: Settings,
  build: (identifier: BrazeIdentifier, plan: EventPlan, settings: Settings) => Problem | void,
  members: Array<[string, boolean]> = []
): EventPlan | Problem {
  const identifier = resolveIdentifier(event, settings)
  if (isProblem(identifier)) return identifier
  const plan = emptyPlan([...shapeWarnings(event), ...contactWarnings(event)], eventEpoch(event), messageIdOf(event))
  if (engageContext(event)) plan.engage = true
  // Engage makes "one API call per identifier" of a profile (https://segment.com/docs/engage/using-engage-data/):
  // the anonymousId's call goes to an alias profile Braze may have merged into the user long ago. It updates that
  // profile where Braze still has it and never creates one, which would split the person again. So does the exit
  // of an email or phone: Braze creates a profile for one no profile holds (a user's former email), and an exit
  // has nothing to take off a profile that does not exist. Nor has a SQL trait's leave, null in every column.
  const contactExit = ('email' in identifier || 'phone' in identifier) && (isExit(members) || leavesTraits(event))
  const effective = plan.engage && ('user_alias' in identifier || contactExit) ? { ...settings, updateExistingOnly: true } : settings
  const failed = build(identifier, plan, effective)
  if (failed) return failed
  const late = plan.events.length + plan.purchases.length > 0 ? timestampWarning(event) : undefined
  if (late) plan.warnings.push(late)
  return plan
}

/**
 * An identify whose traits are all null, but for the email and phone that key it: what a SQL trait sends
 * when the user leaves its result set (https://segment.com/docs/unify/Traits/sql-traits/).
 */
function leavesTraits(event: SegmentEvent): boolean {
  if (event.type !== 'identify') return false
  const values = Object.entries(dict(event.traits) ?? {}).flatMap(([key, value]) => (key === 'email' || key === 'phone' ? [] : [value]))
  return values.length > 0 && values.every((value) => value === null)
}

function messageIdOf(event: SegmentEvent): string | undefined {
  return nonBlank(event.messageId)
}

/** `traits` or `properties` that is not an object is read as empty, and said so. */
function shapeWarnings(event: SegmentEvent): string[] {
  const warnings: string[] = []
  for (const key of ['traits', 'properties'] as const) {
    const value = event[key]
    if (value === undefined || value === null || isDict(value)) continue
    warnings.push(`"${key}" was ignored: it is ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object.`)
  }
  return warnings
}

/** One warning per malformed email or phone: it neither identifies the user nor becomes an attribute. */
function contactWarnings(event: SegmentEvent): string[] {
  const warnings: string[] = []
  for (const kind of ['email', 'phone'] as const) {
    for (const keys of userPaths(event, CONTACT_PATHS[kind])) {
      const reason = contactProblem(kind, path(event, ...keys))
      if (reason) warnings.push(`${keys.join('.')} was ignored: ${reason}.`)
    }
  }
  return warnings
}

/** `members`: identifyMemberships(event). */
function mapIdentify(
  event: SegmentEvent,
  identifier: BrazeIdentifier,
  settings: Settings,
  plan: EventPlan,
  members: Array<[string, boolean]>
): void {
  const attributes = mapTraits(event, identifier, settings, plan.warnings)
  if ('external_id' in identifier) plan.merges.push(...earlierProfiles(event, identifier.external_id, attributes, settings))
  // An exit still merges the lead of the email it names (the person's, once), but does not make it the user's email.
  if (isExit(members)) for (const kind of ['email', 'phone'] as const) if (!(kind in identifier)) delete attributes[kind]
  // A SQL trait sends null for each of its columns when the user leaves its result set
  // (https://segment.com/docs/unify/Traits/sql-traits/): a column holding the email or phone must not
  // take from Braze the address it messages the user at.
  if (plan.engage)
    for (const kind of ['email', 'phone'] as const)
      if (attributes[kind] === null) {
        delete attributes[kind]
        plan.warnings.push(`trait "${kind}" null was not sent: an Engage payload never removes the user's ${kind}.`)
      }
  plan.attributes.push(attributes)
}

function mapTrack(
  event: SegmentEvent,
  identifier: BrazeIdentifier,
  settings: Settings,
  plan: EventPlan,
  now: () => number,
  members: Array<[string, boolean]>
): Problem | void {
  // Trimmed, as purchaseEvents and eCommerce names are matched: Braze tells event names apart to the character.
  const name = nonBlank(event.event)?.trim()
  if (name === undefined) return problem('InvalidEventPayload', 'A track call needs an "event" name; this one has none.')
  const properties = dict(event.properties) ?? {}
  const time = brazeTime(plan.epoch, now)

  // ecommerceMode (README, "ecommerceMode: which one to choose"): spec eCommerce events become recommended events unless "purchases";
  // purchaseEvents makes purchases, except of those spec events in "recommended".
  const route = settings.ecommerceMode === 'purchases' ? undefined : ecommerceRoute(name)
  const purchase = settings.purchaseEvents.includes(name.trim().toLowerCase()) && !(route && settings.ecommerceMode === 'recommended')
  // Engage sends no orders, but the names of its tracks are the customer's to choose (an audience's "Audience
  // Entered", a Journey step's event: https://segment.com/docs/engage/using-engage-data/,
  // https://segment.com/docs/engage/journeys/v2/event-triggered-journeys-steps/): one named "Order Completed"
  // is an Engage event all the same, and stays a custom event.
  const engage = engageContext(event)
  if (!engage && (route || purchase)) {
    const recommended = route && mapEcommerce({ route, name, properties, event }, plan.warnings)
    const purchases = purchase
      ? mapPurchases(
          { identifier, properties, time, appId: settings.appId, eventName: name, updateExistingOnly: settings.updateExistingOnly },
          plan.warnings
        )
      : undefined
    // In "both", one that fails doesn't hold back the other: it is reported as a warning.
    const failures = [recommended, purchases].filter(isProblem)
    const succeeded = [recommended, purchases].filter((result) => result !== undefined && !isProblem(result))
    if (succeeded.length === 0) return failures[0]
    for (const failure of failures) plan.warnings.push(failure.message)
    if (recommended && !isProblem(recommended))
      plan.events.push(customEvent(identifier, recommended.name, time, settings, recommended.properties))
    if (purchases && !isProblem(purchases)) {
      plan.purchases.push(...(purchases as BrazePurchase[]))
      if (recommended && !isProblem(recommended)) plan.purchasesOptional = true
      // "When using a user_alias, 'Update Only' mode is always true" for purchases
      // (https://www.braze.com/docs/api/objects_filters/purchase_object/): an anonymous visitor's first order
      // would be dropped. An attributes object, which Braze processes first in a request
      // (https://www.braze.com/docs/api/api_limits/, "1. Attributes 2. Events 3. Purchases"), creates the alias profile.
      // Not when objects may only update a profile that exists (updateExistingOnly).
      if ('user_alias' in identifier && !settings.updateExistingOnly) plan.attributes.push(attributesBase(identifier, settings))
    }
    return
  }

  // Journey v1 sends membership as "true": Braze should see a boolean property.
  const normalized = members.length > 0 ? { ...properties, ...Object.fromEntries(members) } : properties
  const mapped = toEventProperties(normalized, plan.warnings, `"${name.slice(0, 64)}" event`)
  if ('problem' in mapped) return mapped.problem
  plan.events.push(customEvent(identifier, eventName(name, plan.warnings), time, settings, mapped.properties))

  const update = settings.audienceAttribute ? audienceArrayUpdate(members) : undefined
  // Engage makes one call per identifier (withIdentifier): the userId's call names the profile's email in
  // context.traits (https://segment.com/docs/engage/using-engage-data/). Set on the user, that email is where the
  // email's own call (no userId) lands in Braze, rather than on a new email-only profile; a lead that call created
  // first is merged, as at an identify. An exit merges that lead too, but does not set the email (isExit).
  const contact = engage && 'external_id' in identifier ? engageContact(event) : undefined
  const sets = isExit(members) ? undefined : contact
  if ((update && settings.audienceAttribute) || sets) {
    const attributes: BrazeAttributes = { ...attributesBase(identifier, settings), ...sets }
    if (update && settings.audienceAttribute) attributes[settings.audienceAttribute] = update
    plan.attributes.push(attributes)
  }
  if (contact && 'external_id' in identifier) {
    plan.merges.push(...earlierProfiles(event, identifier.external_id, contact, settings))
    plan.mergesBestEffort = true
  }
}

/** The audience memberships of an Engage track: in its properties, under computation_key or audience_key. */
function trackMemberships(event: SegmentEvent): Array<[string, boolean]> {
  const engage = engageContext(event)
  if (!engage || !isMembership(engage)) return []
  const properties = dict(event.properties) ?? {}
  return memberships(properties, engage, properties.audience_key)
}

/** The email and phone an Engage track call carries in context.traits, where Braze would take them. */
function engageContact(event: SegmentEvent): { email?: string; phone?: string } | undefined {
  const email = validEmail(path(event, 'context', 'traits', 'email'))
  const phone = validPhone(path(event, 'context', 'traits', 'phone'))
  if (email === undefined && phone === undefined) return undefined
  return { ...(email !== undefined && { email }), ...(phone !== undefined && { phone }) }
}

/** Braze's 255-character limit applies to event names as to any string: cut, as Braze would, but say so. */
function eventName(name: string, warnings: string[]): string {
  return cutString(name, { warnings, label: 'the event name', mode: 'property' })
}

function customEvent(
  identifier: BrazeIdentifier,
  name: string,
  time: string,
  settings: Settings,
  properties: JsonObject | undefined
): BrazeEvent {
  const event = identifierObject(identifier)
  if (settings.appId) event.app_id = settings.appId
  event.name = name
  event.time = time
  if (properties) event.properties = properties
  const updateExistingOnly = updateExistingOnlyFlag(identifier, settings)
  if (updateExistingOnly !== undefined) event._update_existing_only = updateExistingOnly
  return event as BrazeEvent
}

function viewName(event: SegmentEvent, type: 'page' | 'screen'): string {
  const name = nonBlank(event.name)?.trim()
  if (type === 'screen') return name ? `Viewed ${name} Screen` : 'Loaded a Screen'
  const category = nonBlank(event.category)?.trim()
  if (!name) return 'Loaded a Page'
  return category ? `Viewed ${category} ${name} Page` : `Viewed ${name} Page`
}

function mapView(event: SegmentEvent, type: 'page' | 'screen', settings: Settings, now: () => number): EventPlan | Problem {
  const enabled = type === 'page' ? settings.sendPageEvents : settings.sendScreenEvents
  if (!enabled) {
    const setting = type === 'page' ? 'sendPageEvents' : 'sendScreenEvents'
    return problem(
      'EventNotSupported',
      `${type} calls are not sent to Braze: turn on the "${setting}" setting to send them as custom events.`
    )
  }
  return withIdentifier(event, settings, (identifier, plan) => {
    const name = viewName(event, type)
    const mapped = toEventProperties(dict(event.properties) ?? {}, plan.warnings, `"${name.slice(0, 64)}" event`)
    if ('problem' in mapped) return mapped.problem
    plan.events.push(customEvent(identifier, eventName(name, plan.warnings), brazeTime(plan.epoch, now), settings, mapped.properties))
  })
}

function mapGroup(event: SegmentEvent, identifier: BrazeIdentifier, settings: Settings, plan: EventPlan): Problem | void {
  const groupId = nonBlank(event.groupId)?.trim()
  if (groupId === undefined) return problem('InvalidEventPayload', 'A group call needs a groupId; this one has none.')
  const key = `ab_segment_group_${groupId}`
  if (key.length > MAX_KEY_LENGTH) return problem('InvalidEventPayload', 'The groupId is too long to be a Braze attribute name.')
  const attributes = attributesBase(identifier, settings)
  attributes[key] = true
  plan.attributes.push(attributes)
  if (plan.engage)
    plan.warnings.push(
      "The account's audiences and traits in this Engage group call were not sent (Braze has no accounts); only the user's group attribute was. Connect them with identify or track calls, which Engage sends for each user of the account."
    )
}

/**
 * alias merges the profile `previousId` named into `userId`'s. previousId "might be an Anonymous ID
 * assigned to that user or a User ID you previously identified them with"
 * (https://segment.com/docs/connections/spec/alias/): equal to the event's anonymousId it is the
 * anonymous visitor; otherwise it may be either (a server-side alias carries no anonymousId; the spec's
 * example carries another one), so both profiles are merged (merging a profile that does not exist
 * changes nothing).
 */
function mapAlias(event: SegmentEvent, settings: Settings): EventPlan | Problem {
  const userId = nonBlank(event.userId)
  const previousId = nonBlank(event.previousId)
  if (userId === undefined || previousId === undefined) {
    return problem('InvalidEventPayload', 'An alias call needs both previousId and userId.')
  }
  const tooLong = externalIdProblem(userId, 'userId')
  if (tooLong) return tooLong
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event))
  if (previousId === userId) {
    plan.warnings.push('previousId equals userId: nothing to merge.')
    return plan
  }
  const keep = { external_id: userId }
  const anonymousId = nonBlank(event.anonymousId)
  const wasAnonymous = anonymousId === previousId
  const alias = aliasFor(previousId, settings)
  if (alias && 'user_alias' in alias) plan.merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep })
  else if (wasAnonymous)
    plan.warnings.push(
      'previousId is an anonymousId, and anonymous users are not sent to Braze without the anonymousAliasLabel setting: nothing to merge.'
    )
  // A previousId too long to be an external_id was never one.
  if (!wasAnonymous && !externalIdProblem(previousId, 'previousId'))
    plan.merges.push({ identifier_to_merge: { external_id: previousId }, identifier_to_keep: keep })
  // The profile to keep may not exist yet (an alias before any identify of the new userId): an attributes
  // object with only its external_id creates it, and the merge waits until Braze accepted that object.
  if (plan.merges.length > 0) plan.attributes.push(attributesBase(keep, settings))
  return plan
}

function mapDelete(event: SegmentEvent, settings: Settings): EventPlan | Problem {
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event))
  const userId = nonBlank(event.userId)
  if (userId !== undefined) {
    // A userId too long to be an external_id names no Braze user: nothing to delete.
    if (externalIdProblem(userId, 'userId')) plan.warnings.push('The userId is too long to be a Braze external_id: no Braze user has it.')
    else plan.deletes.push({ external_id: userId })
    return plan
  }
  const anonymousId = nonBlank(event.anonymousId)
  const alias = anonymousId === undefined ? undefined : aliasFor(anonymousId, settings)
  if (alias && 'user_alias' in alias) {
    plan.deletes.push({ user_alias: alias.user_alias })
    return plan
  }
  return problem('InvalidEventPayload', 'A delete call needs a userId (or an anonymousId with the anonymousAliasLabel setting).')
}
