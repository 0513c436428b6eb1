// onBatch of the built script in the local Segment runtime, against nock:
// the same promises as the sources make, kept by what users paste into Segment.
import nock from 'nock'
import { INVOCATION_BUDGET_MS } from '../src/destination/braze-client'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import type { SegmentRuntime } from '../src/tools/segment-runtime'
import { BRAZE_HOST, SETTINGS, connectionReset, expectNoKey, mockBraze, plannedBodies, trackObjects, useNock } from './helpers/braze-nock'
import { alias, at, deletion, identify, lowerBoundOf, mixedBatch, track } from './helpers/events'
import { loadBuilt, RUNTIME_PROFILES, segmentClass } from './helpers/runtime'

type Result = { status: number; errormessage?: string }

let runtime: SegmentRuntime
const BATCH_SETTINGS = { ...SETTINGS, sendPageEvents: true }

const onBatch = (events: unknown, settings: unknown = BATCH_SETTINGS) => runtime.handlers.onBatch!(events, settings) as Promise<Result[]>
const statuses = (results: Result[]) => results.map((result) => result.status)
const indexesWith = (results: Result[], status: number) => results.flatMap((result, index) => (result.status === status ? [index] : []))

useNock()

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  beforeEach(() => {
    runtime = loadBuilt({ profile })
  })

  test('400 identifies of one user, each adding 200 values to an array: folded into one request, all delivered (it took over 5 s when each fold copied the lists before it)', async () => {
    const braze = mockBraze()
    const events = Array.from({ length: 400 }, (_, i) => ({
      type: 'identify',
      userId: 'u1',
      messageId: `m${i}`,
      timestamp: new Date(Date.UTC(2024, 4, 1, 10, 0, 0, i)).toISOString(),
      traits: { tags: { add: Array.from({ length: 200 }, (_, k) => `t${i}-${k}`) } }
    }))
    expect(statuses(await onBatch(events))).toEqual(events.map(() => 200))
    expect(braze.requests).toHaveLength(1)
    expect((trackObjects(braze.requests).attributes[0] as { tags: { add: string[] } }).tags.add).toHaveLength(80_000)
  })

  describe('400 mixed events through the built onBatch', () => {
    const batch = mixedBatch(400, 60)

    test('one 200 per event in input order; requests = the lower bound; attributes merged per user', async () => {
      const braze = mockBraze()
      const results = await onBatch(batch.events)
      expect(Array.isArray(results)).toBe(true)
      expect(statuses(results)).toEqual(batch.events.map(() => 200))
      const sent = trackObjects(braze.requests)
      expect(sent.attributes).toHaveLength(batch.counts.attributeUsers)
      expect(sent.events).toHaveLength(batch.counts.tracks + batch.counts.pages)
      expect(sent.purchases).toHaveLength(batch.counts.products)
      expect(braze.requests).toHaveLength(lowerBoundOf(sent.attributes.length, sent.events.length, sent.purchases.length, 75))
      // Everything the sources plan is exactly what went over the wire.
      const planned = plannedBodies(batch.events, BATCH_SETTINGS)
        .map((body) => JSON.stringify(body))
        .sort()
      expect(braze.requests.map((request) => JSON.stringify(request.body)).sort()).toEqual(planned)
    })

    test('a merged attributes object refused in a 201 → resent per event; only the events Braze still refuses get 400', async () => {
      let target: any
      // A user with identifies and groups behind its merged object.
      const mixed = (object: any) =>
        new Set((batch.attributeEvents.get(object.external_id) ?? []).map((index) => batch.events[index]!.type)).size > 1
      mockBraze((request) => {
        const attributes: any[] = request.body.attributes ?? []
        const index = attributes.findIndex(mixed)
        if (!target && index >= 0) {
          target = attributes[index]
          return {
            status: 201,
            body: { message: 'success', errors: [{ type: 'Invalid attribute value', input_array: 'attributes', index }] }
          }
        }
        // The resend, one object per event: Braze refuses the identifies (they carry the value) and takes the groups.
        const refused = attributes.flatMap((object: any, index: number) =>
          target && object.external_id === target.external_id && 'plan' in object ? [index] : []
        )
        if (refused.length === 0) return undefined
        return {
          status: 201,
          body: {
            message: 'success',
            errors: refused.map((index: number) => ({ type: 'Invalid attribute value', input_array: 'attributes', index }))
          }
        }
      })
      const results = await onBatch(batch.events)
      const behind = batch.attributeEvents.get(target.external_id)!
      const identifies = behind.filter((index) => batch.events[index]!.type === 'identify')
      expect(identifies.length).toBeGreaterThan(0)
      expect(identifies.length).toBeLessThan(behind.length)
      expect(indexesWith(results, 400)).toEqual(identifies)
      for (const index of identifies) expect(results[index]!.errormessage).toContain('Invalid attribute value')
      expect(indexesWith(results, 200)).toHaveLength(400 - identifies.length)
    })
  })

  describe('a 400 naming the objects it refused', () => {
    // Braze answers so when no object of a request is valid (the answer Segment's Braze (Actions) destination's
    // multistatus tests record): the objects are refused, not the request.
    const NONE_VALID = "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields."

    test('a merged attributes object is resent per event: only the event with the refused value gets 400', async () => {
      const braze = mockBraze((request, index) => {
        const attributes: any[] = request.body.attributes ?? []
        const refused = attributes.flatMap((object, position) => (index === 0 || 'bad' in object ? [position] : []))
        if (refused.length === 0) return undefined
        const errors = refused.map((position) => ({ type: 'Invalid attribute value', input_array: 'attributes', index: position }))
        return refused.length === attributes.length
          ? { status: 400, body: { message: NONE_VALID, errors } }
          : { status: 201, body: { message: 'success', errors } }
      })
      const events = [identify('u9', { plan: 'pro' }), identify('u9', { bad: 'x' }), identify('u9', { seats: 3 })]
      const results = await onBatch(events)
      expect(statuses(results)).toEqual([200, 400, 200])
      expect(results[1]!.errormessage).toContain('Invalid attribute value')
      expect(braze.requests.map((request) => request.body.attributes.length)).toEqual([1, 3])
    })

    test('an object it does not name was not taken either, but is no reason to reject: its event is retried', async () => {
      mockBraze(() => ({ status: 400, body: { message: NONE_VALID, errors: [{ type: 'Invalid', input_array: 'events', index: 0 }] } }))
      const results = await onBatch([track('u1', 'One'), track('u2', 'Two')])
      expect(statuses(results)).toEqual([400, 500])
      expect(results[0]!.errormessage).toContain('Invalid')
      expect(results[1]!.errormessage).toContain(
        "Braze rejected /users/track (HTTP 400): Valid data must be provided in the 'attributes', 'events', or 'purchases' fields; it named other objects of this request, not this event's, and took none of it."
      )
    })
  })

  describe('a Braze account that takes 50 objects per request (what Braze once documented for "Monthly Active Users - CY 24-25")', () => {
    // Braze's answer to more (https://www.braze.com/docs/api/errors/): the request is refused whole.
    const tooLong = (request: { body: Record<string, unknown[]> }) => {
      const total = Object.values(request.body).reduce((sum, objects) => sum + objects.length, 0)
      return total > 50 ? { status: 400, body: { message: 'Max Input Length Exceeded' } } : undefined
    }

    test('a refused request of 60 is sent again as requests of 50 at most: every event delivered, and a notice names the setting', async () => {
      const braze = mockBraze(tooLong)
      const events = Array.from({ length: 60 }, (_, i) => track(`u${i % 7}`, `Step ${i}`))
      const results = await onBatch(events)
      expect(statuses(results)).toEqual(events.map(() => 200))
      const sizes = braze.requests.map((request) => (request.body.events as unknown[]).length)
      expect(sizes[0]).toBe(60)
      expect(sizes.slice(1).every((size) => size <= 50)).toBe(true)
      expect(sizes.slice(1).reduce((sum, size) => sum + size, 0)).toBe(60)
      expect(runtime.logs).toEqual([
        'Braze refused a request of 60 objects as too long (Max Input Length Exceeded): ' +
          'it was sent again in requests of 50; set the maxObjectsPerRequest setting to 50 to save that round trip.'
      ])
    })

    test("an anonymous visitor's orders over 50 purchases: sent again in order, the attributes that create the alias profile first", async () => {
      const braze = await startEmbeddedBraze({ apiKey: SETTINGS.apiKey, maxObjectsPerRequest: 50 })
      nock.enableNetConnect('127.0.0.1')
      try {
        runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
        const products = (order: number) => Array.from({ length: 30 }, (_, i) => ({ product_id: `p${order}-${i}`, price: 1 }))
        const orders = [1, 2].map((n) => ({
          ...track(undefined, 'Order Completed', { order_id: `o${n}`, currency: 'USD', products: products(n) }),
          anonymousId: 'visitor-1'
        }))
        const results = await onBatch(orders, { ...BATCH_SETTINGS, ecommerceMode: 'purchases', anonymousAliasLabel: 'anon' })
        expect(statuses(results)).toEqual([200, 200])
        const [first, ...again] = braze.requests.map((request) => request.body as Record<string, unknown[]>)
        expect(first!.purchases).toHaveLength(60)
        // One request after another: Braze applies an alias's purchases only to a profile that exists.
        expect(again.map((body) => [body.attributes?.length ?? 0, body.purchases?.length ?? 0])).toEqual([
          [1, 30],
          [0, 30]
        ])
        expect(braze.profiles()).toHaveLength(1)
        expect(braze.profiles()[0]!.purchaseCount).toBe(60)
      } finally {
        await braze.close()
      }
    })

    test('refused too late to send again (under 1 s left): every event 500, nothing sent twice', async () => {
      // Time in the sandbox runs 5× faster: Braze refuses after 3.1 s of the 4 s deadline (620 ms here), leaving
      // under the 1 s a resend needs, and the answer has 180 ms to arrive before the deadline on a busy machine.
      runtime = loadBuilt({ profile, timeScale: 5 })
      nock(BRAZE_HOST).post('/users/track').delay(620).reply(400, { message: 'Max Input Length Exceeded' })
      const braze = mockBraze()
      const events = Array.from({ length: 60 }, (_, i) => track(`u${i % 7}`, `Step ${i}`))
      const results = await onBatch(events)
      expect(statuses(results)).toEqual(events.map(() => 500))
      expect(results[0]!.errormessage).toContain('no time was left to send it again in smaller requests')
      expect(braze.requests).toHaveLength(0)
    })

    test("a lane goes on after a smaller request Braze took, whatever its events' earlier failures", async () => {
      // Round 1: Braze refuses the merged attributes object and the Engage track's event; the merged object's
      // 61 events are resent one object each, 61 objects: too long, so again as 50 then 11, one after the other.
      let tracks = 0
      const braze = mockBraze((request) => {
        if (request.path !== '/users/track') return undefined
        tracks++
        if (tracks === 1) {
          const errors = [
            { type: 'Invalid attribute', input_array: 'attributes', index: 0 },
            { type: 'Invalid event', input_array: 'events', index: 0 }
          ]
          return { status: 201, body: { message: 'success', errors } }
        }
        return tracks === 2 ? { status: 400, body: { message: 'Max Input Length Exceeded' } } : undefined
      })
      const entered = track(
        'u1',
        'Audience Entered',
        { audience_key: 'vip', vip: true },
        {
          timestamp: at(0),
          context: { traits: { email: 'pat@example.com' }, personas: { computation_class: 'audience', computation_key: 'vip' } }
        }
      )
      const identifies = Array.from({ length: 60 }, (_, i) => identify('u1', { n: i }, { timestamp: at(1 + i) }))
      const results = await onBatch([entered, ...identifies])
      expect(braze.to('/users/track').map((request) => (request.body.attributes ?? []).length)).toEqual([1, 61, 50, 11])
      expect(statuses(results)).toEqual([400, ...identifies.map(() => 200)])
    })

    test("an event part of more than 50 objects can't be sent: it alone gets 400 naming the setting", async () => {
      mockBraze(tooLong)
      const products = Array.from({ length: 55 }, (_, i) => ({ product_id: `p${i}`, price: 1 }))
      const order = track('u1', 'Order Completed', { order_id: 'o1', currency: 'USD', products })
      const results = await onBatch([order, track('u2', 'Viewed')], { ...BATCH_SETTINGS, ecommerceMode: 'purchases' })
      expect(statuses(results)).toEqual([400, 200])
      expect(results[0]!.errormessage).toBe(
        "Braze refused this event's objects as too many for one request (Max Input Length Exceeded): set the maxObjectsPerRequest setting to 50."
      )
      // The log says what went again: the neighbour, not the order.
      expect(runtime.logs).toEqual([
        'Braze refused a request of 56 objects as too long (Max Input Length Exceeded): what fits requests of 50 was sent again, ' +
          'and the events with more objects in one part than that were refused; set the maxObjectsPerRequest setting to 50.'
      ])
    })
  })

  describe('request failures', () => {
    const batch = mixedBatch(200, 40)
    const bodies = plannedBodies(batch.events, BATCH_SETTINGS)

    test('the second of three requests answers 503 → exactly its events get 500', async () => {
      expect(bodies).toHaveLength(3)
      const second = JSON.stringify(bodies[1])
      const braze = mockBraze((request) =>
        JSON.stringify(request.body) === second ? { status: 503, body: { message: 'Service Unavailable' } } : undefined
      )
      const results = await onBatch(batch.events)
      expect(braze.requests).toHaveLength(3)
      const behind = batch.eventsBehind(bodies[1])
      expect(indexesWith(results, 500)).toEqual(behind)
      expect(indexesWith(results, 200)).toEqual(batch.events.map((_, i) => i).filter((i) => !behind.includes(i)))
    })

    test('a request that never answers → its events 500 at the invocation deadline', async () => {
      // Time in the sandbox runs 10× faster: the 4 s deadline passes in 400 ms, time enough for the other
      // requests on a busy machine; the slow answer would come after 6 s. The results come at the deadline,
      // not before it and not at the answer (a tight wall-clock bound would measure the host's load, ×10).
      runtime = loadBuilt({ profile, timeScale: 10 })
      const first = JSON.stringify(bodies[0])
      const slow = nock(BRAZE_HOST)
        .post('/users/track', (body) => JSON.stringify(body) === first)
        .delay(6000)
        .reply(201, { message: 'success' })
      mockBraze()
      const started = Date.now()
      const results = await onBatch(batch.events)
      const elapsed = Date.now() - started
      expect(elapsed * 10).toBeGreaterThanOrEqual(INVOCATION_BUDGET_MS - 100)
      expect(elapsed).toBeLessThan(3000)
      expect(slow.isDone()).toBe(true)
      const behind = batch.eventsBehind(bodies[0])
      expect(indexesWith(results, 500)).toEqual(behind)
      for (const index of behind) expect(results[index]!.errormessage).toMatch(/did not answer/)
    })

    test('connection resets → every event 500, quickly, no key anywhere', async () => {
      nock(BRAZE_HOST).persist().post('/users/track').replyWithError(connectionReset())
      const started = Date.now()
      const results = await onBatch(batch.events.slice(0, 20))
      expect(Date.now() - started).toBeLessThan(1000)
      expect(statuses(results)).toEqual(Array(20).fill(500))
      expectNoKey(results, runtime.logs)
    })
  })

  describe('bad events, bad settings, user endpoints', () => {
    test('one invalid event among valid ones → only it fails with 400', async () => {
      mockBraze()
      const events = [track('u1', 'A'), { type: 'track', event: 'foo' }, identify('u2', { plan: 'pro' }), track('u3', 'B')]
      const results = await onBatch(events)
      expect(statuses(results)).toEqual([200, 400, 200, 200])
      expect(results[1]!.errormessage).toMatch(/userId/)
    })

    test("invalid settings → onBatch throws the runtime's ValidationError", async () => {
      const braze = mockBraze()
      expect(
        segmentClass(runtime, await onBatch([track('u1', 'A')], { apiKey: '', dataCenter: 'US-01' }).catch((error: unknown) => error))
      ).toBe('ValidationError')
      expect(
        segmentClass(runtime, await onBatch([track('u1', 'A')], { ...SETTINGS, dataCenter: 'mars-01' }).catch((error: unknown) => error))
      ).toBe('ValidationError')
      expect(braze.requests).toHaveLength(0)
    })

    test('identify with anonymousId, alias and delete (context: []) → chunks of 50 to /users/merge and /users/delete', async () => {
      const braze = mockBraze()
      const labelled = { ...SETTINGS, anonymousAliasLabel: 'anon' }
      const identifies = Array.from({ length: 55 }, (_, i) => identify(`u${i}`, {}, { anonymousId: `a${i}` }))
      const deletes = Array.from({ length: 101 }, (_, i) => deletion(`d${i}`))
      const results = await onBatch([...identifies, ...deletes], labelled)
      expect(statuses(results).every((status) => status === 200)).toBe(true)
      expect(
        braze
          .to('/users/merge')
          .map((request) => request.body.merge_updates.length)
          .sort((a, b) => b - a)
      ).toEqual([50, 5])
      expect(
        braze
          .to('/users/delete')
          .map((request) => request.body.external_ids.length)
          .sort((a, b) => b - a)
      ).toEqual([50, 50, 1])
      braze.requests.length = 0

      const merges = Array.from({ length: 75 }, (_, i) => alias(`new${i}`, `old${i}`))
      expect(statuses(await onBatch(merges, SETTINGS))).toEqual(Array(75).fill(200))
      expect(
        braze
          .to('/users/merge')
          .map((request) => request.body.merge_updates.length)
          .sort((a, b) => b - a)
      ).toEqual([50, 25])
    })

    test("a /users/track request Braze refuses whole (400, no object named): each user's objects go again alone, and the valid neighbours are delivered", async () => {
      // One event's text Braze may not parse (a lone UTF-16 surrogate, which JSON.stringify writes as \ud800): Braze's
      // "400 Bad Request – Bad syntax" names no object (https://www.braze.com/docs/api/errors/).
      const lone = (body: unknown) => JSON.stringify(body).includes('\\ud800')
      const braze = mockBraze((request) =>
        request.path === '/users/track' && lone(request.body) ? { status: 400, body: { message: 'Bad Request' } } : undefined
      )
      const results = await onBatch([
        identify('alice', { plan: 'pro' }, { messageId: 'a1', timestamp: at(1) }),
        track('bob', 'Signed Up', { note: 'bad \ud800 value' }, { messageId: 'b1', timestamp: at(2) }),
        track('carol', 'Signed Up', { ok: true }, { messageId: 'c1', timestamp: at(3) })
      ])
      expect(statuses(results)).toEqual([200, 400, 200])
      expect(braze.to('/users/track').map((request) => lone(request.body))).toEqual([true, false, true, false])
    })

    test('a /users/delete request Braze refuses is sent again one delete at a time: only the one Braze refuses alone is 400', async () => {
      const braze = mockBraze((request) =>
        request.path === '/users/delete' && request.body.external_ids.includes('bad')
          ? { status: 400, body: { message: 'Invalid request' } }
          : undefined
      )
      const results = await onBatch([deletion('good'), deletion('bad'), deletion('fine')])
      expect(statuses(results)).toEqual([200, 400, 200])
      expect(braze.to('/users/delete').map((request) => request.body.external_ids)).toEqual([
        ['good', 'bad', 'fine'],
        ['good'],
        ['bad'],
        ['fine']
      ])
    })

    test('the same message twice in one batch (same messageId, same content) is sent once; both get its outcome', async () => {
      const braze = mockBraze((request, index) => (index === 0 ? { status: 503, body: { message: 'busy' } } : undefined))
      const event = track('u1', 'Signed Up', {}, { messageId: 'm-twice' })
      const other = track('u1', 'Signed Up', { plan: 'pro' }, { messageId: 'm-twice' })
      const failed = await onBatch([event, structuredClone(event), other])
      expect(statuses(failed)).toEqual([500, 500, 500])
      expect(trackObjects(braze.requests).events).toHaveLength(2)
      // Segment retries them; now Braze takes them, once each.
      const results = await onBatch([event, structuredClone(event), other])
      expect(statuses(results)).toEqual([200, 200, 200])
      expect(trackObjects(braze.requests.slice(1)).events).toHaveLength(2)
    })

    test('a messageId a source reused for different events names none of them: each is sent, and a retry of one is sent again', async () => {
      const signup = track('uA', 'Signed Up', {}, { messageId: 'm-reused' })
      const purchase = track('uB', 'Purchased', {}, { messageId: 'm-reused' })
      const braze = mockBraze((request) =>
        request.body.events?.[0]?.external_id === 'uB' && braze.requests.length <= 2 ? { status: 503 } : undefined
      )
      const settings = { ...BATCH_SETTINGS, maxObjectsPerRequest: '1' }
      expect(statuses(await onBatch([signup, purchase, structuredClone(purchase)], settings))).toEqual([200, 500, 500])
      expect(trackObjects(braze.requests).events.map((event) => event.name)).toEqual(['Signed Up', 'Purchased'])
      // Segment retries the purchase alone: what the signup's delivery would have made the id say is not believed.
      expect(statuses(await onBatch([purchase], settings))).toEqual([200])
      expect(trackObjects(braze.requests.slice(2)).events.map((event) => event.name)).toEqual(['Purchased'])
    })

    test('copies of an event without a timestamp, far apart in a batch, are one message: sent once', async () => {
      const braze = mockBraze()
      const { timestamp: _none, ...untimed } = track('u1', 'Opened', {}, { messageId: 'm-untimed' })
      const between = Array.from({ length: 300 }, (_, i) => identify(`u${i + 2}`, { blob: 'x'.repeat(200) }))
      const results = await onBatch([untimed, ...between, structuredClone(untimed)])
      expect(statuses(results).every((status) => status === 200)).toBe(true)
      expect(trackObjects(braze.requests).events.filter((event) => event.name === 'Opened')).toHaveLength(1)
    })

    test("warnings are logged, one line each, naming the event (onBatch's answer has only statuses)", async () => {
      mockBraze()
      const results = await onBatch([
        identify('u1', { plan: 'pro' }, { messageId: 'clean' }),
        identify('u2', { gender: 'sometimes' }, { messageId: 'm-2' }),
        identify('u3', { gender: 'often' }, { messageId: undefined })
      ])
      expect(statuses(results)).toEqual([200, 200, 200])
      expect(runtime.logs).toEqual([
        'Warning for event 2 (messageId "m-2"): trait "gender" was dropped: Braze takes male, female, other, not applicable or prefer not to say.',
        'Warning for event 3: trait "gender" was dropped: Braze takes male, female, other, not applicable or prefer not to say.'
      ])
    })

    test('a /users/merge request that fails fails only the events whose merges it carried', async () => {
      const labelled = { ...SETTINGS, anonymousAliasLabel: 'anon' }
      const events = Array.from({ length: 120 }, (_, i) => identify(`u${i}`, {}, { anonymousId: `a${i}` }))
      let failed: string[] = []
      mockBraze((request) => {
        if (request.path !== '/users/merge' || failed.length > 0) return undefined
        failed = request.body.merge_updates.map((update: any) => update.identifier_to_keep.external_id)
        return { status: 503 }
      })
      const results = await onBatch(events, labelled)
      const expected = events.flatMap((event, index) => (failed.includes(event.userId as string) ? [index] : []))
      expect(expected).toHaveLength(50)
      expect(indexesWith(results, 500)).toEqual(expected)
      expect(indexesWith(results, 200)).toHaveLength(70)
    })

    test("an Engage track's merge of an email-only lead that fails: the track stays delivered (a retry would log it twice), a line says so", async () => {
      const braze = mockBraze((request) => (request.path === '/users/merge' ? { status: 429, body: { message: 'busy' } } : undefined))
      const entered = track(
        'u1',
        'Audience Entered',
        { audience_key: 'vip', vip: true },
        {
          context: { traits: { email: 'pat@example.com' }, personas: { computation_class: 'audience', computation_key: 'vip' } }
        }
      )
      const identified = identify('u2', { email: 'lee@example.com' })
      const results = await onBatch([entered, identified])
      expect(braze.to('/users/merge')).toHaveLength(1)
      expect(statuses(results)).toEqual([200, 500])
      expect(runtime.logs).toEqual([
        expect.stringMatching(
          /^An earlier profile could not be merged into the user an Engage track names \(.*\); the track is not retried/
        )
      ])
      await expect(runtime.handlers.onTrack!(entered, BATCH_SETTINGS)).resolves.toBeDefined()
    })

    test('a refused /users/merge of several entries: each is resent alone, and only the event whose merge Braze refuses gets 400', async () => {
      const labelled = { ...SETTINGS, anonymousAliasLabel: 'anon' }
      const braze = mockBraze((request) => {
        if (request.path !== '/users/merge') return undefined
        const refused = request.body.merge_updates.some((update: any) => update.identifier_to_keep.external_id === 'u2')
        return refused ? { status: 400, body: { message: "identifiers must be objects with an 'external_id' property" } } : undefined
      })
      const results = await onBatch(
        [1, 2, 3].map((n) => identify(`u${n}`, {}, { anonymousId: `a${n}` })),
        labelled
      )
      expect(statuses(results)).toEqual([200, 400, 200])
      expect(results[1]!.errormessage).toMatch(/external_id/)
      expect(braze.to('/users/merge').map((request) => request.body.merge_updates.length)).toEqual([3, 1, 1, 1])
    })
  })
})
