// POST /users/track: validates with the pure rules, then applies the valid
// objects to the profile store in Braze's order (attributes, events,
// purchases).
import { type Answer, answer, badRequest } from './answer'
import { applyAttributeUpdates, hasInvalidNestedValue, isNestedUpdate } from './attributes'
import { type Identifier, isPlainObject } from './identifier'
import type { ProfileStore, StoredProfile } from './profiles'
import { ATTRIBUTE_CONTROL_KEYS } from '../../destination/braze-types'
import { TRACK_ARRAYS, type TrackArray, objectProblems, parseIdentifier, trackRequestProblem } from './rules'
import type { BrazeEvent, BrazePurchase } from './types'
import { mayCreateProfile } from './update-existing-only'

interface TrackError {
  type: string
  input_array: TrackArray
  index: number
}

interface ValidObject {
  object: Record<string, unknown>
  identifier: Identifier
  /** Keys that named the user; in an attributes object they are not attributes. */
  identifierKeys: string[]
}

export function handleTrack(store: ProfileStore, body: unknown, maxObjectsPerRequest: number): Answer {
  const problem = trackRequestProblem(body, maxObjectsPerRequest)
  if (problem || !isPlainObject(body)) return badRequest(problem?.message ?? 'Invalid request', problem?.errors)

  const errors: TrackError[] = []
  const valid: Record<TrackArray, ValidObject[]> = { attributes: [], events: [], purchases: [] }
  for (const array of TRACK_ARRAYS) {
    const objects = body[array]
    if (!Array.isArray(objects)) continue
    objects.forEach((object: unknown, index) => {
      const problems = objectProblems(array, object)
      const parsed = isPlainObject(object) ? parseIdentifier(object, array) : undefined
      if (problems.length > 0 || !isPlainObject(object) || !parsed?.identifier) {
        errors.push({ type: problems.join('; '), input_array: array, index })
      } else {
        valid[array].push({ object, identifier: parsed.identifier, identifierKeys: parsed.keys })
      }
    })
  }

  // One invalid value inside a nested custom attribute costs every nested update of the request (attributes.ts).
  const nestedDropped = valid.attributes.some(({ object, identifierKeys }) =>
    Object.entries(object).some(([key, value]) => !identifierKeys.includes(key) && hasInvalidNestedValue(value))
  )
  valid.attributes.forEach((item) => applyAttributesObject(store, item, nestedDropped))
  valid.events.forEach((item) => applyEvent(store, item))
  valid.purchases.forEach((item) => applyPurchase(store, item))

  const processed = Object.fromEntries(
    TRACK_ARRAYS.filter((array) => Array.isArray(body[array])).map((array) => [`${array}_processed`, valid[array].length])
  )
  // No valid object at all: Braze answers 400, still naming each refused object (answers recorded in the tests
  // of Segment's Braze (Actions) destination, __tests__/multistatus.test.ts, and of RudderStack's).
  if (errors.length > 0 && TRACK_ARRAYS.every((array) => valid[array].length === 0))
    return answer(400, { message: "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.", errors })
  return answer(201, { message: 'success', ...processed, ...(errors.length > 0 ? { errors } : {}) })
}

/**
 * The profile an object names, created when Braze would create it (see
 * update-existing-only.ts), and marked as updated.
 */
function profileFor(store: ProfileStore, array: TrackArray, { object, identifier }: ValidObject): StoredProfile | undefined {
  const found = store.findForUpdate(identifier)
  const flag = typeof object._update_existing_only === 'boolean' ? object._update_existing_only : undefined
  const profile = found ?? (mayCreateProfile(array, identifier, flag) ? store.create(identifier) : undefined)
  if (profile) store.touch(profile)
  return profile
}

function applyAttributesObject(store: ProfileStore, item: ValidObject, nestedDropped: boolean): void {
  const profile = profileFor(store, 'attributes', item)
  if (!profile) return
  const { object, identifierKeys } = item
  const updates = Object.fromEntries(
    Object.entries(object).filter(
      ([key, value]) => !identifierKeys.includes(key) && !ATTRIBUTE_CONTROL_KEYS.includes(key) && !(nestedDropped && isNestedUpdate(value))
    )
  )
  profile.attributes = applyAttributeUpdates(profile.attributes, updates, object._merge_objects === true)
  mirrorContactIdentifiers(store, profile, updates)
}

/**
 * Next to another identifier, email and phone are attributes; they are also
 * how Braze finds a user by email or phone afterwards.
 */
function mirrorContactIdentifiers(store: ProfileStore, profile: StoredProfile, updates: Record<string, unknown>): void {
  for (const kind of ['email', 'phone'] as const) {
    if (!(kind in updates)) continue
    const value = profile.attributes[kind]
    store.setContact(profile, kind, typeof value === 'string' && value.length > 0 ? value : undefined)
  }
}

function applyEvent(store: ProfileStore, item: ValidObject): void {
  const profile = profileFor(store, 'events', item)
  if (!profile) return
  const { object } = item
  const event: BrazeEvent = { name: String(object.name), time: String(object.time), ...optionalFields(object) }
  profile.events.record(store.nextSeq(), event.name, event)
}

function applyPurchase(store: ProfileStore, item: ValidObject): void {
  const profile = profileFor(store, 'purchases', item)
  if (!profile) return
  const { object } = item
  const purchase: BrazePurchase = {
    product_id: String(object.product_id),
    currency: String(object.currency),
    price: Number(object.price),
    quantity: typeof object.quantity === 'number' ? object.quantity : 1,
    time: String(object.time),
    ...optionalFields(object)
  }
  profile.purchases.record(store.nextSeq(), purchase.product_id, purchase)
}

function optionalFields(object: Record<string, unknown>): Pick<BrazeEvent, 'app_id' | 'properties'> {
  return {
    ...(typeof object.app_id === 'string' ? { app_id: object.app_id } : {}),
    // The history stores a JSON copy, so the recorded request and the profile never share objects.
    ...(isPlainObject(object.properties) ? { properties: object.properties } : {})
  }
}
