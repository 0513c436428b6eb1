// The /users/track packer: limits, every object once, atoms kept whole, and
// the request count at the lower bound when atoms are single objects.
import fc from 'fast-check'
import { fits, lowerBound, packInOrder, packRequests, type RequestLimits } from '../src/destination/batch-packer'
import { emptyBundle, sizeOf, type Bundle } from '../src/destination/track-bundle'

const ARRAYS = ['attributes', 'events', 'purchases'] as const
const limitsFor = (combined: number, bytes = 1024 * 1024): RequestLimits => ({ perType: 75, combined, bytes })

/** An atom of `a` attribute, `e` event and `p` purchase objects of `bytes` each, owned by event `owner`. */
function atom(owner: number, a: number, e: number, p: number, bytes = 100): Bundle {
  const bundle = emptyBundle()
  const make = (n: number) => ({ object: { owner, n } as never, owners: [owner], part: 0 as const, bytes })
  bundle.attributes = Array.from({ length: a }, (_, n) => make(n))
  bundle.events = Array.from({ length: e }, (_, n) => make(n))
  bundle.purchases = Array.from({ length: p }, (_, n) => make(n))
  return bundle
}

const rank = (bundle: Bundle) => Math.min(...ARRAYS.flatMap((name) => bundle[name].map((entry) => entry.owners[0]!)))

function total(atoms: Bundle[]) {
  const out = emptyBundle()
  for (const entry of atoms) for (const name of ARRAYS) (out[name] as unknown[]).push(...entry[name])
  return sizeOf(out)
}

/** Every request within the limits, every object once, every atom in one request. */
function checkPacking(atoms: Bundle[], limits: RequestLimits, requests: Bundle[]): void {
  expect(requests.filter((request) => sizeOf(request).total === 0 || !fits(sizeOf(request), limits))).toEqual([])
  for (const name of ARRAYS) {
    const sent = requests.flatMap((request) => request[name])
    const expected = atoms.flatMap((entry) => entry[name])
    expect(new Set(sent).size).toBe(sent.length)
    expect(sent).toHaveLength(expected.length)
    expect(expected.every((entry) => sent.includes(entry))).toBe(true)
  }
  const whereIs = new Map(
    requests.flatMap((request, index) => ARRAYS.flatMap((name) => request[name].map((entry) => [entry, index] as const)))
  )
  for (const entry of atoms) {
    const places = new Set(ARRAYS.flatMap((name) => entry[name].map((object) => whereIs.get(object))))
    expect(places.size).toBeLessThanOrEqual(1)
  }
}

describe('packRequests', () => {
  test.each([
    ['400 single tracks, L=75', Array.from({ length: 400 }, (_, i) => atom(i, 0, 1, 0)), 75, 6],
    [
      '100 attributes + 100 events, L=100 (per-type limit binds)',
      [...Array.from({ length: 100 }, (_, i) => atom(i, 1, 0, 0)), ...Array.from({ length: 100 }, (_, i) => atom(100 + i, 0, 1, 0))],
      100,
      2
    ],
    ['75 of each, L=225: one request', [...Array.from({ length: 75 }, (_, i) => atom(i, 1, 1, 1))], 225, 1],
    ['75 of each, L=150', [...Array.from({ length: 75 }, (_, i) => atom(i, 1, 1, 1))], 150, 2],
    ['users of 1 attribute + 2 events, L=50 (MAU contracts)', Array.from({ length: 60 }, (_, i) => atom(i, 1, 2, 0)), 50, 4]
  ])('%s: the fewest requests', (_name, atoms, combined, expected) => {
    const limits = limitsFor(combined)
    const requests = packRequests(atoms, limits, rank)
    checkPacking(atoms, limits, requests)
    expect(requests).toHaveLength(expected)
  })

  test('the byte limit: 40 events of 30 KB need two 1 MB requests', () => {
    const atoms = Array.from({ length: 40 }, (_, i) => atom(i, 0, 1, 0, 30 * 1024))
    const limits = limitsFor(75)
    const requests = packRequests(atoms, limits, rank)
    checkPacking(atoms, limits, requests)
    expect(requests).toHaveLength(2)
    expect(lowerBound(total(atoms), limits)).toBe(2)
  })

  test('objects keep input order inside a request', () => {
    const atoms = [atom(2, 0, 1, 0), atom(0, 1, 3, 0), atom(1, 0, 2, 0)]
    const [request] = packRequests(atoms, limitsFor(75), rank)
    expect(request!.events.map((entry) => entry.owners[0])).toEqual([0, 0, 0, 1, 1, 2])
  })
})

describe('packRequests (property-based)', () => {
  const combined = fc.integer({ min: 1, max: 225 })

  test('single-object atoms: within limits, every object once, exactly the lower bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<[number, number, number]>([1, 0, 0], [0, 1, 0], [0, 0, 1]), { maxLength: 500 }),
        combined,
        (kinds, L) => {
          const atoms = kinds.map(([a, e, p], i) => atom(i, a, e, p))
          const limits = limitsFor(L)
          const requests = packRequests(atoms, limits, rank)
          checkPacking(atoms, limits, requests)
          expect(requests).toHaveLength(lowerBound(total(atoms), limits))
        }
      ),
      { numRuns: 200, seed: 7 }
    )
  })

  test('atoms of any size that fits a request: within limits, each atom whole, at most twice the lower bound', () => {
    const shape = fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 8 }), fc.nat({ max: 20 }), fc.integer({ min: 50, max: 40_000 }))
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 120 }), combined, (shapes, L) => {
        const limits = limitsFor(L)
        const atoms = shapes
          .map(([a, e, p, bytes], i) => atom(i, a, e, p, bytes))
          .filter((entry) => sizeOf(entry).total > 0 && fits(sizeOf(entry), limits))
        const requests = packRequests(atoms, limits, rank)
        checkPacking(atoms, limits, requests)
        expect(requests.length).toBeLessThanOrEqual(2 * lowerBound(total(atoms), limits) + 1)
      }),
      { numRuns: 150, seed: 11 }
    )
  })
})

describe('packInOrder (the resend of refused attributes, sent one request after another)', () => {
  test("any atoms that fit a request: within limits, each atom whole, and the requests read in order give each array's objects in order", () => {
    const shape = fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 8 }), fc.nat({ max: 20 }), fc.integer({ min: 50, max: 40_000 }))
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 120 }), fc.integer({ min: 1, max: 225 }), (shapes, L) => {
        const limits = limitsFor(L)
        const atoms = shapes
          .map(([a, e, p, bytes], i) => atom(i, a, e, p, bytes))
          .filter((entry) => sizeOf(entry).total > 0 && fits(sizeOf(entry), limits))
        const requests = packInOrder(atoms, limits)
        checkPacking(atoms, limits, requests)
        // Each array in order (a request lists its attributes, then its events, then its purchases).
        for (const name of ARRAYS) expect(requests.flatMap((request) => request[name])).toEqual(atoms.flatMap((entry) => entry[name]))
      }),
      { numRuns: 150, seed: 13 }
    )
  })
})
