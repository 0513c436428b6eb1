// The Braze REST objects this function sends (https://www.braze.com/docs/api/objects_filters/).
interface UserAlias {
  alias_name: string
  alias_label: string
}

export type BrazeIdentifier =
  { external_id: string } | { braze_id: string } | { email: string } | { phone: string } | { user_alias: UserAlias }

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export type BrazeAttributes = BrazeIdentifier & {
  _update_existing_only?: boolean
  [attribute: string]: unknown
}

export type BrazeEvent = BrazeIdentifier & {
  app_id?: string
  _update_existing_only?: boolean
  name: string
  time: string
  properties?: JsonObject
}

export type BrazePurchase = BrazeIdentifier & {
  app_id?: string
  _update_existing_only?: boolean
  product_id: string
  currency: string
  price: number
  quantity: number
  time: string
  properties?: JsonObject
}

/**
 * Who to merge into the identified user. /users/merge takes an external_id, a
 * user_alias, or an email or phone with a `prioritization` that picks one of
 * several profiles sharing it (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/).
 */
export type MergeSource =
  | { external_id: string }
  | { user_alias: UserAlias }
  | { email: string; prioritization: string[] }
  | { phone: string; prioritization: string[] }

export interface MergeUpdate {
  identifier_to_merge: MergeSource
  identifier_to_keep: { external_id: string }
}

export type DeleteTarget = { external_id: string } | { user_alias: UserAlias }

/**
 * A fresh object with the identifier's one key. (Hot path: on V8, a spread
 * followed by more keys, `{...identifier, name}`, is ~30× slower than this.)
 */
export function identifierObject(identifier: BrazeIdentifier): Record<string, unknown> {
  return Object.assign({}, identifier)
}

/**
 * In the order Braze reads them: beside an external_id, user_alias or
 * braze_id, email and phone are attributes, not identifiers
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
 */
export const IDENTIFIER_KEYS = ['external_id', 'braze_id', 'user_alias', 'email', 'phone'] as const

/** The key that identifies a Braze object's user. */
export function identifierKey(object: object): (typeof IDENTIFIER_KEYS)[number] {
  const record = object as Record<string, unknown>
  return IDENTIFIER_KEYS.find((key) => record[key] !== undefined)!
}

/** The identifier of a Braze object as a string, for grouping objects by user. */
export function identityKey(object: object): string {
  const id = identifierKey(object)
  return keyOf(id, (object as Record<string, unknown>)[id])
}

/** identityKey of an object whose identifier key and value are known. */
export function keyOf(id: string, value: unknown): string {
  return `${id}:${typeof value === 'string' ? value : JSON.stringify(value)}`
}

/**
 * Keys of an attributes object that steer Braze's processing instead of setting attributes:
 * https://www.braze.com/docs/api/objects_filters/user_attributes_object/ (`_update_existing_only`),
 * https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/ (`_merge_objects`).
 */
export const ATTRIBUTE_CONTROL_KEYS: readonly string[] = ['_update_existing_only', '_merge_objects']

/**
 * Names that are not custom attributes in a Braze attributes object: identifiers, flags, and the profile
 * fields Braze reads in formats of their own ("Use Braze user profile field names … to update those special
 * values": https://www.braze.com/docs/api/objects_filters/user_attributes_object/). A trait of such a name
 * is a standard attribute the mapping checks, or dropped (src/destination/attributes.ts).
 */
export const BRAZE_RESERVED_ATTRIBUTES = new Set([
  'external_id',
  'braze_id',
  'user_alias',
  ...ATTRIBUTE_CONTROL_KEYS,
  'first_name',
  'last_name',
  'email',
  'phone',
  'gender',
  'dob',
  'country',
  'home_city',
  'language',
  'time_zone',
  'current_location',
  'email_subscribe',
  'push_subscribe',
  'subscription_groups',
  'image_url',
  'push_tokens',
  'push_token_import',
  'facebook',
  'twitter',
  'date_of_first_session',
  'date_of_last_session',
  'marked_email_as_spam_at',
  'email_open_tracking_disabled',
  'email_click_tracking_disabled',
  // "INVALID_ATTRIBUTE_EMAIL_SUBSCRIPTION_INFO: email_subscription_info is not a valid attribute"
  // (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/): Braze refuses the whole object over it.
  'email_subscription_info'
])
