// POST /users/identify, /users/merge, /users/delete and /users/alias/new:
// each parses its list (whole request rejected when malformed or over 50
// entries, as those endpoints have no per-entry errors), then edits the store.
import { type Answer, answer, badRequest } from './answer'
import { type Identifier, asUserAlias, isNonBlankString, isPlainObject, sameAlias } from './identifier'
import { type ProfileStore, addAlias } from './profiles'
import { MAX_INPUT_LENGTH_MESSAGE } from './rules'
import type { BrazeProfile, UserAlias } from './types'

export const MAX_ENTRIES_PER_REQUEST = 50

type Parsed<T> = { ok: true; entries: T[] } | { ok: false; answer: Answer }

/** Reads `body[key]` as a list of at most 50 entries, each parsed by `parse` (undefined = malformed). */
export function parseList<T>(body: unknown, key: string, parse: (entry: unknown) => T | undefined): Parsed<T> {
  if (!isPlainObject(body)) return { ok: false, answer: badRequest('request body must be a JSON object') }
  const list = body[key]
  if (!Array.isArray(list)) return { ok: false, answer: badRequest(`${key} must be an array`) }
  if (list.length > MAX_ENTRIES_PER_REQUEST) {
    return {
      ok: false,
      answer: badRequest(MAX_INPUT_LENGTH_MESSAGE, [
        `${list.length} ${key} (at most ${MAX_ENTRIES_PER_REQUEST} per request)`
      ])
    }
  }
  const entries = list.map(parse)
  const bad = entries.flatMap((entry, index) => (entry === undefined ? [index] : []))
  if (bad.length > 0) {
    return { ok: false, answer: badRequest('Invalid request', bad.map((index) => `${key}[${index}] is malformed`)) }
  }
  return { ok: true, entries: entries as T[] }
}

interface AliasToIdentify {
  external_id: string
  user_alias: UserAlias
}

function parseAliasToIdentify(entry: unknown): AliasToIdentify | undefined {
  if (!isPlainObject(entry) || !isNonBlankString(entry.external_id)) return undefined
  const alias = asUserAlias(entry.user_alias)
  return alias && { external_id: entry.external_id, user_alias: alias }
}

export function handleIdentify(store: ProfileStore, body: unknown): Answer {
  const parsed = parseList(body, 'aliases_to_identify', parseAliasToIdentify)
  if (!parsed.ok) return parsed.answer
  parsed.entries.forEach((entry) => identify(store, entry))
  return answer(201, { aliases_processed: parsed.entries.length, message: 'success' })
}

/**
 * Braze: with no profile for the external_id, the alias-only profile simply
 * gets it; otherwise the alias-only profile is merged into the identified one
 * (identified wins), unless that one already has an alias with the same
 * label, in which case nothing is combined.
 */
function identify(store: ProfileStore, { external_id, user_alias }: AliasToIdentify): void {
  const aliased = store.find({ kind: 'user_alias', alias: user_alias })
  const identified = store.find({ kind: 'external_id', value: external_id })
  if (aliased && aliased.identifiers.external_id !== undefined) return
  if (aliased && !identified) {
    aliased.identifiers.external_id = external_id
    return
  }
  const target = identified ?? store.create({ kind: 'external_id', value: external_id })
  const labelTaken = target.identifiers.user_aliases.some(
    (alias) => alias.alias_label === user_alias.alias_label && !sameAlias(alias, user_alias)
  )
  if (labelTaken) return
  if (aliased) store.merge(aliased, target, { keepAliases: true })
  addAlias(target, user_alias)
}

/** `{external_id}`, `{user_alias}`, `{email}` or `{phone}`: exactly one. */
export function parseUserReference(value: unknown): Identifier | undefined {
  if (!isPlainObject(value)) return undefined
  const keys = (['external_id', 'user_alias', 'email', 'phone'] as const).filter((key) => value[key] !== undefined)
  const [key] = keys
  if (keys.length !== 1 || key === undefined) return undefined
  if (key === 'user_alias') {
    const alias = asUserAlias(value.user_alias)
    return alias && { kind: 'user_alias', alias }
  }
  const id = value[key]
  return isNonBlankString(id) ? { kind: key, value: id } : undefined
}

interface MergeUpdate {
  toMerge: Identifier
  toKeep: Identifier
}

function parseMergeUpdate(entry: unknown): MergeUpdate | undefined {
  if (!isPlainObject(entry)) return undefined
  const toMerge = parseUserReference(entry.identifier_to_merge)
  const toKeep = parseUserReference(entry.identifier_to_keep)
  return toMerge && toKeep && { toMerge, toKeep }
}

/** Braze merges only when both users exist; its aliases are not carried over. */
export function handleMerge(store: ProfileStore, body: unknown): Answer {
  const parsed = parseList(body, 'merge_updates', parseMergeUpdate)
  if (!parsed.ok) return parsed.answer
  for (const { toMerge, toKeep } of parsed.entries) {
    const merged = store.find(toMerge)
    const kept = store.find(toKeep)
    if (merged && kept) store.merge(merged, kept, { keepAliases: false })
  }
  return answer(202, { message: 'success' })
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
  const present = isPlainObject(body)
    ? (Object.keys(DELETE_KEYS) as DeleteKey[]).filter((key) => body[key] !== undefined)
    : []
  const [key] = present
  if (present.length !== 1 || key === undefined) {
    return badRequest(
      'Invalid request',
      [`send exactly one of ${Object.keys(DELETE_KEYS).join(', ')}`]
    )
  }
  const parsed = parseList(body, key, deleteIdentifierParser(key))
  if (!parsed.ok) return parsed.answer
  for (const id of parsed.entries) {
    // Email and phone may be shared by several profiles; all of them go.
    let profile: BrazeProfile | undefined
    while ((profile = store.find(id))) store.remove(profile)
  }
  return answer(202, { deleted: parsed.entries.length, message: 'success' })
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
 * user already has, changes nothing: Braze allows one alias per label.
 */
export function handleAliasNew(store: ProfileStore, body: unknown): Answer {
  const parsed = parseList(body, 'user_aliases', parseNewAlias)
  if (!parsed.ok) return parsed.answer
  for (const { external_id, alias } of parsed.entries) {
    if (store.find({ kind: 'user_alias', alias })) continue
    if (external_id === undefined) {
      store.create({ kind: 'user_alias', alias })
      continue
    }
    const profile = store.find({ kind: 'external_id', value: external_id })
    if (profile && !profile.identifiers.user_aliases.some((known) => known.alias_label === alias.alias_label)) {
      addAlias(profile, alias)
    }
  }
  return answer(201, { message: 'success', aliases_processed: parsed.entries.length })
}
