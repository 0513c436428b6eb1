// The unit of /users/track planning: objects with the events they stand for,
// grouped by the array they go in. An event's part, a packing atom and a
// request are all bundles. Pure.
import { TRACK_ARRAYS, type TrackArray } from './braze-limits'
import type { BrazeAttributes, BrazeEvent, BrazePurchase } from './braze-types'
import { jsonSize } from './values'

/**
 * Which of an event's objects an item carries: `attributes`, or the n-th chunk
 * of its events and purchases. Braze's acceptance is remembered per part, so
 * a redelivery sends only the parts Braze has not accepted yet.
 */
export type PartToken = 'attributes' | number

export interface Item<T> {
  object: T
  /** Input indexes of the events this object stands for (several for merged attributes). */
  owners: number[]
  part: PartToken
  /** Its size in the request body, in UTF-8 bytes. */
  bytes: number
}

export interface Bundle {
  attributes: Item<BrazeAttributes>[]
  events: Item<BrazeEvent>[]
  purchases: Item<BrazePurchase>[]
}

export interface BundleSize {
  attributes: number
  events: number
  purchases: number
  total: number
  bytes: number
}

export function emptyBundle(): Bundle {
  return { attributes: [], events: [], purchases: [] }
}

export function item<T>(object: T, owners: number[], part: PartToken): Item<T> {
  return { object, owners, part, bytes: jsonSize(object) }
}

export function sizeOf(bundle: Bundle): BundleSize {
  const size = {
    attributes: bundle.attributes.length,
    events: bundle.events.length,
    purchases: bundle.purchases.length,
    total: 0,
    bytes: 0
  }
  size.total = size.attributes + size.events + size.purchases
  for (const name of TRACK_ARRAYS) for (const entry of bundle[name]) size.bytes += entry.bytes + 1
  return size
}

export function addTo(target: Bundle, source: Bundle): void {
  target.attributes.push(...source.attributes)
  target.events.push(...source.events)
  target.purchases.push(...source.purchases)
}

export function itemsOf(bundle: Bundle): Array<{ array: TrackArray; item: Item<unknown> }> {
  const out: Array<{ array: TrackArray; item: Item<unknown> }> = []
  for (const array of TRACK_ARRAYS) for (const entry of bundle[array]) out.push({ array, item: entry })
  return out
}

/** The request body, arrays in Braze's processing order (attributes, events, purchases). */
export function bodyOf(bundle: Bundle): Record<string, unknown[]> {
  const body: Record<string, unknown[]> = {}
  for (const array of TRACK_ARRAYS) {
    if (bundle[array].length > 0) body[array] = bundle[array].map((entry) => entry.object)
  }
  return body
}

/** The input index of the first event a bundle carries something of: packing keeps input order by it. */
export function firstOwner(bundle: Bundle): number {
  let first = Infinity
  for (const array of TRACK_ARRAYS) for (const entry of bundle[array]) first = Math.min(first, ...entry.owners)
  return first
}
