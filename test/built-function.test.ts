// The built script, as pasted into Segment, running in the local copy of
// Segment's runtime (node:vm, node-fetch v2, the global error classes) against nock.
import vm from 'node:vm'
import nock from 'nock'
import nodeFetch from 'node-fetch'
import { HANDLERS } from '../src/tools/paths'
import { createSegmentCache, type SegmentRuntime } from '../src/tools/segment-runtime'
import { API_KEY, BRAZE_HOST, SETTINGS, connectionReset, expectNoKey, mockBraze, useNock } from './helpers/braze-nock'
import { at, deletion, identify, orderCompleted, page, track } from './helpers/events'
import { builtCode, loadBuilt, RUNTIME_PROFILES, segmentClass } from './helpers/runtime'

type ErrorClass = new (...args: any[]) => Error
let runtime: SegmentRuntime
const code = builtCode()

useNock()

const call = (name: string, event: unknown, settings: unknown = SETTINGS) => runtime.handlers[name as 'onTrack']!(event, settings)
const caught = (promise: Promise<unknown>) =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
    },
    (error: unknown) => error as Error
  )

describe('the file', () => {
  test('no require, import or export; every handler a top-level async function', () => {
    expect(code).not.toMatch(/\brequire\s*\(/)
    expect(code).not.toMatch(/^\s*(import|export)\b/m)
    expect(code).not.toMatch(/\bimport\s*\(/)
    for (const handler of HANDLERS) {
      expect(code).toMatch(new RegExp(`^async function ${handler}\\((event|events), settings\\) \\{`, 'm'))
    }
    // A plain script, not a module: it compiles as one.
    expect(() => new vm.Script(code)).not.toThrow()
    for (const profile of RUNTIME_PROFILES) expect(Object.keys(loadBuilt({ profile }).handlers).sort()).toEqual([...HANDLERS].sort())
  })

  test('it starts with the header comment naming the settings', () => {
    expect(code.startsWith('/**\n * Braze Destination Function for Segment')).toBe(true)
    for (const name of ['apiKey', 'dataCenter', 'maxObjectsPerRequest']) expect(code.slice(0, 2000)).toContain(name)
  })
})

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  beforeEach(() => {
    runtime = loadBuilt({ profile })
  })

  describe('end to end through the runtime', () => {
    test('identify → the exact Braze requests (the attributes, then the merge of an email-only lead), and the summary', async () => {
      let headers: Record<string, unknown> = {}
      const trackBody = { attributes: [{ external_id: 'u1', first_name: 'Ada', email: 'ada@example.com', country: 'GB', plan: 'pro' }] }
      const mergeBody = {
        merge_updates: [
          {
            identifier_to_merge: { email: 'ada@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
            identifier_to_keep: { external_id: 'u1' }
          }
        ]
      }
      const scope = nock(BRAZE_HOST)
        .post('/users/track', trackBody)
        .reply(function () {
          headers = this.req.headers
          return [201, { message: 'success', attributes_processed: 1 }]
        })
        .post('/users/merge', mergeBody)
        .reply(202, { message: 'success' })
      const summary = await runtime.deliver(
        identify('u1', { firstName: 'Ada', email: 'ada@example.com', address: { country: 'GB' }, plan: 'pro' }),
        SETTINGS
      )
      expect(scope.isDone()).toBe(true)
      expect(headers.authorization).toBe(`Bearer ${API_KEY}`)
      expect(headers['content-type']).toBe('application/json')
      expect(summary).toEqual({
        braze: { endpoint: '/users/track', status: 201, response: { message: 'success', attributes_processed: 1 } },
        requests: [
          { endpoint: '/users/track', status: 201, body: trackBody },
          { endpoint: '/users/merge', status: 202, body: mergeBody }
        ],
        sent: { attributes: 1, events: 0, purchases: 0 },
        warnings: []
      })
    })

    test("the device's locale, time zone and country: sent from context by default, left to the Braze SDK with skipContextLocale", async () => {
      const braze = mockBraze()
      const context = {
        locale: 'fr-CA',
        timezone: 'America/Toronto',
        location: { country: 'Canada', latitude: 45.5019, longitude: -73.5674 }
      }
      await runtime.deliver(identify('u1', { plan: 'pro' }, { context }), SETTINGS)
      await runtime.deliver(identify('u1', { plan: 'pro' }, { context }), { ...SETTINGS, skipContextLocale: true })
      const location = { current_location: { latitude: 45.5019, longitude: -73.5674 } }
      expect(braze.requests.map((request) => request.body.attributes)).toEqual([
        [{ external_id: 'u1', plan: 'pro', language: 'fr', time_zone: 'America/Toronto', country: 'CA', ...location }],
        [{ external_id: 'u1', plan: 'pro', ...location }]
      ])
    })

    test('a track whose timestamp is no date: logged at its receivedAt, and the summary says so', async () => {
      const braze = mockBraze()
      const event = { ...track('u1', 'Signed Up', {}), timestamp: 'yesterday', receivedAt: at(2) }
      const summary = (await runtime.deliver(event, SETTINGS)) as any
      expect(braze.requests.map((request) => request.body)).toEqual([{ events: [{ external_id: 'u1', name: 'Signed Up', time: at(2) }] }])
      expect(summary.warnings).toEqual([
        'timestamp "yesterday" is not an ISO 8601 date between the years 0000 and 9999: Braze logs the event at its receivedAt.'
      ])
    })

    test('track and Order Completed → event and purchases', async () => {
      const braze = mockBraze()
      const first = (await runtime.deliver(track('u1', 'Signed Up', { plan: 'pro' }, { timestamp: at(1) }), SETTINGS)) as any
      expect(first.sent).toEqual({ attributes: 0, events: 1, purchases: 0 })
      const second = (await runtime.deliver(
        orderCompleted('u1', [
          { product_id: 'a', price: 3, quantity: 2 },
          { sku: 'b', price: 4 }
        ]),
        SETTINGS
      )) as any
      expect(second.sent).toEqual({ attributes: 0, events: 0, purchases: 2 })
      expect(braze.requests.map((request) => request.body)).toEqual([
        { events: [{ external_id: 'u1', name: 'Signed Up', time: at(1), properties: { plan: 'pro' } }] },
        {
          purchases: [
            expect.objectContaining({ external_id: 'u1', product_id: 'a', price: 3, quantity: 2, currency: 'USD' }),
            expect.objectContaining({ external_id: 'u1', product_id: 'b', price: 4, quantity: 1, currency: 'USD' })
          ]
        }
      ])
    })

    test('a sample event edited under its messageId and run again (the Test tab) is sent; run again unchanged, it is not', async () => {
      const braze = mockBraze()
      const sample = track('u1', 'Signed Up', { plan: 'free' }, { messageId: 'test-tab-sample' })
      await call('onTrack', sample)
      const edited = { ...sample, properties: { plan: 'pro' } }
      const summary = (await call('onTrack', edited)) as { note?: string }
      expect(summary.note).toBeUndefined()
      await call('onTrack', edited)
      const sent = braze.requests.flatMap((request) => request.body.events.map((event: any) => event.properties.plan))
      // Without Segment's cache (the minimal profile) nothing is remembered: every run is sent.
      expect(sent).toEqual(profile === 'minimal' ? ['free', 'pro', 'pro'] : ['free', 'pro'])
    })

    describe("what the memory knows across attempts (none without Segment's cache: the minimal profile)", () => {
      const products = Array.from({ length: 100 }, (_, i) => ({ product_id: `p${i}`, price: 1 }))
      const settings = { ...SETTINGS, ecommerceMode: 'purchases' }
      /** Purchases per /users/track request; Braze answers the second request with `second`, the third with `third`. */
      const braze = (second: { status: number; body?: unknown }, third?: { status: number; body?: unknown }) => {
        const mock = mockBraze((_request, index) => (index === 1 ? second : index === 2 ? third : undefined))
        return () => mock.requests.map((request) => (request.body.purchases ?? []).length)
      }

      test('a retried event without a timestamp: only the part Braze lacks is sent again', async () => {
        const sizes = braze({ status: 503 })
        const { timestamp: _none, ...untimed } = orderCompleted('u1', products, {}, { messageId: 'untimed-order' })
        await caught(call('onTrack', untimed, settings))
        await call('onTrack', untimed, settings)
        expect(sizes()).toEqual(profile === 'minimal' ? [75, 25, 75, 25] : [75, 25, 25])
      })

      test('refused on a later attempt, the event says Braze logged its other objects on the earlier one', async () => {
        braze({ status: 503 }, { status: 400, body: { message: 'Invalid request' } })
        const order = orderCompleted('u1', products, {}, { messageId: 'order-twice' })
        await caught(call('onTrack', order, settings))
        const error = await caught(call('onTrack', order, settings))
        // Without a memory the second attempt sends the whole order again: its 400 falls on the first part, and the
        // second part, which still goes (the event is rejected for good), is logged.
        expect(error.message).toMatch(/^Braze rejected \/users\/track \(HTTP 400\): Invalid request\. /)
        expect(error.message).toContain("Braze did log this event's other objects (its custom event or purchases)")
      })

      test('onBatch keeps the content a single handler remembered: the order edited under its messageId is still sent', async () => {
        const sizes = braze({ status: 503 })
        const order = orderCompleted('u1', products, {}, { messageId: 'single-batch-edit' })
        await caught(call('onTrack', order, settings))
        await runtime.handlers.onBatch!([order], settings)
        await call('onTrack', { ...order, properties: { ...(order.properties as object), order_id: 'order-edited' } }, settings)
        expect(sizes()).toEqual(profile === 'minimal' ? [75, 25, 75, 25, 75, 25] : [75, 25, 25, 75, 25])
      })
    })

    test("Segment's delete payload (context: []) → /users/delete", async () => {
      const braze = mockBraze()
      await runtime.deliver(deletion('u1'), SETTINGS)
      expect(braze.requests.map((request) => [request.path, request.body])).toEqual([['/users/delete', { external_ids: ['u1'] }]])
    })

    test('a redirect from the Braze host is not followed by node-fetch: Segment retries the event', async () => {
      const elsewhere = nock('https://collector.example.com').post(/.*/).reply(201, { message: 'success' })
      nock(BRAZE_HOST).post('/users/track').reply(307, '', { Location: 'https://collector.example.com/users/track' })
      const error = await caught(call('onTrack', track('u1', 'Signed Up')))
      expect(elsewhere.isDone()).toBe(false)
      expect(segmentClass(runtime, error)).toBe('RetryError')
      expect(error.message).toMatch(/redirect/)
    })
  })

  describe("errors are the runtime's own global classes", () => {
    test('Braze 400 → ValidationError, 503 and connection reset → RetryError', async () => {
      nock(BRAZE_HOST).post('/users/track').reply(400, { message: 'Invalid request' })
      const rejected = await caught(call('onTrack', track('u1', 'Signed Up')))
      expect(segmentClass(runtime, rejected)).toBe('ValidationError')
      expect(rejected.message).toContain('Invalid request')

      nock(BRAZE_HOST).post('/users/track').reply(503, 'unavailable')
      expect(segmentClass(runtime, await caught(call('onTrack', track('u1', 'Signed Up'))))).toBe('RetryError')

      nock(BRAZE_HOST).post('/users/track').replyWithError(connectionReset())
      const started = Date.now()
      const reset = await caught(call('onIdentify', identify('u1', { a: 1 })))
      expect(segmentClass(runtime, reset)).toBe('RetryError')
      expect(reset.message).toMatch(/could not be reached.*ECONNRESET/)
      expect(Date.now() - started).toBeLessThan(1000)
    })

    test('Braze refuses the attributes but logs the event → ValidationError that says the event was logged, so it is not resent by hand', async () => {
      mockBraze(() => ({
        status: 201,
        body: {
          message: 'success',
          events_processed: 1,
          errors: [{ type: 'Custom attribute limit reached', input_array: 'attributes', index: 0 }]
        }
      }))
      const entered = track(
        'u1',
        'Audience Entered',
        { audience_key: 'vip', vip: true },
        {
          context: { personas: { computation_class: 'audience', computation_key: 'vip' } }
        }
      )
      const error = await caught(call('onTrack', entered, { ...SETTINGS, audienceAttribute: 'segment_audiences' }))
      expect(segmentClass(runtime, error)).toBe('ValidationError')
      expect(error.message).toBe(
        "Braze rejected the attributes object: Custom attribute limit reached. Braze did log this event's other objects (its custom event or purchases): sending the event again would log them twice."
      )
    })

    test("every object rejected in a 201 → ValidationError with Braze's message", async () => {
      mockBraze(() => ({ status: 201, body: { message: 'success', errors: [{ type: 'bad event', input_array: 'events', index: 0 }] } }))
      const error = await caught(call('onTrack', track('u1', 'Signed Up')))
      expect(segmentClass(runtime, error)).toBe('ValidationError')
      expect(error.message).toContain('bad event')
    })

    test('page without sendPageEvents → EventNotSupported; garbage → InvalidEventPayload; bad settings → ValidationError', async () => {
      const braze = mockBraze()
      expect(segmentClass(runtime, await caught(call('onPage', page('u1', 'Home'))))).toBe('EventNotSupported')
      expect(segmentClass(runtime, await caught(call('onIdentify', null)))).toBe('InvalidEventPayload')
      expect(segmentClass(runtime, await caught(call('onTrack', [1, 2])))).toBe('InvalidEventPayload')
      expect(segmentClass(runtime, await caught(call('onTrack', track('u1', 'x'), null)))).toBe('ValidationError')
      expect(segmentClass(runtime, await caught(call('onTrack', track('u1', 'x'), { apiKey: API_KEY, dataCenter: 'US-09' })))).toBe(
        'ValidationError'
      )
      expect(segmentClass(runtime, await caught(runtime.deliver({ type: 'weird' }, SETTINGS)))).toBe('EventNotSupported')
      expect(braze.requests).toHaveLength(0)
    })

    test("an Engage account-level group call: for a user, the user's group attribute and a warning; for the account alone, EventNotSupported", async () => {
      // https://segment.com/docs/engage/audiences/account-audiences/: one group call per account; an account-level
      // SQL trait that returns a user_id fires one "to add users to groups in destinations".
      const braze = mockBraze()
      const context = { personas: { computation_class: 'audience', computation_key: 'high_value_accounts' } }
      const group = { type: 'group', groupId: 'acct_1', traits: { high_value_accounts: true }, context }
      const summary = await call('onGroup', { ...group, userId: 'u1' })
      expect(braze.requests.map((request) => [request.path, request.body])).toEqual([
        ['/users/track', { attributes: [{ external_id: 'u1', ab_segment_group_acct_1: true }] }]
      ])
      expect((summary as { warnings: string[] }).warnings).toEqual([
        "The account's audiences and traits in this Engage group call were not sent (Braze has no accounts); only the user's group attribute was. Connect them with identify or track calls, which Engage sends for each user of the account."
      ])
      const error = await caught(call('onGroup', group))
      expect(segmentClass(runtime, error)).toBe('EventNotSupported')
      expect(error.message).toMatch(/^Engage's account-level group call names no user, and Braze has no accounts\./)
      expect(braze.requests).toHaveLength(1)
    })

    test('{"type":"track","event":"foo"} (the Test tab\'s minimal event) → ValidationError: needs a userId, or anonymousAliasLabel', async () => {
      const braze = mockBraze()
      const error = await caught(runtime.deliver(JSON.parse('{"type":"track","event":"foo"}'), SETTINGS))
      expect(segmentClass(runtime, error)).toBe('ValidationError')
      expect(error.message).toMatch(/userId/)
      expect(error.message).toMatch(/anonymousAliasLabel/)
      expect(braze.requests).toHaveLength(0)
    })

    test('with anonymousAliasLabel the same minimal event plus an anonymousId is sent as a user alias', async () => {
      const braze = mockBraze()
      await runtime.deliver(
        { type: 'track', event: 'foo', anonymousId: 'anon-1' },
        { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
      )
      expect(braze.requests[0]!.body.events[0]).toMatchObject({
        user_alias: { alias_name: 'anon-1', alias_label: 'segment_anonymous_id' },
        name: 'foo',
        _update_existing_only: false
      })
    })

    test('the key never shows in errors, results or logs, even when Braze echoes it', async () => {
      nock(BRAZE_HOST)
        .post('/users/track')
        .reply(401, { message: `Invalid API key ${API_KEY}` })
      const error = await caught(call('onTrack', track('u1', 'Signed Up')))
      expect(segmentClass(runtime, error)).toBe('ValidationError')
      expect(error.message).toMatch(/apiKey/)
      nock(BRAZE_HOST).post('/users/track').reply(201, { message: 'success', echo: API_KEY })
      const summary = await call('onTrack', track('u1', 'Signed Up'))
      nock(BRAZE_HOST).post('/users/track').reply(500, `oops ${API_KEY}`)
      const results = await runtime.handlers.onBatch!([track('u1', 'Signed Up')], SETTINGS)
      expectNoKey(error, summary, results, runtime.logs)
    })
  })
})

describe("Segment's names as bindings around the script rather than globals", () => {
  // The emulator makes fetch, cache and the error classes globals (src/tools/segment-runtime.ts); Segment's docs
  // only show them used as free names (`throw new RetryError(…)`). The function reads them so: either way works.
  const names = ['fetch', 'cache', 'RetryError', 'ValidationError', 'InvalidEventPayload', 'EventNotSupported'] as const

  test('a 503 throws the RetryError the script was given, a 400 its ValidationError, and its cache keeps a redelivery from being sent twice', async () => {
    const given = { fetch: nodeFetch, cache: createSegmentCache() } as Record<(typeof names)[number], unknown>
    // Named after the property, as the runtime's classes are.
    for (const name of names.slice(2)) given[name] = { [name]: class extends Error {} }[name]
    const context = vm.createContext({ console, setTimeout, clearTimeout, URL })
    const wrapper = new vm.Script(`(function (${names.join(', ')}) {\n${code}\nreturn { onTrack }\n})`).runInContext(context)
    const { onTrack } = wrapper(...names.map((name) => given[name])) as { onTrack: (event: unknown, settings: unknown) => Promise<unknown> }
    expect(vm.runInContext('typeof RetryError + typeof cache + typeof fetch', context)).toBe('undefinedundefinedundefined')

    const braze = mockBraze((_request, index) =>
      index === 0 ? { status: 503 } : index === 1 ? { status: 400, body: { message: 'Invalid' } } : undefined
    )
    await expect(onTrack(track('u1', 'Signed Up'), SETTINGS)).rejects.toBeInstanceOf(given.RetryError as ErrorClass)
    await expect(onTrack(track('u1', 'Signed Up'), SETTINGS)).rejects.toBeInstanceOf(given.ValidationError as ErrorClass)
    const delivered = track('u1', 'Signed Up', {}, { messageId: 'bound-names' })
    await onTrack(delivered, SETTINGS)
    await onTrack(delivered, SETTINGS)
    expect(braze.requests).toHaveLength(3)
  })
})
