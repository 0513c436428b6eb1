// POST /users/track: validates with the pure rules, then applies the valid
// objects to the profile store in Braze's order (attributes, events,
// purchases).
import { type Answer, answer, badRequest } from './answer'
import { applyAttributeUpdates } from './attributes'
import { type Identifier, isPlainObject } from './identifier'
import type { ProfileStore } from './profiles'
import {
  ATTRIBUTE_CONTROL_KEYS,
  TRACK_ARRAYS,
  type TrackArray,
  objectProblems,
  parseIdentifier,
  trackRequestProblem
} from './rules'
import type { BrazeProfile, BrazeEvent, BrazePurchase } from './types'

export interface TrackError {
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

  valid.attributes.forEach((item) => applyAttributesObject(store, item))
  valid.events.forEach((item) => applyEvent(store, item))
  valid.purchases.forEach((item) => applyPurchase(store, item))

  const processed = Object.fromEntries(
    TRACK_ARRAYS.filter((array) => Array.isArray(body[array])).map((array) => [
      `${array}_processed`,
      valid[array].length
    ])
  )
  return answer(201, { message: 'success', ...processed, ...(errors.length > 0 ? { errors } : {}) })
}

/** Braze defaults `_update_existing_only` to true for alias objects: they never create a profile by accident. */
function applyAttributesObject(store: ProfileStore, { object, identifier, identifierKeys }: ValidObject): void {
  const updateExistingOnly = object._update_existing_only ?? (identifier.kind === 'user_alias')
  const profile = store.findOrCreate(identifier, updateExistingOnly === true)
  if (!profile) return
  const updates = Object.fromEntries(
    Object.entries(object).filter(([key]) => !identifierKeys.includes(key) && !ATTRIBUTE_CONTROL_KEYS.includes(key))
  )
  profile.attributes = applyAttributeUpdates(profile.attributes, updates, object._merge_objects === true)
  mirrorContactIdentifiers(profile, updates)
}

/** The email and phone attributes are also how Braze finds a user by email or phone. */
function mirrorContactIdentifiers(profile: BrazeProfile, updates: Record<string, unknown>): void {
  for (const key of ['email', 'phone'] as const) {
    if (!(key in updates)) continue
    const value = profile.attributes[key]
    if (typeof value === 'string' && value.length > 0) profile.identifiers[key] = value
    else delete profile.identifiers[key]
  }
}

function profileFor(store: ProfileStore, { object, identifier }: ValidObject): BrazeProfile | undefined {
  return store.findOrCreate(identifier, object._update_existing_only === true)
}

function applyEvent(store: ProfileStore, item: ValidObject): void {
  const { object } = item
  const event: BrazeEvent = { name: String(object.name), time: String(object.time) }
  Object.assign(event, optionalFields(object))
  profileFor(store, item)?.events.push(event)
}

function applyPurchase(store: ProfileStore, item: ValidObject): void {
  const { object } = item
  const purchase: BrazePurchase = {
    product_id: String(object.product_id),
    currency: String(object.currency),
    price: Number(object.price),
    quantity: typeof object.quantity === 'number' ? object.quantity : 1,
    time: String(object.time)
  }
  Object.assign(purchase, optionalFields(object))
  profileFor(store, item)?.purchases.push(purchase)
}

function optionalFields(object: Record<string, unknown>): Pick<BrazeEvent, 'app_id' | 'properties'> {
  return {
    ...(typeof object.app_id === 'string' ? { app_id: object.app_id } : {}),
    ...(isPlainObject(object.properties) ? { properties: structuredClone(object.properties) } : {})
  }
}
