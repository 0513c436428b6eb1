// The embedded Braze stays flat however long it runs: each profile counts
// every event and purchase but keeps only the latest ones in full, the whole
// store keeps a bounded number of them, and the request log keeps only the
// latest requests.
import { type EmbeddedBraze, startEmbeddedBraze } from '../src/tools/embedded-braze'
import { History, HistoryBudget } from '../src/tools/embedded-braze/history'
import { brazeClient } from './helpers/embedded-braze-client'

const API_KEY = 'history-test-key'
const at = (second: number) => `2024-05-01T10:00:${String(second % 60).padStart(2, '0')}Z`
const event = (externalId: string, name: string, second = 0) => ({ external_id: externalId, name, time: at(second) })
const purchase = (externalId: string, productId: string) => ({
  external_id: externalId,
  product_id: productId,
  currency: 'USD',
  price: 5,
  time: at(0)
})

let braze: EmbeddedBraze
const post = brazeClient(() => braze, API_KEY)

async function withBraze(options: Record<string, number>, run: () => Promise<void>): Promise<void> {
  braze = await startEmbeddedBraze({ apiKey: API_KEY, ...options })
  try {
    await run()
  } finally {
    await braze.close()
  }
}

test('a profile counts every event and purchase, and keeps the latest 20 of each in full', () =>
  withBraze({}, async () => {
    const events = Array.from({ length: 25 }, (_, i) => event('u1', i % 5 === 0 ? 'Signed In' : `Step ${i}`, i))
    await post('/users/track', { events: events.slice(0, 20) })
    await post('/users/track', { events: events.slice(20), purchases: [purchase('u1', 'a'), purchase('u1', 'a'), purchase('u1', 'b')] })
    const u1 = braze.profile({ external_id: 'u1' })!
    expect(u1.events).toEqual(events.slice(5).map(({ external_id: _id, ...kept }) => kept))
    expect(u1.eventCount).toBe(25)
    expect(u1.eventCounts['Signed In']).toBe(5)
    expect(Object.values(u1.eventCounts).reduce((sum, count) => sum + count, 0)).toBe(25)
    expect(u1).toMatchObject({ purchaseCount: 3, purchaseCounts: { a: 2, b: 1 } })
    expect(u1.purchases.map((p) => p.product_id)).toEqual(['a', 'a', 'b'])
  }))

test('recentHistory sets how many are kept per profile; 0 keeps counts only', () =>
  withBraze({ recentHistory: 2 }, async () => {
    await post('/users/track', { events: [event('u1', 'A'), event('u1', 'B'), event('u1', 'C')] })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({ events: [{ name: 'B' }, { name: 'C' }], eventCount: 3 })
  }).then(() =>
    withBraze({ recentHistory: 0 }, async () => {
      await post('/users/track', { events: [event('u1', 'A')], purchases: [purchase('u1', 'a')] })
      expect(braze.profile({ external_id: 'u1' })).toMatchObject({ events: [], purchases: [], eventCount: 1, purchaseCount: 1 })
    })
  ))

test('recentHistoryTotal bounds the whole store: the oldest entries of any profile go first', () =>
  withBraze({ recentHistoryTotal: 3 }, async () => {
    await post('/users/track', { events: [event('u1', 'A'), event('u2', 'B'), event('u1', 'C'), event('u2', 'D')] })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({ events: [{ name: 'C' }], eventCount: 2 })
    expect(braze.profile({ external_id: 'u2' })).toMatchObject({ events: [{ name: 'B' }, { name: 'D' }], eventCount: 2 })
  }))

test('a merge sums the counts and keeps the latest of both histories, in the order they happened', () =>
  withBraze({ recentHistory: 3 }, async () => {
    await post('/users/track', { events: [event('old', 'o1'), event('new', 'n1'), event('old', 'o2'), event('new', 'n2')] })
    await post('/users/merge', {
      merge_updates: [{ identifier_to_merge: { external_id: 'old' }, identifier_to_keep: { external_id: 'new' } }]
    })
    expect(braze.profile({ external_id: 'new' })).toMatchObject({
      events: [{ name: 'n1' }, { name: 'o2' }, { name: 'n2' }],
      eventCount: 4,
      eventCounts: { o1: 1, o2: 1, n1: 1, n2: 1 }
    })
  }))

test('what profiles() returns are copies, not the stored events', () =>
  withBraze({}, async () => {
    await post('/users/track', { events: [{ ...event('u1', 'A'), properties: { n: 1 } }] })
    braze.profile({ external_id: 'u1' })!.events[0]!.properties!.n = 2
    expect(braze.profile({ external_id: 'u1' })!.events[0]!.properties).toEqual({ n: 1 })
    ;(braze.requests[0]!.body as { events: Array<{ properties: { n: number } }> }).events[0]!.properties.n = 3
    expect(braze.profile({ external_id: 'u1' })!.events[0]!.properties).toEqual({ n: 1 })
  }))

describe('the request log', () => {
  const bodyFor = (i: number) => ({ attributes: [{ external_id: `u${i}` }] })

  test.each([
    [{ maxRecordedRequests: 2 }, [3, 4]],
    [{ maxRecordedRequests: 0 }, []],
    [{}, [0, 1, 2, 3, 4]]
  ])('with %j it keeps the latest requests %j, in the same array', (options, kept) =>
    withBraze(options, async () => {
      const requests = braze.requests
      for (let i = 0; i < 5; i++) await post('/users/track', bodyFor(i))
      expect(braze.requests).toBe(requests)
      expect(braze.requests.map((request) => request.body)).toEqual(kept.map(bodyFor))
      expect(braze.profileCount()).toBe(5)
    })
  )
})

test.each([{ maxRecordedRequests: -1 }, { recentHistory: 1.5 }, { recentHistoryTotal: -3 }])(
  'startEmbeddedBraze refuses %j',
  async (options) => {
    await expect(startEmbeddedBraze({ apiKey: API_KEY, ...options })).rejects.toThrow(RangeError)
  }
)

describe('History', () => {
  test('stays at its limit however many entries go through it', () => {
    const history = new History<{ n: number }>(3)
    for (let n = 0; n < 10_000; n++) history.record(n, n % 2 === 0 ? 'even' : 'odd', { n })
    expect(history.latest()).toEqual([{ n: 9997 }, { n: 9998 }, { n: 9999 }])
    expect(history.counts()).toEqual({ even: 5000, odd: 5000 })
    expect((history as unknown as { entries: string[] }).entries.length).toBeLessThanOrEqual(6)
  })

  test('a budget shared by several histories evicts the oldest entry of any of them', () => {
    const budget = new HistoryBudget(2)
    const a = new History<string>(10, budget)
    const b = new History<string>(10, budget)
    a.record(1, 'x', 'a1')
    b.record(2, 'x', 'b1')
    a.record(3, 'x', 'a2')
    expect([a.latest(), b.latest()]).toEqual([['a2'], ['b1']])
    b.record(4, 'x', 'b2')
    expect([a.latest(), b.latest()]).toEqual([['a2'], ['b2']])
    expect([a.count(), b.count()]).toEqual([2, 2])
  })

  test('after a merge the budget still bounds the entries that moved', () => {
    const budget = new HistoryBudget(3)
    const kept = new History<string>(10, budget)
    const merged = new History<string>(10, budget)
    merged.record(1, 'x', 'm1')
    kept.record(2, 'x', 'k1')
    merged.record(3, 'x', 'm2')
    kept.absorb(merged)
    expect(kept.latest()).toEqual(['m1', 'k1', 'm2'])
    kept.record(4, 'x', 'k2')
    kept.record(5, 'x', 'k3')
    kept.record(6, 'x', 'k4')
    expect(kept.latest()).toEqual(['k2', 'k3', 'k4'])
    expect(merged.latest()).toEqual([])
    expect(kept.count()).toBe(6)
  })
})
