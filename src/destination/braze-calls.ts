import { identityKey, MAX_OBJECTS_PER_TYPE, TRACK_ARRAYS, type AliasToIdentify, type BrazeAttributes, type BrazeEvent, type BrazePurchase, type DeleteTarget, type MergeUpdate, type TrackArray } from './braze-types'
import type { BrazePath } from './braze-client'
import { packRequests, type PackLimits } from './batch-packer'
import { mergeAttributes } from './merge-attributes'
import type { EventPlan } from './plan'

/**
 * Plans → the Braze requests to make, each object remembering the input
 * events it came from, so every Braze answer can be traced back. Pure.
 */
export interface Owned<T> {
  object: T
  owners: number[]
}

export interface PlannedCall {
  path: BrazePath
  body: Record<string, unknown>
  /** For /users/track: the owners of each object, by array and index as sent. */
  trackOwners?: Record<TrackArray, number[][]>
  /** Every event behind this request. */
  owners: number[]
}

export interface CallPlanStats {
  attributeObjectsBeforeMerge: number
  attributeObjectsAfterMerge: number
}

/** Braze's per-request maximum for /users/identify, /users/merge and /users/delete. */
export const USER_ENDPOINT_CHUNK = 50

export function planCalls(plans: Array<EventPlan | undefined>, maxObjectsPerRequest: number): { calls: PlannedCall[]; stats: CallPlanStats } {
  const updates: Array<{ object: BrazeAttributes; owner: number; epoch: number | undefined }> = []
  const units = new Map<string, { attributes: Owned<BrazeAttributes>[]; events: Owned<BrazeEvent>[]; purchases: Owned<BrazePurchase>[] }>()
  const unitFor = (object: BrazeAttributes | BrazeEvent | BrazePurchase) => {
    const key = identityKey(object)
    let unit = units.get(key)
    if (!unit) units.set(key, (unit = { attributes: [], events: [], purchases: [] }))
    return unit
  }
  const identifies = new Dedup<AliasToIdentify>()
  const merges = new Dedup<MergeUpdate>()
  const deletes = new Dedup<DeleteTarget>()

  plans.forEach((plan, owner) => {
    if (!plan) return
    for (const object of plan.attributes) updates.push({ object, owner, epoch: plan.epoch })
    for (const object of plan.events) unitFor(object).events.push({ object, owners: [owner] })
    for (const object of plan.purchases) unitFor(object).purchases.push({ object, owners: [owner] })
    for (const item of plan.aliasesToIdentify) identifies.add(item, owner)
    for (const item of plan.merges) merges.add(item, owner)
    for (const item of plan.deletes) deletes.add(item, owner)
  })
  const merged = mergeAttributes(updates)
  for (const owned of merged) unitFor(owned.object).attributes.push(owned)

  const limits: PackLimits = { perType: MAX_OBJECTS_PER_TYPE, combined: maxObjectsPerRequest }
  const calls: PlannedCall[] = packRequests([...units.values()], limits).map(trackCall)
  for (const chunk of chunks(identifies.items(), USER_ENDPOINT_CHUNK)) {
    calls.push(ownedCall('/users/identify', { aliases_to_identify: chunk.map((item) => item.object) }, chunk))
  }
  for (const chunk of chunks(merges.items(), USER_ENDPOINT_CHUNK)) {
    calls.push(ownedCall('/users/merge', { merge_updates: chunk.map((item) => item.object) }, chunk))
  }
  // /users/delete takes exactly one kind of identifier per request.
  const deleteItems = deletes.items()
  const byExternalId = deleteItems.filter((item) => 'external_id' in item.object)
  const byAlias = deleteItems.filter((item) => 'user_alias' in item.object)
  for (const chunk of chunks(byExternalId, USER_ENDPOINT_CHUNK)) {
    calls.push(ownedCall('/users/delete', { external_ids: chunk.map((item) => (item.object as { external_id: string }).external_id) }, chunk))
  }
  for (const chunk of chunks(byAlias, USER_ENDPOINT_CHUNK)) {
    calls.push(ownedCall('/users/delete', { user_aliases: chunk.map((item) => (item.object as { user_alias: unknown }).user_alias) }, chunk))
  }
  return { calls, stats: { attributeObjectsBeforeMerge: updates.length, attributeObjectsAfterMerge: merged.length } }
}


function trackCall(request: { attributes: Owned<BrazeAttributes>[]; events: Owned<BrazeEvent>[]; purchases: Owned<BrazePurchase>[] }): PlannedCall {
  const body: Record<string, unknown> = {}
  const trackOwners: Record<TrackArray, number[][]> = { attributes: [], events: [], purchases: [] }
  const owners = new Set<number>()
  for (const name of TRACK_ARRAYS) {
    const items = request[name] as Owned<unknown>[]
    if (items.length === 0) continue
    body[name] = items.map((item) => item.object)
    trackOwners[name] = items.map((item) => item.owners)
    for (const item of items) for (const owner of item.owners) owners.add(owner)
  }
  return { path: '/users/track', body, trackOwners, owners: [...owners] }
}

function ownedCall(path: BrazePath, body: Record<string, unknown>, items: Owned<unknown>[]): PlannedCall {
  return { path, body, owners: [...new Set(items.flatMap((item) => item.owners))] }
}

/** The same request twice in one batch (an alias seen on every identify) is sent once, on behalf of all. */
class Dedup<T> {
  private readonly byKey = new Map<string, Owned<T>>()
  add(object: T, owner: number): void {
    const key = JSON.stringify(object)
    const existing = this.byKey.get(key)
    if (existing) {
      if (!existing.owners.includes(owner)) existing.owners.push(owner)
    } else this.byKey.set(key, { object, owners: [owner] })
  }
  items(): Owned<T>[] {
    return [...this.byKey.values()]
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}
