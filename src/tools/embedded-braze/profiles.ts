// The stand-in's user database: finds, creates, merges and deletes profiles.
// It holds state but no Braze rules beyond identity; those live in the
// endpoint handlers.
import { mergeAttributes } from './attributes'
import { type Identifier, sameAlias } from './identifier'
import type { BrazeProfile, ProfileQuery, UserAlias } from './types'

export class ProfileStore {
  /** Creation order is kept because profiles() promises it. */
  private readonly list: BrazeProfile[] = []
  private created = 0

  all(): BrazeProfile[] {
    return this.list
  }

  clear(): void {
    this.list.length = 0
    this.created = 0
  }

  /**
   * Braze lets several profiles share an email or phone; it then picks the
   * most recently updated one. The first one is close enough here.
   */
  find(id: Identifier): BrazeProfile | undefined {
    return this.list.find((profile) => identifiedBy(profile, id))
  }

  create(id: Identifier): BrazeProfile {
    if (id.kind === 'braze_id') throw new Error('Braze assigns braze_ids; a profile cannot be created from one')
    const profile: BrazeProfile = {
      identifiers: { braze_id: this.nextBrazeId(), user_aliases: [] },
      attributes: {},
      events: [],
      purchases: []
    }
    if (id.kind === 'user_alias') profile.identifiers.user_aliases.push({ ...id.alias })
    else profile.identifiers[id.kind] = id.value
    this.list.push(profile)
    return profile
  }

  /** Finds the profile, creating it unless `updateExistingOnly` (or the id is a braze_id Braze never issued). */
  findOrCreate(id: Identifier, updateExistingOnly: boolean): BrazeProfile | undefined {
    const found = this.find(id)
    if (found || updateExistingOnly || id.kind === 'braze_id') return found
    return this.create(id)
  }

  remove(profile: BrazeProfile): void {
    const index = this.list.indexOf(profile)
    if (index >= 0) this.list.splice(index, 1)
  }

  /**
   * Moves everything of `merged` into `kept` and deletes `merged`: attributes
   * (kept wins on conflicts), events, purchases, and the identifiers `kept`
   * lacks, as Braze does when it merges an anonymous profile into a known one.
   */
  merge(merged: BrazeProfile, kept: BrazeProfile, options: { keepAliases: boolean }): void {
    if (merged === kept) return
    kept.attributes = mergeAttributes(kept.attributes, merged.attributes)
    kept.events.push(...merged.events)
    kept.purchases.push(...merged.purchases)
    kept.identifiers.email ??= merged.identifiers.email
    kept.identifiers.phone ??= merged.identifiers.phone
    if (options.keepAliases) merged.identifiers.user_aliases.forEach((alias) => addAlias(kept, alias))
    this.remove(merged)
  }

  query(query: ProfileQuery): BrazeProfile | undefined {
    const ids = queryIdentifiers(query)
    if (ids.length === 0) return undefined
    return this.list.find((profile) => ids.every((id) => identifiedBy(profile, id)))
  }

  /** Deterministic, Braze-looking (24 hex digits) ids, so test output is stable. */
  private nextBrazeId(): string {
    this.created += 1
    return `65b0c0de${this.created.toString(16).padStart(16, '0')}`
  }
}

export function identifiedBy(profile: BrazeProfile, id: Identifier): boolean {
  const ids = profile.identifiers
  switch (id.kind) {
    case 'user_alias':
      return ids.user_aliases.some((alias) => sameAlias(alias, id.alias))
    case 'email':
      // Braze stores emails lower-cased, so lookups ignore case.
      return ids.email !== undefined && ids.email.toLowerCase() === id.value.toLowerCase()
    default:
      return ids[id.kind] === id.value
  }
}

export function addAlias(profile: BrazeProfile, alias: UserAlias): void {
  const aliases = profile.identifiers.user_aliases
  if (!aliases.some((existing) => sameAlias(existing, alias))) aliases.push({ ...alias })
}

function queryIdentifiers(query: ProfileQuery): Identifier[] {
  const ids: Identifier[] = []
  for (const kind of ['external_id', 'braze_id', 'email', 'phone'] as const) {
    const value = query[kind]
    if (value !== undefined) ids.push({ kind, value })
  }
  if (query.user_alias) ids.push({ kind: 'user_alias', alias: query.user_alias })
  return ids
}
