// POST /users/merge: merges one profile into another, whatever identifies
// them (an external_id, an alias, or an email or phone with prioritization,
// mixed freely), and removes the merged one.
// https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/
import { type Answer, answer, badRequest } from './answer'
import { type Identifier, asUserAlias, isNonBlankString, isPlainObject } from './identifier'
import { type Priority, parsePrioritization, prioritize } from './prioritization'
import type { ProfileStore, StoredProfile } from './profiles'
import { MAX_ENTRIES_PER_REQUEST } from './users'

type UserReference =
  | { id: Exclude<Identifier, { kind: 'email' | 'phone' | 'braze_id' }> }
  | {
      id: Extract<Identifier, { kind: 'email' | 'phone' }>
      prioritization: Priority[]
    }

interface MergeUpdate {
  toMerge: UserReference
  toKeep: UserReference
}

// The page's "Troubleshooting" messages, word for word.
const NOT_AN_ARRAY = "'merge_updates' must be an array of objects"
const TOO_MANY = 'a single request may not contain more than 50 merge updates'
const BAD_IDENTIFIER =
  "identifiers must be objects with an 'external_id' property that is a string, 'user_alias' property that is an object, 'email' property that is a string, or 'phone' property that is a string"
const BAD_KEYS = "'merge_updates' must only have 'identifier_to_merge' and 'identifier_to_keep'"
// Not on the page: its words for a missing or malformed prioritization.
const BAD_PRIORITIZATION =
  "an 'email' or 'phone' identifier needs 'prioritization': an array of identified or unidentified, most_recently_updated, least_recently_updated"

/** Exactly one of external_id, user_alias, email, phone (braze_id is not accepted), plus prioritization with email/phone. */
function parseReference(value: unknown): UserReference | string {
  if (!isPlainObject(value)) return BAD_IDENTIFIER
  const keys = Object.keys(value)
  const [key, ...others] = keys.filter((name) => name !== 'prioritization')
  if (key === undefined || others.length > 0) return BAD_IDENTIFIER
  const id = value[key]
  switch (key) {
    case 'external_id':
      if (!isNonBlankString(id) || keys.length > 1) return BAD_IDENTIFIER
      return { id: { kind: key, value: id } }
    case 'user_alias': {
      const alias = asUserAlias(id)
      if (!alias || keys.length > 1) return BAD_IDENTIFIER
      return { id: { kind: key, alias } }
    }
    case 'email':
    case 'phone': {
      if (!isNonBlankString(id)) return BAD_IDENTIFIER
      // "If an email or phone is specified as an identifier, an additional prioritization value is required".
      const prioritization = parsePrioritization(value.prioritization)
      if (!prioritization) return BAD_PRIORITIZATION
      return { id: { kind: key, value: id }, prioritization }
    }
    default:
      return BAD_IDENTIFIER
  }
}

function parseUpdate(entry: unknown): MergeUpdate | string {
  if (!isPlainObject(entry)) return NOT_AN_ARRAY
  if (Object.keys(entry).some((key) => key !== 'identifier_to_merge' && key !== 'identifier_to_keep')) return BAD_KEYS
  const toMerge = parseReference(entry.identifier_to_merge)
  if (typeof toMerge === 'string') return toMerge
  const toKeep = parseReference(entry.identifier_to_keep)
  if (typeof toKeep === 'string') return toKeep
  return { toMerge, toKeep }
}

/**
 * The whole request is refused when any entry is malformed ("There are two
 * status code responses for this endpoint: 202 and 400"). A user that does
 * not exist, or an email or phone that does not name exactly one profile
 * after prioritization, makes that entry a no-op: the endpoint is
 * asynchronous and answers 202 before Braze looks anything up.
 */
export function handleMerge(store: ProfileStore, body: unknown): Answer {
  const list = isPlainObject(body) ? body.merge_updates : undefined
  if (!Array.isArray(list)) return badRequest(NOT_AN_ARRAY)
  if (list.length > MAX_ENTRIES_PER_REQUEST) return badRequest(TOO_MANY)
  const updates: MergeUpdate[] = []
  for (const [index, entry] of list.entries()) {
    const parsed = parseUpdate(entry)
    if (typeof parsed === 'string') return badRequest(parsed, [`merge_updates[${index}]`])
    updates.push(parsed)
  }
  // "The endpoint does not guarantee the sequence of merge_updates objects being updated"
  // (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/): applied last first here,
  // so that a client relying on the order in which it wrote them is caught.
  for (const { toMerge, toKeep } of updates.reverse()) {
    const merged = resolve(store, toMerge)
    const kept = resolve(store, toKeep)
    // The merged profile's aliases are not carried over: the page's list of
    // merged fields does not name aliases, and the merged profile is deleted.
    // A later object sent with such an alias finds no profile (and creates an
    // alias-only one only where Braze would), so a client cannot come to rely
    // on an alias surviving a merge.
    if (merged && kept) store.merge(merged, kept, { moveAliases: false })
  }
  return answer(202, { message: 'success' })
}

function resolve(store: ProfileStore, reference: UserReference): StoredProfile | undefined {
  if ('prioritization' in reference) {
    return prioritize(store.withContact(reference.id.kind, reference.id.value), reference.prioritization)
  }
  return store.get(reference.id)
}
