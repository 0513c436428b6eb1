import { TRACK_ARRAYS } from './braze-types'

/**
 * Packs /users/track objects into as few requests as Braze's limits allow
 * (braze-api.md): at most `perType` (75) of each array and `combined` objects
 * in all per request. Pure and generic over what an object is.
 *
 * The request count always equals the lower bound
 *   max(ceil(A/75), ceil(E/75), ceil(P/75), ceil((A+E+P)/combined)).
 * Units (one user's objects) are placed largest first, whole, into the
 * fullest request that has room for them and leaves room enough for
 * everything not yet placed (`Room`); a unit no request can take whole is
 * split over as few requests as that check allows, which can always succeed,
 * so that many requests always suffice.
 */
export interface TrackObjects<A, E, P> {
  attributes: A[]
  events: E[]
  purchases: P[]
}

export interface PackLimits {
  perType: number
  combined: number
}

const ARRAYS = TRACK_ARRAYS
type ArrayName = (typeof ARRAYS)[number]

export function lowerBound(counts: Record<ArrayName, number>, limits: PackLimits): number {
  const total = counts.attributes + counts.events + counts.purchases
  return Math.max(
    ...ARRAYS.map((name) => Math.ceil(counts[name] / limits.perType)),
    Math.ceil(total / limits.combined)
  )
}

export function packRequests<A, E, P>(units: Array<TrackObjects<A, E, P>>, limits: PackLimits): Array<TrackObjects<A, E, P>> {
  const counts = { attributes: 0, events: 0, purchases: 0 }
  for (const unit of units) for (const name of ARRAYS) counts[name] += unit[name].length
  const requestCount = lowerBound(counts, limits)
  if (requestCount === 0) return []

  // Placed items remember their unit and position, so each request keeps input order.
  type Placed = { unit: number; position: number; item: unknown }
  const room = new Room(counts, requestCount, limits)
  const bins: Array<Record<ArrayName, Placed[]>> = Array.from({ length: requestCount }, () => ({ attributes: [], events: [], purchases: [] }))
  const put = (bin: number, name: ArrayName, unit: number, position: number, item: unknown) => bins[bin]![name].push({ unit, position, item })

  const sizeOf = (unit: TrackObjects<A, E, P>) => unit.attributes.length + unit.events.length + unit.purchases.length
  const order = units.map((_, index) => index).sort((a, b) => sizeOf(units[b]!) - sizeOf(units[a]!) || a - b)

  for (const unitIndex of order) {
    const unit = units[unitIndex]!
    if (sizeOf(unit) === 0) continue
    const need = { attributes: unit.attributes.length, events: unit.events.length, purchases: unit.purchases.length }
    const candidates = room.fullestFirst()
    const whole = candidates.find((bin) => room.take(bin, need))
    if (whole !== undefined) {
      for (const name of ARRAYS) unit[name].forEach((item, position) => put(whole, name, unitIndex, position, item))
      continue
    }
    // No request can take it whole: as many of its objects as fit into each request in turn, the
    // requests that already hold part of it first. One pass suffices: a request that can take no
    // more now never can later, and the objects left can always be placed somewhere.
    const mine = new Set<number>()
    for (const name of ARRAYS) {
      let position = 0
      for (const bin of [...mine, ...candidates.filter((candidate) => !mine.has(candidate))]) {
        if (position === unit[name].length) break
        const placed = room.takeMost(bin, name, unit[name].length - position)
        if (placed > 0) mine.add(bin)
        for (let k = 0; k < placed; k++, position++) put(bin, name, unitIndex, position, unit[name][position])
      }
      if (position < unit[name].length) throw new Error('batch packer: no request has room left') // unreachable, see above
    }
  }

  const byInputOrder = (a: Placed, b: Placed) => a.unit - b.unit || a.position - b.position
  return bins.map((bin) => ({
    attributes: bin.attributes.sort(byInputOrder).map((placed) => placed.item as A),
    events: bin.events.sort(byInputOrder).map((placed) => placed.item as E),
    purchases: bin.purchases.sort(byInputOrder).map((placed) => placed.item as P)
  }))
}

const SUBSETS: ArrayName[][] = [
  ['attributes'], ['events'], ['purchases'],
  ['attributes', 'events'], ['attributes', 'purchases'], ['events', 'purchases'],
  ['attributes', 'events', 'purchases']
]

type Counts = Record<ArrayName, number>

/**
 * The requests' loads and the objects still to place. Placing is a
 * transportation problem (arrays → requests, with per-array and combined
 * capacities); by max-flow min-cut the objects left fit iff, for every set S
 * of arrays, the objects of S left ≤ Σ over requests of
 * min(combined room, Σ_{S} per-array room). Those sums are kept up to date
 * per request, so a check costs 7 comparisons. `take` places objects in a
 * request only if everything not yet placed still fits; `takeMost` finds the
 * most of one array a request can take (room is monotone: binary search).
 * Requests are tried fullest first (best fit), so the emptier ones keep room
 * for the units still to come. (No comments inside the class: esbuild keeps
 * those in the bundle.)
 */
class Room {
  private readonly loads: Array<Counts & { total: number }>
  private readonly remaining: Counts
  private readonly free: number[]

  constructor(counts: Counts, requestCount: number, private readonly limits: PackLimits) {
    this.remaining = { ...counts }
    this.loads = Array.from({ length: requestCount }, () => ({ attributes: 0, events: 0, purchases: 0, total: 0 }))
    this.free = SUBSETS.map(() => 0)
    for (let bin = 0; bin < requestCount; bin++) this.account(bin, 1)
  }
  fullestFirst(): number[] {
    return this.loads.map((_, bin) => bin).sort((a, b) => this.loads[b]!.total - this.loads[a]!.total || a - b)
  }
  take(bin: number, need: Counts): boolean {
    const load = this.loads[bin]!
    if (load.total + need.attributes + need.events + need.purchases > this.limits.combined) return false
    if (ARRAYS.some((name) => load[name] + need[name] > this.limits.perType)) return false
    this.move(bin, need, 1)
    if (this.restFits()) return true
    this.move(bin, need, -1)
    return false
  }
  takeMost(bin: number, name: ArrayName, most: number): number {
    const need = (k: number): Counts => ({ attributes: 0, events: 0, purchases: 0, [name]: k })
    const load = this.loads[bin]!
    let low = 0
    let high = Math.min(most, this.limits.perType - load[name], this.limits.combined - load.total)
    while (low < high) {
      const mid = Math.ceil((low + high) / 2)
      if (this.take(bin, need(mid))) {
        this.move(bin, need(mid), -1)
        low = mid
      } else high = mid - 1
    }
    if (low > 0) this.move(bin, need(low), 1)
    return low
  }

  private restFits(): boolean {
    return SUBSETS.every((subset, i) => subset.reduce((sum, name) => sum + this.remaining[name], 0) <= this.free[i]!)
  }

  private move(bin: number, need: Counts, sign: 1 | -1): void {
    this.account(bin, -1)
    const load = this.loads[bin]!
    for (const name of ARRAYS) {
      load[name] += sign * need[name]
      load.total += sign * need[name]
      this.remaining[name] -= sign * need[name]
    }
    this.account(bin, 1)
  }
  private account(bin: number, sign: 1 | -1): void {
    const load = this.loads[bin]!
    SUBSETS.forEach((subset, i) => {
      const typed = subset.reduce((sum, name) => sum + this.limits.perType - load[name], 0)
      this.free[i]! += sign * Math.min(this.limits.combined - load.total, typed)
    })
  }
}
