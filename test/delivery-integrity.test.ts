// Nothing lost, nothing twice, nothing wasted, through the built function in
// every runtime profile: split events sent in sequence and resumed on
// redelivery, redeliveries Braze already took not sent again, merges only after
// the track that creates the kept profile, unchanged attributes skipped,
// bounded fan-out and request size. What needs Segment's `cache` (the segment
// and node profiles) is remembered; `minimal` has none, and there the function
// sends again what Segment redelivers, as the README says.
import nock from 'nock'
import fetch, { Response } from 'node-fetch'
import type { EmbeddedBraze } from '../src/tools/embedded-braze'
import { createSegmentCache, type SegmentRuntime } from '../src/tools/segment-runtime'
import { BRAZE_HOST, SETTINGS, mockBraze, trackObjects, useNock } from './helpers/braze-nock'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { alias, at, deletion, identify, orderCompleted, track } from './helpers/events'
import { loadBuilt, RUNTIME_PROFILES, segmentClass } from './helpers/runtime'

useNock({ loopback: true })

const LEGACY = { ...SETTINGS, ecommerceMode: 'purchases' }
const products = (count: number) => Array.from({ length: count }, (_, i) => ({ product_id: `p${i}`, price: 1 }))
const caught = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ returned: value }),
    (error: unknown) => ({ thrown: error })
  )

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  const remembers = profile !== 'minimal'
  /** Two invocations of one warm Segment instance: the same cache. */
  let runtime: SegmentRuntime
  beforeEach(() => {
    runtime = loadBuilt({ profile, cache: createSegmentCache() })
  })

  describe('an Order Completed of 150 products (two requests of 75)', () => {
    const order = orderCompleted('u1', products(150), {}, { messageId: 'order-150' })

    test('the parts go one after another; a 503 on the second retries the event, and the redelivery sends only the second', async () => {
      let calls = 0
      const braze = mockBraze((request) =>
        request.path === '/users/track' && ++calls === 2 ? { status: 503, body: { message: 'busy' } } : undefined
      )
      const first = await caught(runtime.handlers.onTrack!(order, LEGACY))
      expect(segmentClass(runtime, (first as { thrown: unknown }).thrown)).toBe('RetryError')
      expect(braze.requests.map((request) => request.body.purchases.length)).toEqual([75, 75])
      expect(braze.requests[0]!.body.purchases[0].product_id).toBe('p0')
      expect(braze.requests[1]!.body.purchases[0].product_id).toBe('p75')

      // Segment redelivers the event.
      const again = await caught(runtime.handlers.onTrack!(order, LEGACY))
      expect(again).toHaveProperty('returned')
      const accepted = [braze.requests[0]!, ...braze.requests.slice(2)].flatMap((request) =>
        request.body.purchases.map((purchase: { product_id: string }) => purchase.product_id)
      )
      const times = (id: string) => accepted.filter((product) => product === id).length
      if (remembers) {
        expect(braze.requests.slice(2).map((request) => request.body.purchases[0].product_id)).toEqual(['p75'])
        expect(products(150).every(({ product_id }) => times(product_id) === 1)).toBe(true)
      } else {
        // No cache: the first part Braze already took is sent, and logged, again.
        expect(times('p0')).toBe(2)
        expect(times('p149')).toBe(1)
      }
    })

    test('a purchase of the first part refused by name: the second part still goes (the event ends rejected, never resent), and the error says so', async () => {
      let calls = 0
      const braze = mockBraze((request) =>
        request.path === '/users/track' && ++calls === 1
          ? { status: 201, body: { message: 'success', errors: [{ type: 'invalid price', input_array: 'purchases', index: 3 }] } }
          : undefined
      )
      const outcome = await caught(runtime.handlers.onTrack!(order, LEGACY))
      const thrown = (outcome as { thrown: Error }).thrown
      expect(segmentClass(runtime, thrown)).toBe('ValidationError')
      expect(thrown.message).toMatch(/invalid price/)
      expect(thrown.message).toMatch(/Braze did log this event's other objects/)
      expect(braze.requests.map((request) => request.body.purchases[0].product_id)).toEqual(['p0', 'p75'])
    })

    test('redelivered after maxObjectsPerRequest changed: cut as Braze took it, so nothing is sent twice or left out', async () => {
      const big = orderCompleted('u1', products(180), {}, { messageId: 'order-180' })
      let calls = 0
      const braze = mockBraze((request) => (request.path === '/users/track' && ++calls === 3 ? { status: 503 } : undefined))
      expect(segmentClass(runtime, ((await caught(runtime.handlers.onTrack!(big, LEGACY))) as { thrown: unknown }).thrown)).toBe(
        'RetryError'
      )
      expect(braze.requests.map((request) => request.body.purchases.length)).toEqual([75, 75, 30])
      // The user sets maxObjectsPerRequest to 50 before Segment redelivers.
      expect(await caught(runtime.handlers.onTrack!(big, { ...LEGACY, maxObjectsPerRequest: '50' }))).toHaveProperty('returned')
      const logged = [...braze.requests.slice(0, 2), ...braze.requests.slice(3)].flatMap((request) =>
        request.body.purchases.map((purchase: { product_id: string }) => purchase.product_id)
      )
      if (remembers)
        expect(logged.sort()).toEqual(
          products(180)
            .map((product) => product.product_id)
            .sort()
        )
      else expect(new Set(logged).size).toBe(180)
    })

    test('redelivered after maxObjectsPerRequest was lowered below what a new event could carry: still resumed, not refused', async () => {
      // 250 purchases take 4 requests at 75, but would need 5 at 50: a new event would be refused, not this one.
      const big = orderCompleted('u1', products(250), {}, { messageId: 'order-250' })
      let calls = 0
      const braze = mockBraze((request) => (request.path === '/users/track' && ++calls === 2 ? { status: 500 } : undefined))
      expect(segmentClass(runtime, ((await caught(runtime.handlers.onTrack!(big, LEGACY))) as { thrown: unknown }).thrown)).toBe(
        'RetryError'
      )
      const lowered = { ...LEGACY, maxObjectsPerRequest: '50' }
      const again = await caught(runtime.handlers.onTrack!(big, lowered))
      if (!remembers) return expect(segmentClass(runtime, (again as { thrown: unknown }).thrown)).toBe('InvalidEventPayload')
      expect(again).toHaveProperty('returned')
      expect(trackObjects(braze.requests).purchases).toHaveLength(250 + 75)
      // Delivered: a further redelivery is answered as such, whatever the setting.
      expect(await caught(runtime.handlers.onTrack!(big, lowered))).toHaveProperty('returned')
    })

    test('in a batch too: the event is 500, its redelivery completes it', async () => {
      const secondPart = (request: { body: any }) => request.body.purchases?.[0]?.product_id === 'p75'
      let failed = false
      const braze = mockBraze((request) => (secondPart(request) && !failed && (failed = true) ? { status: 503 } : undefined))
      const batch = [track('u2', 'Viewed', {}, { messageId: 'view-1' }), order]
      expect(await runtime.handlers.onBatch!(batch, LEGACY)).toEqual([
        { status: 200 },
        { status: 500, errormessage: expect.stringMatching(/HTTP 503/) }
      ])
      expect(await runtime.handlers.onBatch!([order], LEGACY)).toEqual([{ status: 200 }])
      expect(braze.requests).toHaveLength(remembers ? 4 : 5)
    })
  })

  test("an anonymous visitor's split order resumed on redelivery sends the alias's creating object again, before the parts left", async () => {
    // Between the two deliveries the visitor may sign up and Braze merge the alias away; it drops purchases for
    // an alias it lacks ("Update Only" is always true for them), so the parts left would be lost without it.
    const settings = { ...LEGACY, anonymousAliasLabel: 'segment_anonymous_id' }
    const properties = { order_id: 'anon-order', currency: 'USD', products: products(100) }
    const anonymous = track(undefined, 'Order Completed', properties, { messageId: 'anon-order', anonymousId: 'a1' })
    const alias = { user_alias: { alias_name: 'a1', alias_label: 'segment_anonymous_id' } }
    let calls = 0
    const braze = mockBraze((request) => (request.path === '/users/track' && ++calls === 2 ? { status: 503 } : undefined))
    expect(segmentClass(runtime, ((await caught(runtime.handlers.onTrack!(anonymous, settings))) as { thrown: unknown }).thrown)).toBe(
      'RetryError'
    )
    expect(braze.requests.map((request) => Object.keys(request.body))).toEqual([['attributes', 'purchases'], ['purchases']])

    expect(await caught(runtime.handlers.onTrack!(anonymous, settings))).toHaveProperty('returned')
    const resent = braze.requests.slice(2).map((request) => request.body)
    if (remembers) {
      expect(resent).toEqual([{ attributes: [{ ...alias, _update_existing_only: false }] }, { purchases: expect.any(Array) }])
      expect(resent[1]!.purchases.map((purchase: { product_id: string }) => purchase.product_id)).toEqual(
        products(100)
          .slice(74)
          .map((product) => product.product_id)
      )
    } else expect(trackObjects(braze.requests.slice(2)).purchases).toHaveLength(100)
  })

  test('a redelivered event Braze already accepted is not sent again, and the summary says so', async () => {
    const braze = mockBraze()
    const event = track('u1', 'Signed Up', {}, { messageId: 'signup-1' })
    await runtime.handlers.onTrack!(event, SETTINGS)
    const summary = (await runtime.handlers.onTrack!(event, SETTINGS)) as { note?: string; braze: unknown }
    expect(trackObjects(braze.requests).events).toHaveLength(remembers ? 1 : 2)
    if (remembers)
      expect(summary).toMatchObject({ braze: null, note: expect.stringMatching(/already accepted this event \(messageId "signup-1"\)/) })
    // Without a messageId nothing can be remembered.
    const anonymous = track('u1', 'Signed Up')
    await runtime.handlers.onTrack!(anonymous, SETTINGS)
    await runtime.handlers.onTrack!(anonymous, SETTINGS)
    expect(trackObjects(braze.requests).events).toHaveLength(remembers ? 3 : 4)
  })

  test('invocations that overlap share one memory: none of their redeliveries is sent again', async () => {
    const braze = mockBraze()
    const events = Array.from({ length: 8 }, (_, i) => track(`u${i}`, 'Signed Up', {}, { messageId: `overlap-${i}` }))
    const batches = [0, 2, 4, 6].map((start) => events.slice(start, start + 2))
    await Promise.all(batches.map((batch) => runtime.handlers.onBatch!(batch, SETTINGS)))
    await Promise.all(batches.map((batch) => runtime.handlers.onBatch!(batch, SETTINGS)))
    await Promise.all(events.map((event) => runtime.handlers.onTrack!(event, SETTINGS)))
    expect(trackObjects(braze.requests).events).toHaveLength(remembers ? 8 : 24)
  })

  test('two copies of one message at once on one instance: one is sent, the other retried, and its retry sends nothing', async () => {
    const braze = mockBraze()
    const event = track('u1', 'Clicked', {}, { messageId: 'at-once' })
    const [first, second] = await Promise.all([
      caught(runtime.handlers.onTrack!(event, SETTINGS)),
      caught(runtime.handlers.onTrack!(event, SETTINGS))
    ])
    if (remembers) {
      expect(first).toHaveProperty('returned')
      const thrown = (second as { thrown: Error }).thrown
      expect(segmentClass(runtime, thrown)).toBe('RetryError')
      expect(thrown.message).toMatch(/Another invocation of this instance is delivering the same message/)
      // Segment retries it: Braze has it all by then.
      expect(await caught(runtime.handlers.onTrack!(event, SETTINGS))).toHaveProperty('returned')
      expect(trackObjects(braze.requests).events).toHaveLength(1)
    } else expect(trackObjects(braze.requests).events).toHaveLength(2)
  })

  test('a merge Braze took is not sent again by the next identify of the same user', async () => {
    const braze = mockBraze()
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
    await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1' }), settings)
    await runtime.handlers.onIdentify!(identify('u1', { plan: 'max' }, { anonymousId: 'anon-1' }), settings)
    expect(braze.to('/users/merge')).toHaveLength(remembers ? 1 : 2)
  })

  describe('an event keyed by an email, then a user given it: two rounds (src/destination/contact-rounds.ts)', () => {
    const keyed = (messageId: string) =>
      track(undefined, 'Viewed', {}, { anonymousId: 'a-1', context: { traits: { email: 'p1@example.com' } }, timestamp: at(0), messageId })
    const taker = identify('u1', { email: 'p1@example.com' }, { timestamp: at(1), messageId: 'taker' })

    test('a messageId reused for a different event in the other round names neither: both are sent', async () => {
      const braze = mockBraze()
      const later = track('u1', 'Later', {}, { timestamp: at(2), messageId: 'dup' })
      const results = (await runtime.handlers.onBatch!([keyed('dup'), taker, later], SETTINGS)) as Array<{ status: number }>
      expect(results.map((result) => result.status)).toEqual([200, 200, 200])
      expect(trackObjects(braze.requests).events.map((event) => event.name)).toEqual(['Viewed', 'Later'])
    })

    test("the first round's event is retried: the user's calls wait with it, unsent, so none reaches Braze first", async () => {
      const braze = mockBraze((request, index) => (index === 0 ? { status: 503, body: { message: 'busy' } } : undefined))
      // The user's later call too: sent now, it would reach Braze before the retried one and be overwritten by it.
      const later = identify('u1', { plan: 'B' }, { timestamp: at(2), messageId: 'later' })
      const results = (await runtime.handlers.onBatch!([keyed('keyed'), taker, later], SETTINGS)) as Array<{
        status: number
        errormessage?: string
      }>
      expect(results.map((result) => result.status)).toEqual([500, 500, 500])
      expect(results[1]!.errormessage).toContain('An earlier event of the batch on the same user, email or phone was not delivered')
      expect(braze.requests).toHaveLength(1)
    })

    test("the first round's event is refused for good: it holds nothing back, the user's call is delivered", async () => {
      const braze = mockBraze((_request, index) =>
        index === 0
          ? { status: 201, body: { message: 'success', errors: [{ type: 'bad property', input_array: 'events', index: 0 }] } }
          : undefined
      )
      const results = (await runtime.handlers.onBatch!([keyed('keyed'), taker], SETTINGS)) as Array<{ status: number }>
      expect(results.map((result) => result.status)).toEqual([400, 200])
      expect(braze.to('/users/track')).toHaveLength(2)
    })
  })

  describe('a write Segment will retry holds back what would remove its profile after it', () => {
    const failing = (match: string) =>
      mockBraze((request) =>
        request.path === '/users/track' && JSON.stringify(request.body).includes(match)
          ? { status: 503, body: { message: 'busy' } }
          : undefined
      )

    test("a delete: retried with the failed write, so that the redelivery's write does not bring the deleted user back", async () => {
      const braze = failing('"u1"')
      const batch = [
        track('u1', 'Viewed', {}, { messageId: 't' }),
        identify('u1', { first_name: 'Pat' }, { messageId: 'i' }),
        deletion('u1')
      ]
      const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number; errormessage?: string }>
      expect(results.map((result) => result.status)).toEqual([500, 500, 500])
      expect(results[2]!.errormessage).toBe(
        'An earlier event of the batch on this user is retried: the delete is retried with it, so that it goes after it.'
      )
      expect(braze.to('/users/delete')).toHaveLength(0)
    })

    test("a delete after an identify whose merge waits for the visitor's failed event: retried with them, so that their redelivery does not bring the deleted user back", async () => {
      const braze = failing('"anon-1"')
      const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id', maxObjectsPerRequest: '1' }
      const batch = [
        track(undefined, 'Viewed', {}, { anonymousId: 'anon-1', messageId: 'anon-view' }),
        identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1', messageId: 'sign-up' }),
        deletion('u1')
      ]
      const results = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number; errormessage?: string }>
      expect(results.map((result) => result.status)).toEqual([500, 500, 500])
      expect(results[2]!.errormessage).toBe(
        'An earlier event of the batch on this user is retried: the delete is retried with it, so that it goes after it.'
      )
      expect(braze.to('/users/delete')).toHaveLength(0)
    })

    test("another user's delete in the same /users/delete request is not held back", async () => {
      const braze = failing('"u1"')
      const batch = [track('u1', 'Viewed', {}, { messageId: 't' }), deletion('u1'), deletion('u2')]
      const results = await runtime.handlers.onBatch!(batch, SETTINGS)
      expect((results as Array<{ status: number }>).map((result) => result.status)).toEqual([500, 500, 200])
      expect(braze.to('/users/delete').map((request) => request.body)).toEqual([{ external_ids: ['u2'] }])
    })

    test("a merge of the anonymous profile: retried with the visitor's failed event, so that the event does not stay on an alias profile of its own", async () => {
      const braze = failing('"anon-1"')
      const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id', maxObjectsPerRequest: '1' }
      const batch = [
        track(undefined, 'Viewed', {}, { anonymousId: 'anon-1', messageId: 'anon-view' }),
        identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1', messageId: 'sign-up' })
      ]
      const results = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number; errormessage?: string }>
      expect(results.map((result) => result.status)).toEqual([500, 500])
      expect(results[1]!.errormessage).toContain('The merge of an earlier profile could not be sent in this invocation.')
      expect(braze.to('/users/merge')).toHaveLength(0)
    })
  })

  describe('skipUnchangedAttributes', () => {
    const settings = { ...SETTINGS, skipUnchangedAttributes: true }
    const everyPage = (values: Record<string, unknown>) => identify('u1', { plan: 'pro', seats: 3, first_name: 'Ada', ...values })

    test('values this instance delivered are not sent again; changes, unsets and array edits always are', async () => {
      const braze = mockBraze()
      await runtime.handlers.onIdentify!(everyPage({}), settings)
      const unchanged = (await runtime.handlers.onIdentify!(everyPage({}), settings)) as { note?: string }
      await runtime.handlers.onIdentify!(everyPage({ seats: 4, old: null, tags: { add: ['x'] } }), settings)
      const attributes = trackObjects(braze.requests).attributes
      if (remembers) {
        expect(attributes).toEqual([
          { external_id: 'u1', plan: 'pro', seats: 3, first_name: 'Ada' },
          { external_id: 'u1', seats: 4, old: null, tags: { add: ['x'] } }
        ])
        expect(unchanged.note).toMatch(/3 attribute values were not sent/)
      } else expect(attributes).toHaveLength(3)
    })

    test('two invocations carrying one user at once: neither value is remembered, as Braze may apply them in either order', async () => {
      nock(BRAZE_HOST)
        .post('/users/track', (body) => body.attributes?.[0]?.plan === 'pro')
        .delay(100)
        .reply(201, { message: 'success', attributes_processed: 1 })
      const braze = mockBraze()
      await Promise.all([
        runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings),
        runtime.handlers.onIdentify!(identify('u1', { plan: 'max' }), settings)
      ])
      // "max" was answered first, "pro" last: had the last answer been remembered, this "pro" would not be sent.
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      expect(trackObjects(braze.requests).attributes).toEqual([
        { external_id: 'u1', plan: 'max' },
        { external_id: 'u1', plan: 'pro' }
      ])
    })

    test('a value whose request failed is not taken for what the profile holds (a request that timed out may still have changed it)', async () => {
      const braze = mockBraze((_request, index) => (index === 1 ? { status: 503, body: { message: 'busy' } } : undefined))
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      await caught(runtime.handlers.onIdentify!(identify('u1', { plan: 'max' }), settings))
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      expect(trackObjects(braze.requests).attributes.map((object: { plan: string }) => object.plan)).toEqual(['pro', 'max', 'pro'])
    })

    test('Engage payloads are always sent whole: an audience re-entry is never skipped as unchanged', async () => {
      // Engage sends only changes, one call per identifier, and this instance cannot see an exit that
      // another instance (or another identifier of the profile) delivered in between.
      const braze = mockBraze()
      const audience = (entered: boolean) =>
        identify(
          'u1',
          { first_time_shopper: entered },
          { context: { personas: { computation_class: 'audience', computation_key: 'first_time_shopper' } } }
        )
      await runtime.handlers.onIdentify!(audience(true), settings)
      await runtime.handlers.onIdentify!(audience(true), settings)
      await runtime.handlers.onBatch!([audience(true), identify('u1', { plan: 'pro' })], settings)
      expect(trackObjects(braze.requests).attributes).toEqual([
        { external_id: 'u1', first_time_shopper: true },
        { external_id: 'u1', first_time_shopper: true },
        { external_id: 'u1', first_time_shopper: true, plan: 'pro' }
      ])
    })

    test.each([
      ['an email (an anonymous lead form)', identify(undefined, { email: 'ada@example.com', plan: 'free' }, { anonymousId: 'a-1' })],
      ['a braze_id', identify(undefined, { plan: 'free' }, { context: { integrations: { Braze: { braze_id: 'bz-1' } } } })]
    ])(
      "a value written through %s may land on any user's profile (Braze gives it to whoever holds that identifier): the user's own value goes again",
      async (_name, elsewhere) => {
        const braze = mockBraze()
        await runtime.handlers.onBatch!([identify('u1', { plan: 'pro', seats: 3 })], settings)
        await runtime.handlers.onBatch!([elsewhere], settings)
        await runtime.handlers.onBatch!([identify('u1', { plan: 'pro', seats: 3 })], settings)
        // In one batch too, whatever the order: Braze may apply the objects of a request in either order.
        await runtime.handlers.onBatch!([identify('u1', { plan: 'pro', seats: 3 }), elsewhere], settings)
        const attributes = trackObjects(braze.requests).attributes.filter((object: { external_id?: string }) => object.external_id)
        expect(attributes).toEqual([
          { external_id: 'u1', plan: 'pro', seats: 3 },
          { external_id: 'u1', plan: 'pro', ...(remembers ? {} : { seats: 3 }) },
          { external_id: 'u1', plan: 'pro', ...(remembers ? {} : { seats: 3 }) }
        ])
      }
    )

    test('a nested object sent with _merge_objects is not taken for what the profile holds (Braze merged it into more)', async () => {
      const braze = mockBraze()
      await runtime.handlers.onIdentify!(identify('u1', { prefs: { a: 1, b: 2 } }), settings)
      await runtime.handlers.onIdentify!(identify('u1', { _merge_objects: true, prefs: { a: 1 } }), settings)
      await runtime.handlers.onIdentify!(identify('u1', { prefs: { a: 1 } }), settings)
      expect(trackObjects(braze.requests).attributes).toEqual([
        { external_id: 'u1', prefs: { a: 1, b: 2 } },
        { external_id: 'u1', _merge_objects: true, prefs: { a: 1 } },
        { external_id: 'u1', prefs: { a: 1 } }
      ])
    })

    test.each([
      ['a delete of the user', () => runtime.handlers.onDelete!(deletion('u1'), settings)],
      ['a merge of the user into another (alias)', () => runtime.handlers.onAlias!(alias('u2', 'u1', { messageId: 'alias-1' }), settings)]
    ])(
      "%s sent while another invocation's write of the user waits for its answer: that write is not remembered, since Braze may have applied it before",
      async (_name, remove) => {
        nock(BRAZE_HOST)
          .post('/users/track', (body) => body.attributes?.[0]?.plan === 'pro')
          .delay(100)
          .reply(201, { message: 'success', attributes_processed: 1 })
        const braze = mockBraze()
        const slow = runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
        await new Promise((resolve) => setTimeout(resolve, 20))
        await remove()
        await slow
        await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
        expect(trackObjects(braze.requests).attributes.filter((object: { external_id?: string }) => object.external_id === 'u1')).toEqual([
          { external_id: 'u1', plan: 'pro' }
        ])
      }
    )

    test('values sent while the setting was off are not known: once it is on again, the next value goes', async () => {
      const braze = mockBraze()
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'free' }), SETTINGS)
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      expect(trackObjects(braze.requests).attributes.map((object: { plan: string }) => object.plan)).toEqual(['pro', 'free', 'pro'])
    })

    test('a deleted user starts afresh: the next identify sends every value again', async () => {
      const braze = mockBraze()
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      await runtime.handlers.onDelete!({ type: 'delete', userId: 'u1', messageId: 'delete-u1' }, settings)
      await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
      expect(braze.to('/users/delete')).toHaveLength(1)
      expect(trackObjects(braze.requests).attributes).toEqual([
        { external_id: 'u1', plan: 'pro' },
        { external_id: 'u1', plan: 'pro' }
      ])
    })

    test('off (the default): every value is sent every time', async () => {
      const braze = mockBraze()
      await runtime.handlers.onIdentify!(everyPage({}), SETTINGS)
      await runtime.handlers.onIdentify!(everyPage({}), SETTINGS)
      expect(trackObjects(braze.requests).attributes).toHaveLength(2)
    })
  })

  test('850 products at quantity 7,500 (63,750 purchase objects): InvalidEventPayload saying why, nothing sent', async () => {
    const braze = mockBraze()
    const order = orderCompleted(
      'u1',
      Array.from({ length: 850 }, (_, i) => ({ product_id: `p${i}`, price: 1, quantity: 7500 }))
    )
    const outcome = await caught(runtime.handlers.onTrack!(order, LEGACY))
    const error = (outcome as { thrown: Error }).thrown
    expect(segmentClass(runtime, error)).toBe('InvalidEventPayload')
    expect(error.message).toMatch(/63750 Braze objects.*at most 300/)
    expect(braze.requests).toHaveLength(0)
  })

  test('at maxObjectsPerRequest 50, one event may make 200 objects (4 requests of 50), not 300', async () => {
    const braze = mockBraze()
    const settings = { ...LEGACY, maxObjectsPerRequest: '50' }
    expect(await runtime.handlers.onTrack!(orderCompleted('u1', products(200), {}, { messageId: 'o-200' }), settings)).toBeDefined()
    expect(braze.requests.map((request) => request.body.purchases.length)).toEqual([50, 50, 50, 50])
    const outcome = await caught(runtime.handlers.onTrack!(orderCompleted('u1', products(201), {}, { messageId: 'o-201' }), settings))
    const error = (outcome as { thrown: Error }).thrown
    expect(segmentClass(runtime, error)).toBe('InvalidEventPayload')
    expect(error.message).toMatch(/201 Braze objects.*at most 200 for one event \(4 requests of 50\)/)
    expect(braze.requests).toHaveLength(4)
  })

  test('at maxObjectsPerRequest 225 (legacy rate limits), an order event and 300 purchases go in 4 requests', async () => {
    const braze = mockBraze()
    const settings = { ...SETTINGS, ecommerceMode: 'both', maxObjectsPerRequest: '225' }
    expect(await runtime.handlers.onTrack!(orderCompleted('u1', products(300), {}, { messageId: 'o-300' }), settings)).toBeDefined()
    expect(braze.requests.map((request) => [request.body.events?.length ?? 0, request.body.purchases.length])).toEqual([
      [1, 75],
      [0, 75],
      [0, 75],
      [0, 75]
    ])
  })

  test('an order whose purchases add up to more than 4 requests of 1 MB: refused saying why, nothing sent', async () => {
    const braze = mockBraze()
    // 100 products with 45 KB of properties each (Braze takes up to 50 KB per purchase): 4.5 MB.
    const details = Object.fromEntries(Array.from({ length: 180 }, (_, k) => [`note_${k}`, 'n'.repeat(240)]))
    const heavy = Array.from({ length: 100 }, (_, i) => ({ product_id: `p${i}`, price: 1, ...details }))
    const outcome = await caught(runtime.handlers.onTrack!(orderCompleted('u1', heavy, {}, { messageId: 'o-heavy' }), LEGACY))
    const error = (outcome as { thrown: Error }).thrown
    expect(segmentClass(runtime, error)).toBe('InvalidEventPayload')
    expect(error.message).toMatch(/add up to 44\d\d KB and need 5 requests; the function sends at most 4 for one event/)
    expect(braze.requests).toHaveLength(0)
  })

  test('a batch that tracks a user and deletes them: the delete goes after the track, so it removes what the track logged', async () => {
    const braze = mockBraze()
    const results = await runtime.handlers.onBatch!(
      [track('gone', 'Viewed', {}, { messageId: 'v-1' }), { type: 'delete', userId: 'gone', messageId: 'del-1' }],
      SETTINGS
    )
    expect(results).toEqual([{ status: 200 }, { status: 200 }])
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/delete'])
  })

  test('400 events of 29 KB at maxObjectsPerRequest 150: no request over 1 MB, all delivered', async () => {
    // Braze answering in-process (12 MB through nock would only measure nock): the sizes are the request bodies as sent.
    const sizes: number[] = []
    const big = loadBuilt({
      profile,
      fetch: async (_url, init) => {
        sizes.push(Buffer.byteLength(init.body ?? ''))
        return new Response(JSON.stringify({ message: 'success' }), { status: 201 })
      }
    })
    // Braze cuts strings at 255 characters: 29 KB is 116 properties of 250.
    const filler = Object.fromEntries(Array.from({ length: 116 }, (_, k) => [`p${k}`, 'x'.repeat(250)]))
    const events = Array.from({ length: 400 }, (_, i) => track(`u${i % 20}`, 'Big', filler, { timestamp: at(i) }))
    const results = (await big.handlers.onBatch!(events, { ...SETTINGS, maxObjectsPerRequest: '150' })) as Array<{ status: number }>
    expect(results.every((result) => result.status === 200)).toBe(true)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024)
    const total = sizes.reduce((sum, size) => sum + size, 0)
    expect(total).toBeGreaterThan(400 * 29 * 1024)
    expect(sizes.length).toBeLessThanOrEqual(Math.ceil(total / (1024 * 1024)) + 1)
  })
})

/** The embedded Braze, refusing (a 201 with errors, as Braze names a refused object) the attributes objects that carry `seats`. */
async function refusingSeats(url: string, init: { body?: string }) {
  if (!url.endsWith('/users/track')) return fetch(url, init)
  const body = JSON.parse(init.body ?? '{}')
  const errors: unknown[] = []
  body.attributes = (body.attributes ?? []).filter((object: Record<string, unknown>, index: number) =>
    'seats' in object ? !errors.push({ type: 'refused', input_array: 'attributes', index }) : true
  )
  const answer = await (await fetch(url, { ...init, body: JSON.stringify(body) })).json()
  return new Response(JSON.stringify({ ...answer, ...(errors.length > 0 ? { errors } : {}) }), {
    status: 201,
    headers: { 'content-type': 'application/json' }
  })
}

describe.each(RUNTIME_PROFILES)('order against the embedded Braze, %s profile', (profile) => {
  let braze: EmbeddedBraze
  useEmbeddedBraze({ apiKey: SETTINGS.apiKey, latencyMs: 20 }, (started) => (braze = started))

  test('the merge of the anonymous profile reaches Braze only after the /users/track that creates the user was answered', async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
    await runtime.handlers.onBatch!(
      [identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1' }), track('u2', 'Viewed'), identify('u3', {}, { anonymousId: 'anon-3' })],
      settings
    )
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/merge'])
  })

  test('a delete, then the same user again, in one batch: what follows the delete is retried (500), then reaches the user Braze has after the delete', async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const after = [identify('u1', { plan: 'new' }), track('u1', 'Came Back')]
    const results = (await runtime.handlers.onBatch!(
      [identify('u1', { plan: 'pro' }), { type: 'delete', userId: 'u1', messageId: 'del-u1' }, ...after],
      SETTINGS
    )) as Array<{ status: number; errormessage?: string }>
    expect(results.map((result) => result.status)).toEqual([200, 200, 500, 500])
    expect(results[2]!.errormessage).toContain('This batch deletes the user before this event: it is retried')
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/delete'])
    expect(braze.profiles()).toHaveLength(0)
    // Segment's retry of the two.
    expect(await runtime.handlers.onBatch!(after, SETTINGS)).toEqual([{ status: 200 }, { status: 200 }])
    expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ plan: 'new' })
  })

  test("a refused merged object resent after a later value of the user Braze took: that value stays (Braze's answer names the refused object)", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusingSeats })
    const batch = [
      identify('u1', { score: 1, plan: 'pro' }, { timestamp: at(1) }),
      identify('u1', { seats: 12 }, { timestamp: at(2) }),
      // An increment stays an object of its own, and so what follows it.
      identify('u1', { score: { inc: 5 } }, { timestamp: at(3) }),
      identify('u1', { score: 2 }, { timestamp: at(4) })
    ]
    const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
    expect(results.map((result) => result.status)).toEqual([200, 400, 200, 200])
    // One by one: 1, (refused), 6, 2. The older score is not resent; plan, which nothing later set, is.
    expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ score: 2, plan: 'pro' })
  })

  test('a refused merged object of plain values is resent after a 1.7 s answer (taken twice, it changes nothing more): the valid neighbour is delivered', async () => {
    // Time in the sandbox runs 10× faster: 170 ms here is 1.7 s there. Only the first answer is slow: with
    // the time left, a request that logs events would not be sent after it.
    let first = true
    const slowly = async (url: string, init: { body?: string }) => {
      if (first) await new Promise((resolve) => setTimeout(resolve, 170))
      first = false
      return refusingSeats(url, init)
    }
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: slowly, timeScale: 10 })
    const batch = [identify('u1', { plan: 'pro' }, { timestamp: at(1) }), identify('u1', { seats: 12 }, { timestamp: at(2) })]
    const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
    expect(results.map((result) => result.status)).toEqual([200, 400])
    expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ plan: 'pro' })
  })

  test("a refused merged object's resend keeps an older array edit that a later event's edit of the same array does not replace", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusingSeats })
    const batch = [
      identify('u1', { tags: { add: ['a'] } }, { timestamp: at(1) }),
      identify('u1', { seats: 12 }, { timestamp: at(2) }),
      identify('u1', { score: { inc: 1 } }, { timestamp: at(3) }),
      identify('u1', { score: 2, tags: { add: ['d'] } }, { timestamp: at(4) })
    ]
    const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
    expect(results.map((result) => result.status)).toEqual([200, 400, 200, 200])
    expect(braze.profile({ external_id: 'u1' })!.attributes.tags).toEqual(expect.arrayContaining(['a', 'd']))
  })

  describe('a batch packed event by event (users kept whole would cost a request more)', () => {
    // Three users of 38 tracks: kept whole they need three requests of 75, event by event two.
    const fillers = ['f1', 'f2', 'f3'].flatMap((user, u) =>
      Array.from({ length: 38 }, (_, i) => track(user, 'Filler', { i }, { timestamp: at(100 + u * 38 + i) }))
    )
    const engageTrack = (email: string, seconds: number) =>
      track(
        'u1',
        'Audience Entered',
        { audience_key: 'vip', vip: true },
        {
          timestamp: at(seconds),
          context: { personas: { computation_class: 'audience', computation_key: 'vip' }, traits: { email } }
        }
      )

    test("a user's attributes keep their time order around an event that carries objects: the later identify's email wins", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const batch = [
        identify('u1', { color: 'red' }, { timestamp: at(0) }),
        engageTrack('old@example.com', 1),
        identify('u1', { email: 'new@example.com', bio: 'x'.repeat(200) }, { timestamp: at(2) }),
        ...fillers
      ]
      const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
      expect(results.every((result) => result.status === 200)).toBe(true)
      const tracks = braze.requests.filter((request) => request.path === '/users/track')
      expect(tracks).toHaveLength(2)
      expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ color: 'red', email: 'new@example.com' })
    })

    test("a batch not in time order (Segment does not sort batches): the newest identify's value wins", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const batch = [
        identify('u1', { plan: 'new', bio: 'x'.repeat(200) }, { timestamp: at(3) }),
        engageTrack('a@example.com', 2),
        identify('u1', { plan: 'old' }, { timestamp: at(1) }),
        ...fillers
      ]
      const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
      expect(results.every((result) => result.status === 200)).toBe(true)
      expect(braze.requests.filter((request) => request.path === '/users/track')).toHaveLength(2)
      expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ plan: 'new' })
    })

    test('skipUnchangedAttributes: a value an earlier event of the batch changed is sent, in whichever part of the user it is', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, cache: createSegmentCache() })
      const settings = { ...SETTINGS, skipUnchangedAttributes: true }
      await runtime.handlers.onIdentify!(identify('u1', { email: 'a@example.com' }, { timestamp: at(0) }), settings)
      const batch = [engageTrack('b@example.com', 1), identify('u1', { email: 'a@example.com' }, { timestamp: at(2) }), ...fillers]
      const results = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number }>
      expect(results.every((result) => result.status === 200)).toBe(true)
      expect(braze.profile({ external_id: 'u1' })!.attributes).toMatchObject({ email: 'a@example.com' })
    })
  })

  test("skipUnchangedAttributes: a delete by an alias that Braze had on a user's profile (given outside Segment) forgets every value, and the user's next identify sends them again", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, cache: createSegmentCache() })
    const settings = { ...SETTINGS, skipUnchangedAttributes: true, anonymousAliasLabel: 'segment_anonymous_id' }
    await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
    // The Braze SDK (or /users/alias/new) gives u1 the visitor's alias (https://www.braze.com/docs/api/endpoints/user_data/post_user_alias/).
    const added = await fetch(`${braze.url}/users/alias/new`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SETTINGS.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_aliases: [{ external_id: 'u1', alias_name: 'anon-1', alias_label: 'segment_anonymous_id' }] })
    })
    expect(added.status).toBe(201)
    await runtime.handlers.onDelete!({ type: 'delete', anonymousId: 'anon-1', messageId: 'del-anon-1' }, settings)
    expect(braze.profile({ external_id: 'u1' })).toBeUndefined()
    await runtime.handlers.onIdentify!(identify('u1', { plan: 'pro' }), settings)
    expect(braze.profile({ external_id: 'u1' })?.attributes).toMatchObject({ plan: 'pro' })
  })

  test("a visitor's failed event holds back the sign-up's merge, and so the user's delete: after Segment's retry (on an instance without this one's memory) the user stays deleted", async () => {
    let busy = true
    const flaky = async (url: string, init: { body?: string }) =>
      busy && url.endsWith('/users/track') && init.body?.includes('"anon-1"')
        ? new Response(JSON.stringify({ message: 'busy' }), { status: 503, headers: { 'content-type': 'application/json' } })
        : fetch(url, init)
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id', maxObjectsPerRequest: '1' }
    const batch = [
      track(undefined, 'Viewed', {}, { anonymousId: 'anon-1', messageId: 'anon-view', timestamp: at(0) }),
      identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1', messageId: 'sign-up', timestamp: at(1) }),
      { ...deletion('u1'), timestamp: at(2) }
    ]
    const first = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: flaky })
    expect(((await first.handlers.onBatch!(batch, settings)) as Array<{ status: number }>).map((result) => result.status)).toEqual([
      500, 500, 500
    ])
    busy = false
    const other = loadBuilt({ profile, brazeBaseUrl: braze.url })
    expect(await other.handlers.onBatch!(batch, settings)).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }])
    expect(braze.profiles()).toHaveLength(0)
  })

  describe('after a delete in the batch, what reaches the deleted profile by another identifier waits too', () => {
    test("the visitor's alias merged into the user earlier in the batch: its later event is retried, then lands on the user who returns", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
      const after = [
        track(undefined, 'Post browse', {}, { anonymousId: 'D', messageId: 'post', timestamp: at(40) }),
        identify('u7', { plan: 'b' }, { anonymousId: 'D', messageId: 'back', timestamp: at(50) })
      ]
      const batch = [
        track(undefined, 'Pre browse', {}, { anonymousId: 'D', messageId: 'pre', timestamp: at(0) }),
        identify('u7', { plan: 'a' }, { anonymousId: 'D', messageId: 'signup', timestamp: at(10) }),
        { ...deletion('u7'), timestamp: at(30) },
        ...after
      ]
      const results = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number }>
      expect(results.map((result) => result.status)).toEqual([200, 200, 200, 500, 500])
      expect(await runtime.handlers.onBatch!(after, settings)).toEqual([{ status: 200 }, { status: 200 }])
      expect(braze.profiles()).toHaveLength(1)
      expect(braze.profile({ external_id: 'u7' })).toMatchObject({ attributes: { plan: 'b' }, eventCount: 1 })
      expect(braze.profile({ external_id: 'u7' })!.events.map((event) => event.name)).toEqual(['Post browse'])
    })

    test("the delete fails and is retried with a lead keyed by the user's email: the lead waits again (the retry batch cannot tell whose email it is), then lands on a profile of its own", async () => {
      let refuse = true
      const failingDelete = async (url: string, init: { body?: string }) => {
        if (refuse && url.endsWith('/users/delete')) {
          refuse = false
          return new Response(JSON.stringify({ message: 'busy' }), { status: 503, headers: { 'content-type': 'application/json' } })
        }
        return fetch(url, init)
      }
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: failingDelete })
      const email = 'fd@example.com'
      const retried = [
        { ...deletion('u11'), timestamp: at(20) },
        identify(undefined, { email, source: 'form' }, { messageId: 'lead', timestamp: at(30) })
      ]
      const first = (await runtime.handlers.onBatch!(
        [identify('u11', { email, plan: 'a' }, { messageId: 'first', timestamp: at(0) }), ...retried],
        SETTINGS
      )) as Array<{ status: number }>
      expect(first.map((result) => result.status)).toEqual([200, 500, 500])
      const second = (await runtime.handlers.onBatch!(retried, SETTINGS)) as Array<{ status: number }>
      expect(second.map((result) => result.status)).toEqual([200, 500])
      expect(await runtime.handlers.onBatch!(retried.slice(1), SETTINGS)).toEqual([{ status: 200 }])
      expect(braze.profiles()).toHaveLength(1)
      expect(braze.profile({ email })).toMatchObject({ attributes: { source: 'form' } })
      expect(braze.profile({ external_id: 'u11' })).toBeUndefined()
    })

    test("what follows a held event on its user waits with it: the user's later value, the user's delete", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const email = 'two@example.com'
      const later = [
        identify('u2', { email, plan: 'old' }, { messageId: 'u2-old', timestamp: at(10) }),
        identify('u2', { plan: 'new' }, { messageId: 'u2-new', timestamp: at(20) })
      ]
      const first = (await runtime.handlers.onBatch!([{ ...deletion('u1'), timestamp: at(0) }, ...later], SETTINGS)) as Array<{
        status: number
      }>
      expect(first.map((result) => result.status)).toEqual([200, 500, 500])
      expect(await runtime.handlers.onBatch!(later, SETTINGS)).toEqual([{ status: 200 }, { status: 200 }])
      expect(braze.profile({ external_id: 'u2' })!.attributes).toMatchObject({ plan: 'new' })

      const gone = [
        identify('u3', { email: 'three@example.com' }, { messageId: 'u3', timestamp: at(40) }),
        { ...deletion('u3'), timestamp: at(50) }
      ]
      const again = (await runtime.handlers.onBatch!(
        [{ ...deletion('u1'), messageId: 'del-u1-again', timestamp: at(30) }, ...gone],
        SETTINGS
      )) as Array<{
        status: number
      }>
      expect(again.map((result) => result.status)).toEqual([200, 500, 500])
      expect(await runtime.handlers.onBatch!(gone, SETTINGS)).toEqual([{ status: 200 }, { status: 200 }])
      expect(braze.profile({ external_id: 'u3' })).toBeUndefined()
    })

    test('the email given to the user earlier in the batch: a lead form keyed by it waits, then joins the user who returns', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const email = 'eight@example.com'
      const after = [
        identify(undefined, { email, source: 'form' }, { messageId: 'lead', timestamp: at(40) }),
        identify('u8', { email, plan: 'b' }, { messageId: 'back', timestamp: at(50) })
      ]
      const batch = [
        identify('u8', { email, plan: 'a' }, { messageId: 'first', timestamp: at(10) }),
        { ...deletion('u8'), timestamp: at(30) },
        ...after
      ]
      const results = (await runtime.handlers.onBatch!(batch, SETTINGS)) as Array<{ status: number }>
      expect(results.map((result) => result.status)).toEqual([200, 200, 500, 500])
      expect(await runtime.handlers.onBatch!(after, SETTINGS)).toEqual([{ status: 200 }, { status: 200 }])
      expect(braze.profiles()).toHaveLength(1)
      expect(braze.profile({ external_id: 'u8' })!.attributes).toMatchObject({ email, plan: 'b', source: 'form' })
    })
  })

  test('a user deleted, identified again and deleted again in one batch: the second identify and delete are retried together, and the user stays deleted', async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const again = [identify('u1', { plan: 'new' }), { type: 'delete', userId: 'u1', messageId: 'del-2' }]
    const results = (await runtime.handlers.onBatch!(
      [identify('u1', { plan: 'old' }), { type: 'delete', userId: 'u1', messageId: 'del-1' }, ...again],
      SETTINGS
    )) as Array<{ status: number }>
    expect(results.map((result) => result.status)).toEqual([200, 200, 500, 500])
    expect(await runtime.handlers.onBatch!(again, SETTINGS)).toEqual([{ status: 200 }, { status: 200 }])
    expect(braze.profiles()).toHaveLength(0)
  })

  test("80 Engage audience tracks of one user, tied by the audience list they all edit: sent in one round (a user's events create the profile themselves), so a 1.7 s Braze delivers them all", async () => {
    // Time in the sandbox runs 10× faster: 170 ms here is 1.7 s there.
    const slowly = async (url: string, init: { body?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 170))
      return fetch(url, init)
    }
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: slowly, timeScale: 10 })
    const entered = Array.from({ length: 80 }, (_, n) =>
      track(
        'u1',
        'Audience Entered',
        { audience_key: `aud_${n}`, [`aud_${n}`]: true },
        {
          messageId: `enter-${n}`,
          timestamp: at(n),
          context: { personas: { computation_class: 'audience', computation_key: `aud_${n}`, space_id: 'spa_1' } }
        }
      )
    )
    const results = await runtime.handlers.onBatch!(entered, { ...SETTINGS, audienceAttribute: 'segment_audiences' })
    expect(results).toEqual(entered.map(() => ({ status: 200 })))
    expect(braze.profile({ external_id: 'u1' })!.eventCount).toBe(80)
  })

  describe("a visitor's orders tied by the object that creates the alias's profile, too big for one request together", () => {
    const settings = { ...LEGACY, anonymousAliasLabel: 'segment_anonymous_id' }
    const visitorOrder = (n: number, count: number) =>
      track(
        undefined,
        'Order Completed',
        { order_id: `o${n}`, currency: 'USD', products: products(count) },
        {
          anonymousId: 'v1',
          messageId: `order-${n}`,
          timestamp: at(n)
        }
      )
    /** Each /users/track request's purchases, by the order they come from (the first product's id tells). */
    const purchaseRequests = () =>
      braze.requests
        .filter((request) => request.path === '/users/track')
        .map((request) => (request.body as { attributes?: unknown[]; purchases?: unknown[] }).purchases?.length ?? 0)

    test("a first-time visitor: the profile's creator goes first, then the orders' purchases, each order whole, and Braze keeps them all", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const results = await runtime.handlers.onBatch!([visitorOrder(1, 25), visitorOrder(2, 25)], {
        ...settings,
        maxObjectsPerRequest: '50'
      })
      expect(results).toEqual([{ status: 200 }, { status: 200 }])
      expect(purchaseRequests()).toEqual([0, 50])
      expect(braze.profile({ user_alias: { alias_name: 'v1', alias_label: 'segment_anonymous_id' } })!.purchaseCount).toBe(50)
    })

    test("twenty orders of five products: the creator, then the orders' first parts packed together (3 requests, not 21)", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const orders = Array.from({ length: 20 }, (_, n) => visitorOrder(n + 1, 5))
      expect(await runtime.handlers.onBatch!(orders, settings)).toEqual(orders.map(() => ({ status: 200 })))
      expect(purchaseRequests().sort((a, b) => a - b)).toEqual([0, 25, 75])
      expect(braze.profile({ user_alias: { alias_name: 'v1', alias_label: 'segment_anonymous_id' } })!.purchaseCount).toBe(100)
    })

    test("Braze refuses the shared creator once: it is resent per event before the orders' purchases, which all land", async () => {
      let refuse = true
      const refusing = async (url: string, init: { body?: string }) => {
        const body = JSON.parse(init.body ?? '{}')
        if (refuse && body.attributes && !body.purchases) {
          refuse = false
          const errors = [{ type: 'refused once', input_array: 'attributes', index: 0 }]
          return new Response(JSON.stringify({ message: 'success', errors }), {
            status: 201,
            headers: { 'content-type': 'application/json' }
          })
        }
        return fetch(url, init)
      }
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusing })
      expect(await runtime.handlers.onBatch!([visitorOrder(1, 40), visitorOrder(2, 40)], settings)).toEqual([
        { status: 200 },
        { status: 200 }
      ])
      expect(braze.profile({ user_alias: { alias_name: 'v1', alias_label: 'segment_anonymous_id' } })!.purchaseCount).toBe(80)
    })

    test('a Braze that answers in 2.5 s: the purchases do not follow with less time left than that (they could time out and be logged), and no retry logs them twice', async () => {
      let slow = true
      // Time in the sandbox runs 10× faster: 250 ms here is 2.5 s there.
      const slowly = async (url: string, init: { body?: string }) => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 250))
        return fetch(url, init)
      }
      const cache = createSegmentCache()
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: slowly, cache, timeScale: 10 })
      const batch = [visitorOrder(1, 40), visitorOrder(2, 40)]
      const alias = { user_alias: { alias_name: 'v1', alias_label: 'segment_anonymous_id' } }
      for (let attempt = 0; attempt < 2; attempt++) {
        const results = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number; errormessage?: string }>
        expect(results.map((result) => result.status)).toEqual([500, 500])
        expect(results[0]!.errormessage).toMatch(/ran out of time before this event could follow the attributes it needs/)
        expect(braze.profile(alias)?.purchaseCount ?? 0).toBe(0)
      }
      slow = false
      expect(await runtime.handlers.onBatch!(batch, settings)).toEqual([{ status: 200 }, { status: 200 }])
      expect(braze.profile(alias)!.purchaseCount).toBe(80)
    })

    test("a 503 on one order's purchases: that order is retried, and the retry sends all of them (none remembered as taken)", async () => {
      let busy = true
      const flaky = async (url: string, init: { body?: string }) => {
        const body = JSON.parse(init.body ?? '{}')
        if (busy && body.purchases && !body.attributes) {
          busy = false
          return new Response(JSON.stringify({ message: 'busy' }), { status: 503, headers: { 'content-type': 'application/json' } })
        }
        return fetch(url, init)
      }
      const cache = createSegmentCache()
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: flaky, cache })
      const batch = [visitorOrder(1, 40), visitorOrder(2, 40)]
      const first = (await runtime.handlers.onBatch!(batch, settings)) as Array<{ status: number }>
      expect(first.map((result) => result.status).sort()).toEqual([200, 500])
      const retried = batch.filter((_, index) => first[index]!.status === 500)
      expect(await runtime.handlers.onBatch!(retried, settings)).toEqual([{ status: 200 }])
      expect(braze.profile({ user_alias: { alias_name: 'v1', alias_label: 'segment_anonymous_id' } })!.purchaseCount).toBe(80)
    })
  })

  describe('a split order and, in the same batch, a call that removes its profile: that call waits for the whole order', () => {
    const order = (fields: Record<string, unknown>) =>
      track(undefined, 'Order Completed', { order_id: 'o-150', currency: 'USD', products: products(150) }, fields)
    const settings = { ...LEGACY, anonymousAliasLabel: 'segment_anonymous_id' }
    const cases: Array<[string, Array<Record<string, unknown>>, (braze: EmbeddedBraze) => void]> = [
      [
        'a delete of the buyer: nothing of the order is left',
        [order({ userId: 'gone' }), { type: 'delete', userId: 'gone', messageId: 'del-150' }],
        (braze) => expect(braze.profiles()).toHaveLength(0)
      ],
      [
        "an alias of the buyer's old userId: one profile with all 150 purchases",
        [order({ userId: 'old-7' }), alias('new-7', 'old-7')],
        (braze) => {
          expect(braze.profiles()).toHaveLength(1)
          expect(braze.profile({ external_id: 'new-7' })!.purchaseCount).toBe(150)
        }
      ],
      [
        "the anonymous buyer signing up: the user's profile has all 150 purchases",
        [order({ anonymousId: 'anon-150' }), identify('u-150', { plan: 'pro' }, { anonymousId: 'anon-150' })],
        (braze) => {
          expect(braze.profiles()).toHaveLength(1)
          expect(braze.profile({ external_id: 'u-150' })!.purchaseCount).toBe(150)
        }
      ]
    ]
    test.each(cases)('%s', async (_name, batch, expectProfiles) => {
      // The order's second part travels slowly: sent together, the other call would arrive first.
      const slowSecondPart = async (url: string, init: { body?: string }) => {
        if (init.body?.includes('"product_id":"p75"')) await new Promise((resolve) => setTimeout(resolve, 50))
        return fetch(url, init)
      }
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: slowSecondPart })
      expect(await runtime.handlers.onBatch!(batch, settings)).toEqual([{ status: 200 }, { status: 200 }])
      expectProfiles(braze)
    })
  })

  /** The embedded Braze, but refusing (a 201 with errors[]) the objects `refuse` names; `slow` requests answer 60 ms late. */
  const refusing =
    (
      refuse: (array: string, object: Record<string, unknown>) => boolean,
      slow: (body: Record<string, unknown[]>) => boolean = () => false
    ) =>
    async (url: string, init: { body?: string }) => {
      if (!url.endsWith('/users/track')) return fetch(url, init)
      const body = JSON.parse(init.body ?? '{}')
      if (slow(body)) await new Promise((resolve) => setTimeout(resolve, 60))
      const errors: unknown[] = []
      for (const array of ['attributes', 'events', 'purchases']) {
        if (!body[array]) continue
        body[array] = body[array].filter((object: Record<string, unknown>, index: number) =>
          refuse(array, object) ? !errors.push({ type: `'${array}' object refused`, input_array: array, index }) : true
        )
      }
      const answer = await (await fetch(url, { ...init, body: JSON.stringify(body) })).json()
      return new Response(JSON.stringify({ ...answer, ...(errors.length > 0 ? { errors } : {}) }), {
        status: 201,
        headers: { 'content-type': 'application/json' }
      })
    }
  const seats = (array: string, object: Record<string, unknown>) => array === 'attributes' && 'seats' in object

  test.each([
    ['in one request', '75'],
    ['over several requests (maxObjectsPerRequest 1), one after another', '1']
  ])(
    'a merged attributes object Braze refuses: the resend applies the events in time order, so the latest value wins (%s)',
    async (_name, maxObjectsPerRequest) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusing(seats) })
      const results = await runtime.handlers.onBatch!(
        [
          identify('u1', { plan: 'pro' }, { timestamp: at(3) }),
          identify('u1', { plan: 'free' }, { timestamp: at(1) }),
          identify('u1', { seats: 12 }, { timestamp: at(2) })
        ],
        { ...SETTINGS, maxObjectsPerRequest }
      )
      expect(results).toEqual([
        { status: 200 },
        { status: 200 },
        { status: 400, errormessage: expect.stringContaining("'attributes' object refused") }
      ])
      expect(braze.profile({ external_id: 'u1' })!.attributes.plan).toBe('pro')
    }
  )

  test("a null inside one user's nested trait does not cost another user of the same request their nested traits", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const results = await runtime.handlers.onBatch!(
      [identify('n1', { pet: { name: 'Rex' } }), identify('n2', { prefs: { color: null, size: 'M' }, pets: [{ name: 'Bo' }, null] })],
      SETTINGS
    )
    expect(results).toEqual([{ status: 200 }, { status: 200 }])
    expect(braze.profile({ external_id: 'n1' })!.attributes).toEqual({ pet: { name: 'Rex' } })
    expect(braze.profile({ external_id: 'n2' })!.attributes).toEqual({ prefs: { size: 'M' }, pets: [{ name: 'Bo' }] })
  })

  test('a resend of more than one request keeps time order across the requests: the latest value wins', async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusing(seats) })
    // 80 values of one attribute, later ones longer (a packer by size would send them first), and one Braze refuses.
    const events = Array.from({ length: 80 }, (_, i) => identify('u1', { color: `v${i}-${'x'.repeat(i)}` }, { timestamp: at(i) }))
    const results = (await runtime.handlers.onBatch!([...events, identify('u1', { seats: 1 }, { timestamp: at(80) })], SETTINGS)) as Array<{
      status: number
    }>
    expect(results.map((result) => result.status)).toEqual([...events.map(() => 200), 400])
    expect(braze.profile({ external_id: 'u1' })!.attributes.color).toBe(`v79-${'x'.repeat(79)}`)
  })

  test('a delete of a user whose merge is in flight goes after the merge was answered: nothing of the user is left', async () => {
    const slowMerge = async (url: string, init: { body?: string }) => {
      if (url.endsWith('/users/merge')) await new Promise((resolve) => setTimeout(resolve, 100))
      return fetch(url, init)
    }
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: slowMerge })
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
    const results = await runtime.handlers.onBatch!(
      [
        track(undefined, 'Viewed', {}, { anonymousId: 'anon-d', timestamp: at(1) }),
        identify('u-d', { plan: 'pro' }, { anonymousId: 'anon-d', timestamp: at(2) }),
        { type: 'delete', userId: 'u-d', messageId: 'del-d', timestamp: at(3) }
      ],
      settings
    )
    expect(results).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }])
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/merge', '/users/delete'])
    expect(braze.profiles()).toHaveLength(0)
  })

  test("the resend of a refused merged object finishes before the merge of that profile: the visitor's values reach the user", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusing(seats) })
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
    const results = await runtime.handlers.onBatch!(
      [
        identify(undefined, { plan: 'pro' }, { anonymousId: 'anon-9', timestamp: at(1) }),
        identify(undefined, { seats: 12 }, { anonymousId: 'anon-9', timestamp: at(2) }),
        identify('u9', { x: 1 }, { anonymousId: 'anon-9', timestamp: at(3) })
      ],
      settings
    )
    expect((results as Array<{ status: number }>).map((result) => result.status)).toEqual([200, 400, 200])
    expect(braze.profiles()).toHaveLength(1)
    expect(braze.profile({ external_id: 'u9' })!.attributes).toMatchObject({ plan: 'pro', x: 1 })
  })

  test('the resend of a refused merged object finishes before a delete of that user: the deleted user stays deleted', async () => {
    const resend = (body: Record<string, unknown[]>) => (body.attributes ?? []).length > 1
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url, fetch: refusing(seats, resend) })
    const results = await runtime.handlers.onBatch!(
      [
        identify('gone-2', { plan: 'pro' }, { timestamp: at(1) }),
        identify('gone-2', { seats: 1 }, { timestamp: at(2) }),
        { type: 'delete', userId: 'gone-2', messageId: 'del-2', timestamp: at(3) }
      ],
      SETTINGS
    )
    expect((results as Array<{ status: number }>).map((result) => result.status)).toEqual([200, 400, 200])
    expect(braze.profiles()).toHaveLength(0)
  })

  test("a split order's later part that Braze refuses stops the order, and the merge waiting for it is still sent", async () => {
    const runtime = loadBuilt({
      profile,
      brazeBaseUrl: braze.url,
      fetch: refusing((array, object) => array === 'purchases' && object.product_id === 'p75')
    })
    const results = await runtime.handlers.onBatch!(
      [orderCompleted('old-8', products(225), {}, { timestamp: at(1) }), alias('new-8', 'old-8', { timestamp: at(2), messageId: 'al-8' })],
      LEGACY
    )
    expect(results).toEqual([{ status: 400, errormessage: expect.stringContaining("'purchases' object refused") }, { status: 200 }])
    expect(braze.requests.map((request) => request.path)).toContain('/users/merge')
    expect(braze.profiles()).toHaveLength(1)
  })
})

test.each(RUNTIME_PROFILES)(
  '%s profile: a Braze that never answers a later part: the chain stops, the event retries, Braze has the first part',
  async (profile) => {
    const runtime = loadBuilt({ profile, cache: createSegmentCache() })
    nock(BRAZE_HOST).post('/users/track').reply(201, { message: 'success', purchases_processed: 75 })
    nock(BRAZE_HOST)
      .post('/users/track')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    const outcome = await caught(runtime.handlers.onTrack!(orderCompleted('u1', products(150), {}, { messageId: 'o-2' }), LEGACY))
    expect(segmentClass(runtime, (outcome as { thrown: unknown }).thrown)).toBe('RetryError')
  }
)
