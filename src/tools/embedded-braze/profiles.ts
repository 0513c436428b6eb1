// The stand-in's user database: finds, creates, merges and deletes profiles,
// with an index per identifier so that every lookup is O(1) however many
// profiles a replay builds. It enforces Braze's identity invariants; what
// each endpoint does with them lives in the endpoint handlers.
import { type Attributes, attributesOf, mergeAttributes } from './attributes'
import { History, HistoryBudget } from './history'
import type { Identifier } from './identifier'
import type { BrazeEvent, BrazeProfile, BrazePurchase, ProfileQuery, UserAlias } from './types'

const DEFAULT_RECENT_HISTORY = 20
const DEFAULT_RECENT_HISTORY_TOTAL = 100_000

export type ContactKind = 'email' | 'phone'

export interface StoredProfile {
  /** 1, 2, 3…: creation order. */
  readonly number: number
  readonly brazeId: string
  externalId?: string
  email?: string
  phone?: string
  aliases: UserAlias[]
  attributes: Attributes
  events: History<BrazeEvent>
  purchases: History<BrazePurchase>
  /** Store-wide sequence number of the last change: orders profiles for most/least_recently_updated. */
  updateSeq: number
  updatedAtMs: number
}

export interface ProfileStoreOptions {
  /** Latest events, and latest purchases, kept in full per profile. */
  recentHistory?: number
  /** Latest events and purchases kept in full across all profiles together. */
  recentHistoryTotal?: number
  now?: () => number
}

export class ProfileStore {
  /** Insertion-ordered, so iteration is creation order, as profiles() promises. */
  private readonly byBrazeId = new Map<string, StoredProfile>()
  private readonly byExternalId = new Map<string, StoredProfile>()
  private readonly byAlias = new Map<string, StoredProfile>()
  /** Several profiles may share an email or a phone number (Braze finds duplicates by them). */
  private readonly byContact: Record<ContactKind, Map<string, Set<StoredProfile>>> = {
    email: new Map(),
    phone: new Map()
  }
  private created = 0
  private seq = 0
  private readonly recentHistory: number
  private readonly budget: HistoryBudget
  private readonly now: () => number

  constructor(options: ProfileStoreOptions = {}) {
    this.recentHistory = options.recentHistory ?? DEFAULT_RECENT_HISTORY
    this.budget = new HistoryBudget(options.recentHistoryTotal ?? DEFAULT_RECENT_HISTORY_TOTAL)
    this.now = options.now ?? Date.now
  }

  all(): IterableIterator<StoredProfile> {
    return this.byBrazeId.values()
  }

  get size(): number {
    return this.byBrazeId.size
  }

  clear(): void {
    this.byBrazeId.clear()
    this.byExternalId.clear()
    this.byAlias.clear()
    this.byContact.email.clear()
    this.byContact.phone.clear()
    this.budget.clear()
    this.created = 0
    this.seq = 0
  }

  /** The one profile with this external_id, braze_id or alias. */
  get(id: Exclude<Identifier, { kind: ContactKind }>): StoredProfile | undefined {
    switch (id.kind) {
      case 'external_id':
        return this.byExternalId.get(id.value)
      case 'braze_id':
        return this.byBrazeId.get(id.value)
      case 'user_alias':
        return this.byAlias.get(aliasKey(id.alias))
    }
  }

  /** Every profile with this email (any case) or phone number, in creation order. */
  withContact(kind: ContactKind, value: string): StoredProfile[] {
    const found = [...(this.byContact[kind].get(contactKey(kind, value)) ?? [])]
    return found.sort((a, b) => a.number - b.number)
  }

  /**
   * The profile a /users/track object names. By email or phone, several may
   * match; Braze then updates "the most recently updated profile with an
   * external ID" if there is one, else "the most recently updated profile"
   * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/,
   * "What happens when multiple profiles with the same email address are found?").
   */
  findForUpdate(id: Identifier): StoredProfile | undefined {
    if (id.kind !== 'email' && id.kind !== 'phone') return this.get(id)
    const matches = this.withContact(id.kind, id.value)
    const identified = matches.filter((profile) => profile.externalId !== undefined)
    return mostRecentlyUpdated(identified.length > 0 ? identified : matches)
  }

  create(id: Identifier): StoredProfile {
    if (id.kind === 'braze_id') throw new Error('Braze assigns braze_ids; a profile cannot be created from one')
    this.created += 1
    const profile: StoredProfile = {
      number: this.created,
      // Deterministic, Braze-looking (24 hex digits) ids, so test output is stable.
      brazeId: `65b0c0de${this.created.toString(16).padStart(16, '0')}`,
      aliases: [],
      attributes: attributesOf(),
      events: new History(this.recentHistory, this.budget),
      purchases: new History(this.recentHistory, this.budget),
      updateSeq: 0,
      updatedAtMs: 0
    }
    this.byBrazeId.set(profile.brazeId, profile)
    if (id.kind === 'user_alias') this.addAlias(profile, id.alias)
    else if (id.kind === 'external_id') this.setExternalId(profile, id.value)
    else this.setContact(profile, id.kind, id.value)
    this.touch(profile)
    return profile
  }

  /** Marks a change, for most_recently_updated / least_recently_updated. */
  touch(profile: StoredProfile): void {
    profile.updateSeq = this.nextSeq()
    profile.updatedAtMs = this.now()
  }

  nextSeq(): number {
    this.seq += 1
    return this.seq
  }

  /** Only for a profile without one: Braze does not change an external_id except through a rename. */
  setExternalId(profile: StoredProfile, externalId: string): void {
    if (profile.externalId !== undefined) throw new Error('profile already has an external_id')
    profile.externalId = externalId
    this.byExternalId.set(externalId, profile)
  }

  /** Sets or (with undefined) removes the email or phone Braze finds the profile by. */
  setContact(profile: StoredProfile, kind: ContactKind, value: string | undefined): void {
    const old = profile[kind]
    if (old !== undefined) {
      const key = contactKey(kind, old)
      const set = this.byContact[kind].get(key)
      set?.delete(profile)
      if (set?.size === 0) this.byContact[kind].delete(key)
    }
    if (value === undefined) {
      delete profile[kind]
      return
    }
    profile[kind] = value
    const key = contactKey(kind, value)
    const set = this.byContact[kind].get(key)
    if (set) set.add(profile)
    else this.byContact[kind].set(key, new Set([profile]))
  }

  /**
   * Adds the alias unless the profile already has one with that label, or the
   * alias belongs to another profile. "Users can have only one alias for a
   * specific label"
   * (https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/).
   */
  addAlias(profile: StoredProfile, alias: UserAlias): boolean {
    if (profile.aliases.some((known) => known.alias_label === alias.alias_label)) return false
    const key = aliasKey(alias)
    if (this.byAlias.has(key)) return false
    profile.aliases.push({ alias_name: alias.alias_name, alias_label: alias.alias_label })
    this.byAlias.set(key, profile)
    return true
  }

  hasAliasLabel(profile: StoredProfile, label: string): boolean {
    return profile.aliases.some((alias) => alias.alias_label === label)
  }

  remove(profile: StoredProfile): void {
    if (this.byBrazeId.get(profile.brazeId) !== profile) return
    this.byBrazeId.delete(profile.brazeId)
    if (profile.externalId !== undefined) this.byExternalId.delete(profile.externalId)
    for (const alias of profile.aliases) this.byAlias.delete(aliasKey(alias))
    this.setContact(profile, 'email', undefined)
    this.setContact(profile, 'phone', undefined)
  }

  /**
   * Moves `merged` into `kept` and deletes `merged`. Braze merges fields "if
   * they're not found on the target user" (custom attributes: "existing
   * custom attributes on the target profile are retained"), and "Custom
   * event and purchase event data" with event counts summed
   * (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/,
   * "Merge behavior"; /users/identify merges the same list of fields:
   * https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/).
   * `moveAliases`: whether the merged profile's aliases join `kept` (where
   * their label is free); the endpoints decide.
   */
  merge(merged: StoredProfile, kept: StoredProfile, options: { moveAliases: boolean }): void {
    if (merged === kept) return
    kept.attributes = mergeAttributes(kept.attributes, merged.attributes)
    kept.events.absorb(merged.events)
    kept.purchases.absorb(merged.purchases)
    const contacts = { email: merged.email, phone: merged.phone }
    const aliases = merged.aliases
    this.remove(merged)
    for (const kind of ['email', 'phone'] as const) {
      const value = contacts[kind]
      if (kept[kind] === undefined && value !== undefined) this.setContact(kept, kind, value)
    }
    if (options.moveAliases) aliases.forEach((alias) => this.addAlias(kept, alias))
    this.touch(kept)
  }

  /** The first profile, in creation order, matching every identifier of the query. */
  query(query: ProfileQuery): StoredProfile | undefined {
    const checks = queryChecks(query)
    if (checks.length === 0) return undefined
    const candidates =
      query.external_id !== undefined
        ? [this.byExternalId.get(query.external_id)]
        : query.braze_id !== undefined
          ? [this.byBrazeId.get(query.braze_id)]
          : query.user_alias !== undefined
            ? [this.byAlias.get(aliasKey(query.user_alias))]
            : this.withContact(query.email !== undefined ? 'email' : 'phone', (query.email ?? query.phone)!)
    return candidates.find((profile) => profile !== undefined && checks.every((check) => check(profile)))
  }
}

/** The public, copied view of a stored profile. */
export function publicProfile(profile: StoredProfile): BrazeProfile {
  return {
    identifiers: {
      ...(profile.externalId !== undefined ? { external_id: profile.externalId } : {}),
      braze_id: profile.brazeId,
      ...(profile.email !== undefined ? { email: profile.email } : {}),
      ...(profile.phone !== undefined ? { phone: profile.phone } : {}),
      user_aliases: profile.aliases.map((alias) => ({ ...alias }))
    },
    attributes: structuredClone(profile.attributes),
    events: profile.events.latest(),
    purchases: profile.purchases.latest(),
    eventCount: profile.events.count(),
    purchaseCount: profile.purchases.count(),
    eventCounts: profile.events.counts(),
    purchaseCounts: profile.purchases.counts(),
    updatedAt: new Date(profile.updatedAtMs).toISOString()
  }
}

export function mostRecentlyUpdated(profiles: StoredProfile[]): StoredProfile | undefined {
  return profiles.reduce<StoredProfile | undefined>(
    (best, profile) => (best === undefined || profile.updateSeq > best.updateSeq ? profile : best),
    undefined
  )
}

export function leastRecentlyUpdated(profiles: StoredProfile[]): StoredProfile | undefined {
  return profiles.reduce<StoredProfile | undefined>(
    (best, profile) => (best === undefined || profile.updateSeq < best.updateSeq ? profile : best),
    undefined
  )
}

function aliasKey(alias: UserAlias): string {
  return `${alias.alias_label}\u0000${alias.alias_name}`
}

/** Braze matches emails regardless of case, phone numbers by their digits. */
function contactKey(kind: ContactKind, value: string): string {
  return kind === 'email' ? value.toLowerCase() : phoneDigits(value)
}

/**
 * "+1 (724) 123-4567 will show as 17241234567", and a 10-digit number without
 * a country code is a U.S. one
 * (https://www.braze.com/docs/user_guide/message_building_by_channel/sms_mms_rcs/user_phone_numbers/).
 */
function phoneDigits(value: string): string {
  const digits = value.replace(/\D/g, '')
  return !value.trim().startsWith('+') && digits.length === 10 ? `1${digits}` : digits
}

function queryChecks(query: ProfileQuery): Array<(profile: StoredProfile) => boolean> {
  const checks: Array<(profile: StoredProfile) => boolean> = []
  const { external_id, braze_id, email, phone, user_alias } = query
  if (external_id !== undefined) checks.push((profile) => profile.externalId === external_id)
  if (braze_id !== undefined) checks.push((profile) => profile.brazeId === braze_id)
  if (email !== undefined) checks.push((profile) => profile.email?.toLowerCase() === email.toLowerCase())
  if (phone !== undefined) checks.push((profile) => profile.phone !== undefined && phoneDigits(profile.phone) === phoneDigits(phone))
  if (user_alias !== undefined) {
    checks.push((profile) =>
      profile.aliases.some((alias) => alias.alias_name === user_alias.alias_name && alias.alias_label === user_alias.alias_label)
    )
  }
  return checks
}
