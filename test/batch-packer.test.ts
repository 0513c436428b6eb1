// The /users/track packer: limits, completeness, the request count, and
// keeping each user's objects together when they fit.
import fc from 'fast-check'
import { lowerBound, packRequests, type PackLimits, type TrackObjects } from '../src/destination/batch-packer'

type Obj = { unit: number; kind: 'a' | 'e' | 'p'; n: number }
type Unit = TrackObjects<Obj, Obj, Obj>
const ARRAYS = ['attributes', 'events', 'purchases'] as const

function makeUnits(sizes: Array<[number, number, number]>): Unit[] {
  return sizes.map(([a, e, p], unit) => ({
    attributes: Array.from({ length: a }, (_, n) => ({ unit, kind: 'a' as const, n })),
    events: Array.from({ length: e }, (_, n) => ({ unit, kind: 'e' as const, n })),
    purchases: Array.from({ length: p }, (_, n) => ({ unit, kind: 'p' as const, n }))
  }))
}

function totals(units: Unit[]): Record<(typeof ARRAYS)[number], number> {
  const out = { attributes: 0, events: 0, purchases: 0 }
  for (const unit of units) for (const name of ARRAYS) out[name] += unit[name].length
  return out
}

const expectedCount = (units: Unit[], limits: PackLimits) => {
  const { attributes: A, events: E, purchases: P } = totals(units)
  return Math.max(Math.ceil(A / 75), Math.ceil(E / 75), Math.ceil(P / 75), Math.ceil((A + E + P) / limits.combined))
}

function checkPacking(units: Unit[], limits: PackLimits, requests: Unit[]): void {
  // Limits (plain loops, one assertion: this runs thousands of times).
  const overLimit = requests.filter((request) => {
    const size = ARRAYS.reduce((sum, name) => sum + request[name].length, 0)
    return size === 0 || size > limits.combined || ARRAYS.some((name) => request[name].length > limits.perType)
  })
  expect(overLimit).toEqual([])
  // Every object exactly once, in the array it came from.
  for (const name of ARRAYS) {
    const sent = requests.flatMap((request) => request[name])
    const expected = units.flatMap((unit) => unit[name])
    expect(sent).toHaveLength(expected.length)
    const sentSet = new Set(sent)
    expect(sentSet.size).toBe(expected.length)
    expect(expected.every((object) => sentSet.has(object))).toBe(true)
  }
  expect(requests).toHaveLength(expectedCount(units, limits))
}

/** The requests each unit's objects ended up in. */
function requestsOf(requests: Unit[], unit: number): Set<number> {
  const found = new Set<number>()
  requests.forEach((request, index) => {
    for (const name of ARRAYS) if (request[name].some((object) => object.unit === unit)) found.add(index)
  })
  return found
}

const unitSize = fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 6 }), fc.nat({ max: 12 }))

describe('packRequests (property-based)', () => {
  test('within limits, every object once, request count = the lower bound, for L in 1..225', () => {
    fc.assert(
      fc.property(fc.array(unitSize, { maxLength: 120 }), fc.integer({ min: 1, max: 225 }), (sizes, combined) => {
        const units = makeUnits(sizes)
        const limits = { perType: 75, combined }
        checkPacking(units, limits, packRequests(units, limits))
      }),
      { numRuns: 300 }
    )
  })

  test('big units (over a request) and skewed mixes', () => {
    const big = fc.tuple(fc.nat({ max: 80 }), fc.nat({ max: 160 }), fc.nat({ max: 240 }))
    fc.assert(
      fc.property(fc.array(fc.oneof(unitSize, big), { maxLength: 25 }), fc.integer({ min: 1, max: 225 }), (sizes, combined) => {
        const units = makeUnits(sizes)
        const limits = { perType: 75, combined }
        checkPacking(units, limits, packRequests(units, limits))
      }),
      { numRuns: 200 }
    )
  })

  test('with L = 50 no request carries over 50 objects', () => {
    fc.assert(
      fc.property(fc.array(unitSize, { minLength: 1, maxLength: 150 }), (sizes) => {
        const units = makeUnits(sizes)
        const requests = packRequests(units, { perType: 75, combined: 50 })
        for (const request of requests) expect(request.attributes.length + request.events.length + request.purchases.length).toBeLessThanOrEqual(50)
        checkPacking(units, { perType: 75, combined: 50 }, requests)
      }),
      { numRuns: 200 }
    )
  })

  test('a request keeps input order within each array', () => {
    fc.assert(
      fc.property(fc.array(unitSize, { maxLength: 60 }), fc.integer({ min: 1, max: 225 }), (sizes, combined) => {
        const requests = packRequests(makeUnits(sizes), { perType: 75, combined })
        for (const request of requests) {
          for (const name of ARRAYS) {
            const keys = request[name].map((object) => object.unit * 10_000 + object.n)
            expect(keys).toEqual([...keys].sort((a, b) => a - b))
          }
        }
      }),
      { numRuns: 100 }
    )
  })
})

describe('packRequests (examples)', () => {
  test('nothing to send → no request', () => {
    expect(packRequests([], { perType: 75, combined: 75 })).toEqual([])
    expect(packRequests(makeUnits([[0, 0, 0]]), { perType: 75, combined: 75 })).toEqual([])
  })

  test('lowerBound is the formula', () => {
    expect(lowerBound({ attributes: 76, events: 0, purchases: 0 }, { perType: 75, combined: 225 })).toBe(2)
    expect(lowerBound({ attributes: 50, events: 50, purchases: 50 }, { perType: 75, combined: 75 })).toBe(2)
    expect(lowerBound({ attributes: 50, events: 50, purchases: 51 }, { perType: 75, combined: 50 })).toBe(4)
    expect(lowerBound({ attributes: 0, events: 0, purchases: 0 }, { perType: 75, combined: 50 })).toBe(0)
  })

  test('a 3-purchase order stays in one request among many single events', () => {
    for (const combined of [50, 75, 100, 150, 225]) {
      for (const others of [10, 74, 75, 76, 100, 149, 200, 300]) {
        const sizes: Array<[number, number, number]> = [[0, 0, 3], ...Array.from({ length: others }, (): [number, number, number] => [1, 1, 0])]
        const units = makeUnits(sizes)
        const limits = { perType: 75, combined }
        const requests = packRequests(units, limits)
        checkPacking(units, limits, requests)
        expect({ combined, others, requests: requestsOf(requests, 0).size }).toEqual({ combined, others, requests: 1 })
      }
    }
  })

  test('several small orders and identifies each stay whole when the requests have room to spare', () => {
    const sizes: Array<[number, number, number]> = []
    for (let i = 0; i < 120; i++) sizes.push(i % 3 === 0 ? [1, 0, 3] : i % 3 === 1 ? [1, 2, 0] : [1, 1, 2])
    const units = makeUnits(sizes)
    // 440 objects: 6 requests of 75 or 3 of 225 leave room; 9 of 50 would need an exact bin packing.
    for (const combined of [75, 150, 225]) {
      const limits = { perType: 75, combined }
      const requests = packRequests(units, limits)
      checkPacking(units, limits, requests)
      const split = sizes.map((_, unit) => requestsOf(requests, unit).size).filter((count) => count > 1)
      expect(split).toEqual([])
    }
  })

  test('one order or user that fits a request is never split, whatever else the batch holds', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat({ max: 10 }), fc.nat({ max: 10 }), fc.integer({ min: 1, max: 10 })),
        fc.array(fc.constantFrom<[number, number, number]>([1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]), { maxLength: 400 }),
        fc.integer({ min: 30, max: 225 }),
        (first, others, combined) => {
          const units = makeUnits([first, ...others])
          const limits = { perType: 75, combined }
          const requests = packRequests(units, limits)
          checkPacking(units, limits, requests)
          expect(requestsOf(requests, 0).size).toBe(1)
        }
      ),
      { numRuns: 200 }
    )
  })

  test('a unit bigger than a request is split, and still within limits', () => {
    const units = makeUnits([[1, 0, 160]])
    const requests = packRequests(units, { perType: 75, combined: 225 })
    checkPacking(units, { perType: 75, combined: 225 }, requests)
    expect(requests).toHaveLength(3)
    expect(requestsOf(requests, 0).size).toBe(3)
  })
})
