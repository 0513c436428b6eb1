// What this warm instance remembers between invocations, in Segment's `cache`
// (https://segment.com/docs/connections/functions/destination-functions/#caching):
// which parts of a message Braze already accepted (so a redelivery sends only
// the rest), which merges Braze already took, and, for skipUnchangedAttributes,
// the attribute values last delivered per user. The cache is per instance and
// may be emptied at any time: this is a best-effort memory, never a guarantee.
// Where the runtime has no `cache`, nothing is remembered.
import type { PartToken } from './track-bundle'

/** Segment retries for up to 4 hours; a message is remembered a little longer. */
const MESSAGE_TTL_MS = 6 * 60 * 60 * 1000
const MERGE_TTL_MS = 24 * 60 * 60 * 1000
const VALUES_TTL_MS = 24 * 60 * 60 * 1000
const MAX_MESSAGES = 20_000
const MAX_MERGES = 20_000
const MAX_USERS = 5_000
/**
 * What is not remembered is always sent. A user's remembered names and values add up to at most this
 * many characters, each counted with what its entry costs besides (REMEMBERED_ENTRY_CHARS), so the
 * values memory stays near 50 MB however many and however small the traits: counting characters alone,
 * 5,000 users of 2,500 one-character traits held 300 MB.
 */
const MAX_REMEMBERED_CHARS_PER_USER = 4000
const REMEMBERED_ENTRY_CHARS = 48
/** Attribute names written by another identifier that are followed at once; past this, every remembered value is dropped. */
const MAX_NAMES_WRITTEN_ELSEWHERE = 10_000
/**
 * Keys (messageIds, profiles) and merges longer than any a source means to send are not remembered:
 * 20,000 hostile 30 KB messageIds would hold 600 MB. What is not remembered is always sent.
 */
const MAX_REMEMBERED_KEY_CHARS = 1024

export const DELIVERED = 'delivered'
export type Recalled = ReadonlySet<PartToken> | typeof DELIVERED | undefined

/**
 * A Map with a capacity and a time to live per entry. Two generations: when
 * the young one is full it becomes the old one and the old one is dropped, so
 * the least recently used entries go first without deleting one by one (a
 * Map emptied from its front slows every later iteration in V8).
 */
class BoundedMap<V> {
  private young = new Map<string, { value: V; expires: number }>()
  private old = new Map<string, { value: V; expires: number }>()
  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number
  ) {}

  get(key: string, now: number): V | undefined {
    let entry = this.young.get(key)
    if (!entry) {
      entry = this.old.get(key)
      if (entry && entry.expires > now) this.keep(key, entry)
    }
    return entry && entry.expires > now ? entry.value : undefined
  }

  delete(key: string): void {
    this.young.delete(key)
    this.old.delete(key)
  }

  get empty(): boolean {
    return this.young.size === 0 && this.old.size === 0
  }

  clear(): void {
    this.young = new Map()
    this.old = new Map()
  }

  set(key: string, value: V, now: number): void {
    if (key.length > MAX_REMEMBERED_KEY_CHARS) return
    this.keep(key, { value, expires: now + this.ttlMs })
  }

  private keep(key: string, entry: { value: V; expires: number }): void {
    if (!this.young.has(key) && this.young.size >= this.capacity / 2) {
      this.old = this.young
      this.young = new Map()
    }
    this.young.set(key, entry)
  }
}

export class DeliveryMemory {
  /** By messageId: what Braze accepted, and the fingerprint of the content, where the single handlers gave one. */
  private readonly messages = new BoundedMap<{ parts: PartToken[] | typeof DELIVERED; content?: string; cut?: number; refused?: string }>(
    MAX_MESSAGES,
    MESSAGE_TTL_MS
  )
  /** By the identity of the profile merged away: the merge Braze took. */
  private readonly merges = new BoundedMap<string>(MAX_MERGES, MERGE_TTL_MS)
  /** By user: each attribute's last delivered value (JSON) and the count of writes elsewhere when it was sent. */
  private readonly values = new BoundedMap<Map<string, { json: string; asOf: number; at: number }>>(MAX_USERS, VALUES_TTL_MS)
  /**
   * Writes by another identifier than an external_id (byExternalId in unchanged-attributes.ts) may
   * change any user's attribute: counted, and by attribute the count at the last one that carried it.
   * A value sent before that write no longer counts as the profile's.
   */
  private writesElsewhere = 0
  private readonly lastWrittenElsewhere = new Map<string, number>()
  /** The count when lastWrittenElsewhere was last emptied: a value sent before it may have been written over since. */
  private forgottenBefore = 0
  /** Profiles whose merge is on its way to Braze: how many requests carry it, and whether the profile was written to meanwhile. */
  private readonly mergesSending = new Map<string, { requests: number; stale: boolean }>()
  /** Users whose attributes are on their way to Braze: how many requests carry them, and whether two ever did at once. */
  private readonly sending = new Map<string, { requests: number; overlapped: boolean; asOf: number }>()

  /** Messages an invocation of this instance is delivering now: how many invocations. */
  private readonly delivering = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether another invocation of this instance is delivering this message now (begin … end). */
  inFlight(messageId: string): boolean {
    return this.delivering.has(messageId)
  }

  begin(messageIds: Iterable<string>): void {
    for (const id of messageIds) this.delivering.set(id, (this.delivering.get(id) ?? 0) + 1)
  }

  end(messageIds: Iterable<string>): void {
    for (const id of messageIds) {
      const left = (this.delivering.get(id) ?? 1) - 1
      if (left > 0) this.delivering.set(id, left)
      else this.delivering.delete(id)
    }
  }

  /**
   * The parts of this message Braze accepted before, or `delivered` when it took all of them. With
   * `content` (a fingerprint of the event), a message remembered with another content is a new one.
   */
  recall(messageId: string, content?: string): Recalled {
    const known = this.messages.get(messageId, this.now())
    if (!known || (content !== undefined && known.content !== undefined && known.content !== content)) return undefined
    return known.parts === DELIVERED ? DELIVERED : new Set(known.parts)
  }

  /**
   * `cut`: the maxObjectsPerRequest the event's parts were cut with. Part numbers name parts of that
   * cut, so a redelivery under another setting cuts the event as it was then (cutOf).
   */
  remember(
    messageId: string,
    accepted: Iterable<PartToken>,
    delivered: boolean,
    content: string | undefined,
    cut: number,
    refused?: string
  ): void {
    const before = this.recall(messageId, content)
    if (before === DELIVERED) return
    const known = before && this.messages.get(messageId, this.now())
    // The batch handler gives no content: the one a single handler gave stays.
    const kept = content ?? known?.content
    if (delivered) return this.messages.set(messageId, { parts: DELIVERED, content: kept }, this.now())
    const parts = new Set([...(before ?? []), ...accepted])
    const entry = { parts: [...parts], content: kept, cut: known?.cut ?? cut, refused: known?.refused ?? refused }
    if (parts.size > 0) this.messages.set(messageId, entry, this.now())
  }

  /**
   * Why Braze refused an object of the message by name in an earlier attempt that was retried for another
   * reason: the parts it took are not sent again, and the refusal still decides the outcome (a 400).
   */
  refusalOf(messageId: string): string | undefined {
    return this.messages.get(messageId, this.now())?.refused
  }

  /** The maxObjectsPerRequest the message's remembered parts were cut with. */
  cutOf(messageId: string): number | undefined {
    return this.messages.get(messageId, this.now())?.cut
  }

  /** Forgets what Braze accepted for this message: its id turned out to name different events. */
  forget(messageId: string): void {
    this.messages.delete(messageId)
  }

  /** Whether Braze took this merge (`key`) of the profile `merged` names, and nothing was sent to that profile since. */
  mergeDone(merged: string, key: string): boolean {
    return this.merges.get(merged, this.now()) === key
  }

  rememberMerge(merged: string, key: string): void {
    if (key.length <= 2 * MAX_REMEMBERED_KEY_CHARS) this.merges.set(merged, key, this.now())
  }

  /** A merge of this profile is on its way to Braze; `mergeAnswered` follows. */
  mergeSending(merged: string): void {
    const sending = this.mergesSending.get(merged)
    if (sending) sending.requests += 1
    else this.mergesSending.set(merged, { requests: 1, stale: false })
  }

  /** Braze took the merge (`key`) or not (undefined). Not remembered when the profile was written to meanwhile. */
  mergeAnswered(merged: string, key: string | undefined): void {
    const sending = this.mergesSending.get(merged)
    if (key !== undefined && !sending?.stale) this.rememberMerge(merged, key)
    if (sending && --sending.requests === 0) this.mergesSending.delete(merged)
  }

  /**
   * Something is on its way to this profile: an event for an alias or an old userId that was merged away
   * creates the profile again, and the next merge of it must be sent, even if one in flight now succeeds.
   */
  forgetMerge(merged: string): void {
    this.merges.delete(merged)
    const sending = this.mergesSending.get(merged)
    if (sending) sending.stale = true
  }

  /** The JSON of the value last delivered for this user's attribute, if remembered. */
  deliveredValue(user: string, attribute: string): string | undefined {
    const known = this.values.get(user, this.now())?.get(attribute)
    if (known === undefined || known.asOf < this.forgottenBefore || (this.lastWrittenElsewhere.get(attribute) ?? 0) > known.asOf)
      return undefined
    // A day from its own delivery, not from the user's last one: the user's entry lives on with each new value.
    return known.at + VALUES_TTL_MS > this.now() ? known.json : undefined
  }

  /** An object keyed by an email, phone, braze_id or alias carries these attributes to Braze (the other writes go by user). */
  writtenElsewhere(attributes: Iterable<string>): void {
    this.writesElsewhere += 1
    for (const attribute of attributes) this.lastWrittenElsewhere.set(attribute, this.writesElsewhere)
    if (this.lastWrittenElsewhere.size > MAX_NAMES_WRITTEN_ELSEWHERE) {
      this.lastWrittenElsewhere.clear()
      this.values.clear()
      this.forgottenBefore = this.writesElsewhere
    }
  }

  /**
   * A request carries these attributes of the user to Braze. Until Braze accepts them their values are
   * forgotten: a request that gets no answer may still change the profile. Two requests carrying one
   * user's attributes at the same time (overlapping invocations) may be applied in either order, so
   * then neither is remembered: a value that was sent is never taken for what the profile holds.
   */
  sendingValues(user: string, attributes: Iterable<string>): void {
    const known = this.values.get(user, this.now())
    if (known) for (const attribute of attributes) known.delete(attribute)
    const sending = this.sending.get(user)
    if (sending) {
      sending.requests += 1
      sending.overlapped = true
    } else this.sending.set(user, { requests: 1, overlapped: false, asOf: this.writesElsewhere })
  }

  /**
   * The request of `sendingValues` was answered: `accepted` are the values Braze took (plain values as
   * JSON, anything else undefined and so not remembered), or undefined when it did not take them.
   */
  sentValues(user: string, accepted: Array<[attribute: string, json: string | undefined]> | undefined): void {
    const sending = this.sending.get(user)
    if (accepted && sending && !sending.overlapped) this.rememberValues(user, accepted, sending.asOf)
    if (sending && --sending.requests === 0) this.sending.delete(user)
  }

  /**
   * The profile is being deleted or merged away: nothing delivered to it counts any more, nor what a
   * request on its way to it may still deliver (its answer may come after the delete).
   */
  forgetValues(profile: string): void {
    const sending = this.sending.get(profile)
    if (sending) sending.overlapped = true
    this.values.delete(profile)
  }

  /**
   * Nothing delivered counts any more: a profile deleted by an alias, email or phone may be any user's
   * (attached outside Segment), and writes made while skipUnchangedAttributes was off were not followed.
   */
  forgetEveryValue(): void {
    for (const sending of this.sending.values()) sending.overlapped = true
    if (!this.values.empty) this.values.clear()
  }

  private rememberValues(user: string, delivered: Array<[attribute: string, json: string | undefined]>, asOf: number): void {
    const known = this.values.get(user, this.now()) ?? new Map<string, { json: string; asOf: number; at: number }>()
    const cost = (attribute: string, json: string) => attribute.length + json.length + REMEMBERED_ENTRY_CHARS
    let chars = 0
    for (const [attribute, { json }] of known) chars += cost(attribute, json)
    for (const [attribute, json] of delivered) {
      const before = known.get(attribute)
      if (before !== undefined) {
        known.delete(attribute)
        chars -= cost(attribute, before.json)
      }
      if (json !== undefined && chars + cost(attribute, json) <= MAX_REMEMBERED_CHARS_PER_USER) {
        known.set(attribute, { json, asOf, at: this.now() })
        chars += cost(attribute, json)
      }
    }
    this.values.set(user, known, this.now())
  }
}

interface SegmentCache {
  load(key: string, ttlMs: number, fn: () => Promise<unknown>): Promise<unknown>
  delete(key: string): void
}

// A free name, as Segment's docs use it: a global (the emulator's way) or a binding around the script alike.
declare const cache: Partial<SegmentCache> | undefined

function segmentCache(): SegmentCache | undefined {
  const provided = typeof cache === 'undefined' ? undefined : cache
  return typeof provided?.load === 'function' && typeof provided.delete === 'function' ? (provided as SegmentCache) : undefined
}

const STORE_TTL_MS = 24 * 60 * 60 * 1000

/** FNV-1a: the memory is kept per API key without the key itself becoming a cache key; and per content of a message. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(36)
}

export interface OpenedMemory {
  memory: DeliveryMemory
  /**
   * Stores the memory again, so it stays for STORE_TTL_MS after this invocation rather than after
   * the one that first stored it: a memory that expired while Segment still retries would send
   * again what Braze already has. It also ends this invocation's use of the memory: call it once,
   * whatever happened.
   */
  keep(): Promise<void>
}

/**
 * The memory each key's running invocations share. Without it, invocations
 * that overlap fork the memory: one opening between another's `cache.delete`
 * and its store again (or two first ones) would each start an empty memory,
 * and what one of them learns is lost when the other stores its own.
 */
const inUse = new Map<string, { memory: DeliveryMemory; invocations: number }>()

/** The memory of this Braze instance and key, or undefined where the runtime has no cache (or it fails). */
export async function openMemory(restHost: string, apiKey: string): Promise<OpenedMemory | undefined> {
  const cache = segmentCache()
  if (!cache) return undefined
  const key = `braze-destination-memory:${restHost}:${fingerprint(apiKey)}`
  const shared = inUse.get(key) ?? (await openShared(cache, key))
  if (!shared) return undefined
  shared.invocations += 1
  const { memory } = shared
  return {
    memory,
    async keep() {
      try {
        cache.delete(key)
        await cache.load(key, STORE_TTL_MS, async () => memory)
      } catch {
        // Best effort: a cache that fails only means the next redelivery is sent again.
      } finally {
        shared.invocations -= 1
        if (shared.invocations === 0 && inUse.get(key) === shared) inUse.delete(key)
      }
    }
  }
}

async function openShared(cache: SegmentCache, key: string) {
  let found: unknown
  try {
    found = await cache.load(key, STORE_TTL_MS, async () => new DeliveryMemory())
  } catch {
    return undefined
  }
  // Another invocation may have opened it while the cache answered.
  const shared = inUse.get(key) ?? { memory: found instanceof DeliveryMemory ? found : new DeliveryMemory(), invocations: 0 }
  inUse.set(key, shared)
  return shared
}
