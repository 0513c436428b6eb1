/**
 * Packs /users/track objects into as few requests as Braze's limits allow
 * (braze-api.md): at most `perType` (75) of each array and `combined` objects
 * in all per request. Pure and generic over what an object is.
 *
 * The request count always equals the lower bound
 *   max(ceil(A/75), ceil(E/75), ceil(P/75), ceil((A+E+P)/combined)).
 * Dealing all objects round-robin over that many requests gives per-request
 * quotas that respect every limit; units (one user's objects) are then placed
 * whole into a request whose quotas fit, largest first, and split object by
 * object only when no request has room for the whole unit.
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

const ARRAYS = ['attributes', 'events', 'purchases'] as const
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

  const quotas = dealQuotas(counts, requestCount)
  // Placed items remember their unit and position, so each request keeps input order.
  type Placed = { unit: number; position: number; item: unknown }
  const bins: Array<Record<ArrayName, Placed[]>> = quotas.map(() => ({ attributes: [], events: [], purchases: [] }))

  const order = units.map((_, index) => index)
  const size = (index: number) => ARRAYS.reduce((sum, name) => sum + units[index]![name].length, 0)
  order.sort((a, b) => size(b) - size(a) || a - b)

  for (const unitIndex of order) {
    const unit = units[unitIndex]!
    const whole = quotas.findIndex((quota) => ARRAYS.every((name) => quota[name] >= unit[name].length))
    for (const name of ARRAYS) {
      unit[name].forEach((item, position) => {
        const bin = whole >= 0 ? whole : quotas.findIndex((quota) => quota[name] > 0)
        quotas[bin]![name]--
        bins[bin]![name].push({ unit: unitIndex, position, item })
      })
    }
  }

  const byInputOrder = (a: Placed, b: Placed) => a.unit - b.unit || a.position - b.position
  return bins.map((bin) => ({
    attributes: bin.attributes.sort(byInputOrder).map((placed) => placed.item as A),
    events: bin.events.sort(byInputOrder).map((placed) => placed.item as E),
    purchases: bin.purchases.sort(byInputOrder).map((placed) => placed.item as P)
  }))
}

/** Round-robin dealing: each request gets floor or ceil of its share per array and in total. */
function dealQuotas(counts: Record<ArrayName, number>, requestCount: number): Array<Record<ArrayName, number>> {
  const quotas = Array.from({ length: requestCount }, () => ({ attributes: 0, events: 0, purchases: 0 }))
  let next = 0
  for (const name of ARRAYS) {
    const perBin = Math.floor(counts[name] / requestCount)
    for (const quota of quotas) quota[name] = perBin
    for (let extra = counts[name] % requestCount; extra > 0; extra--) {
      quotas[next]![name]++
      next = (next + 1) % requestCount
    }
  }
  return quotas
}
