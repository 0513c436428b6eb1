// POST /users/delete and /users/alias/new, and the list parsing every
// /users/* endpoint shares: the whole request is rejected when its list is
// malformed or over 50 entries, as those endpoints have no per-entry errors.
// (/users/identify and /users/merge have their own files.)
import { type Answer, answer, badRequest } from './answer'
import { type Identifier, asUserAlias, isNonBlankString, isPlainObject } from './identifier'
import type { ProfileStore, StoredProfile } from './profiles'
import { MAX_INPUT_LENGTH_MESSAGE } from './rules'
import type { UserAlias } from './types'

export const MAX_ENTRIES_PER_REQUEST = 50

export type Parsed<T> = { ok: true; entries: T[] } | { ok: false; answer: Answer }

/** Reads `body[key]` as a list of at most 50 entries, each parsed by `parse` (undefined = malformed). */
function parseList<T>(body: unknown, key: string, parse: (entry: unknown) => T | undefined): Parsed<T> {
  if (!isPlainObject(body)) return { ok: false, answer: badRequest('request body must be a JSON object') }
  return parseEntries(body[key], key, parse)
}

export function parseEntries<T>(list: unknown, key: string, parse: (entry: unknown) => T | undefined): Parsed<T> {
  if (!Array.isArray(list)) return { ok: false, answer: badRequest(`${key} must be an array`) }
  if (list.length > MAX_ENTRIES_PER_REQUEST) {
    return {
      ok: false,
      answer: badRequest(MAX_INPUT_LENGTH_MESSAGE, [`${list.length} ${key} (at most ${MAX_ENTRIES_PER_REQUEST} per request)`])
    }
  }
  const entries = list.map(parse)
  const bad = entries.flatMap((entry, index) => (entry === undefined ? [index] : []))
  if (bad.length > 0) {
    return {
      ok: false,
      answer: badRequest(
        'Invalid request',
        bad.map((index) => `${key}[${index}] is malformed`)
      )
    }
  }
  return { ok: true, entries: entries as T[] }
}

const DELETE_KEYS = {
  external_ids: 'external_id',
  braze_ids: 'braze_id',
  email_addresses: 'email',
  phone_numbers: 'phone',
  user_aliases: 'user_alias'
} as const

type DeleteKey = keyof typeof DELETE_KEYS

function deleteIdentifierParser(key: DeleteKey): (entry: unknown) => Identifier | undefined {
  const kind = DELETE_KEYS[key]
  if (kind === 'user_alias') {
    return (entry) => {
      const alias = asUserAlias(entry)
      return alias && { kind, alias }
    }
  }
  return (entry) => (isNonBlankString(entry) ? { kind, value: entry } : undefined)
}

/**
 * `deleted` is the number of identifiers queued, as Braze reports it (the
 * deletion is asynchronous there), not the number of profiles that existed.
 */
export function handleDelete(store: ProfileStore, body: unknown): Answer {
  const present = isPlainObject(body) ? (Object.keys(DELETE_KEYS) as DeleteKey[]).filter((key) => body[key] !== undefined) : []
  const [key] = present
  if (present.length !== 1 || key === undefined) {
    return badRequest('Invalid request', [`send exactly one of ${Object.keys(DELETE_KEYS).join(', ')}`])
  }
  const parsed = parseList(body, key, deleteIdentifierParser(key))
  if (!parsed.ok) return parsed.answer
  for (const id of parsed.entries) profilesNamed(store, id).forEach((profile) => store.remove(profile))
  // Exactly the documented answer, `{"deleted": <count>}` (https://www.braze.com/docs/api/endpoints/user_data/post_user_delete/).
  return answer(202, { deleted: parsed.entries.length })
}

/** Email and phone may be shared by several profiles; deleting by them deletes all. */
function profilesNamed(store: ProfileStore, id: Identifier): StoredProfile[] {
  if (id.kind === 'email' || id.kind === 'phone') return store.withContact(id.kind, id.value)
  const profile = store.get(id)
  return profile ? [profile] : []
}

interface NewAlias {
  external_id?: string
  alias: UserAlias
}

function parseNewAlias(entry: unknown): NewAlias | undefined {
  if (!isPlainObject(entry)) return undefined
  const alias = asUserAlias(entry)
  const externalId = entry.external_id
  if (!alias || (externalId !== undefined && !isNonBlankString(externalId))) return undefined
  return externalId === undefined ? { alias } : { external_id: externalId, alias }
}

/**
 * With an external_id the alias is added to that (existing) user; without
 * one an alias-only user is created. An alias already in use, or a label the
 * user already has, changes nothing (the store keeps one alias per label).
 */
export function handleAliasNew(store: ProfileStore, body: unknown): Answer {
  const parsed = parseList(body, 'user_aliases', parseNewAlias)
  if (!parsed.ok) return parsed.answer
  for (const { external_id, alias } of parsed.entries) {
    if (store.get({ kind: 'user_alias', alias })) continue
    if (external_id === undefined) {
      store.create({ kind: 'user_alias', alias })
      continue
    }
    const profile = store.get({ kind: 'external_id', value: external_id })
    if (profile && store.addAlias(profile, alias)) store.touch(profile)
  }
  return answer(201, { message: 'success', aliases_processed: parsed.entries.length })
}
