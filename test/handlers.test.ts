// The single-event handlers as Segment calls them: the summary they return,
// how Braze's answers become Segment errors, and that nothing else escapes.
import fc from 'fast-check'
import nock from 'nock'
import * as destination from '../functions/braze-destination'
import { segmentErrorClass, SEGMENT_ERROR_KINDS } from '../src/destination/errors'
import { API_KEY, BRAZE_HOST, SETTINGS, expectNoKey, mockBraze, trackObjects, useNock } from './helpers/braze-nock'
import { alias, at, deletion, group, identify, orderCompleted, page, screen, track } from './helpers/events'

const { onIdentify, onTrack, onPage, onScreen, onGroup, onAlias, onDelete, onBatch } = destination
const SINGLE = { onIdentify, onTrack, onPage, onScreen, onGroup, onAlias, onDelete }
const ValidationError = segmentErrorClass('ValidationError')
const InvalidEventPayload = segmentErrorClass('InvalidEventPayload')
const EventNotSupported = segmentErrorClass('EventNotSupported')

const isSegmentError = (error: unknown) => SEGMENT_ERROR_KINDS.some((kind) => error instanceof segmentErrorClass(kind))

useNock()
// onBatch logs its warnings, one line each (test/built-batch.test.ts checks them): silenced here.
beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined))
afterAll(() => jest.restoreAllMocks())

describe('summaries for the Test panel', () => {
  test('identify → one attributes object, then the merge of an email-only lead, and the summary of what Braze said', async () => {
    const braze = mockBraze()
    const summary = await onIdentify(
      identify('u1', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', plan: 'pro' }),
      SETTINGS
    )
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/merge'])
    expect(braze.requests[0]!.body).toEqual({
      attributes: [{ external_id: 'u1', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', plan: 'pro' }]
    })
    expect(braze.requests[1]!.body).toEqual({
      merge_updates: [
        {
          identifier_to_merge: { email: 'ada@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
          identifier_to_keep: { external_id: 'u1' }
        }
      ]
    })
    expect(summary).toEqual({
      braze: {
        endpoint: '/users/track',
        status: 201,
        response: { message: 'success', attributes_processed: 1, events_processed: 0, purchases_processed: 0 }
      },
      // The exact bodies Braze received: what the Test panel shows was sent.
      requests: [
        { endpoint: '/users/track', status: 201, body: braze.requests[0]!.body },
        { endpoint: '/users/merge', status: 202, body: braze.requests[1]!.body }
      ],
      sent: { attributes: 1, events: 0, purchases: 0 },
      warnings: []
    })
  })

  test('track → one custom event; warnings tell what was dropped', async () => {
    const braze = mockBraze()
    const summary = await onTrack(track('u1', 'Signed Up', { plan: 'pro', time: 'x', $secret: 1 }, { timestamp: at(5) }), {
      ...SETTINGS,
      appId: 'app-1'
    })
    expect(braze.requests[0]!.body).toEqual({
      events: [{ external_id: 'u1', app_id: 'app-1', name: 'Signed Up', time: at(5), properties: { plan: 'pro', segment_time: 'x' } }]
    })
    expect(summary).toMatchObject({
      braze: { status: 201, response: { message: 'success', events_processed: 1 } },
      sent: { attributes: 0, events: 1, purchases: 0 }
    })
    expect(Array.isArray(summary.warnings)).toBe(true)
  })

  test('Order Completed → one purchase per product', async () => {
    const braze = mockBraze()
    const summary = await onTrack(
      orderCompleted('u1', [{ product_id: 'p1', price: 10, quantity: 2 }, { sku: 's2', price: '5.5' }, { name: 'no price' }]),
      SETTINGS
    )
    expect(trackObjects(braze.requests).purchases.map((p) => [p.product_id, p.price, p.quantity])).toEqual([
      ['p1', 10, 2],
      ['s2', 5.5, 1]
    ])
    expect(summary.sent).toEqual({ attributes: 0, events: 0, purchases: 2 })
    expect(summary.warnings.join(' ')).toMatch(/product 3/)
  })

  test('identify of a known anonymous visitor → /users/track, then /users/merge of the alias profile', async () => {
    const braze = mockBraze()
    const settings = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }
    const summary = await onIdentify(identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1' }), settings)
    expect(braze.to('/users/merge').map((r) => r.body)).toEqual([
      {
        merge_updates: [
          {
            identifier_to_merge: { user_alias: { alias_name: 'anon-1', alias_label: 'segment_anonymous_id' } },
            identifier_to_keep: { external_id: 'u1' }
          }
        ]
      }
    ])
    expect(summary.requests.map((r) => r.endpoint)).toEqual(['/users/track', '/users/merge'])
  })

  test("page and screen when enabled; group; alias; delete with Segment's context: []", async () => {
    const braze = mockBraze()
    const settings = { ...SETTINGS, sendPageEvents: true, sendScreenEvents: 'true' }
    await onPage(page('u1', 'Pricing', 'Docs'), settings)
    await onScreen(screen('u1', 'Home'), settings)
    await onGroup(group('u1', 'acme'), settings)
    await onAlias(alias('u1', 'old-id'), settings)
    await onDelete(deletion('u1'), settings)
    expect(trackObjects(braze.requests).events.map((e) => e.name)).toEqual(['Viewed Docs Pricing Page', 'Viewed Home Screen'])
    // The alias's attributes object creates the profile to keep, before the merge.
    expect(trackObjects(braze.requests).attributes).toEqual([{ external_id: 'u1', ab_segment_group_acme: true }, { external_id: 'u1' }])
    expect(braze.to('/users/merge')[0]!.body).toEqual({
      merge_updates: [{ identifier_to_merge: { external_id: 'old-id' }, identifier_to_keep: { external_id: 'u1' } }]
    })
    expect(braze.to('/users/delete')[0]!.body).toEqual({ external_ids: ['u1'] })
  })

  test('an alias with nothing to do makes no request and says so', async () => {
    const braze = mockBraze()
    const summary = await onAlias(alias('u1', 'u1'), SETTINGS)
    expect(braze.requests).toHaveLength(0)
    expect(summary).toMatchObject({ braze: null, sent: { attributes: 0, events: 0, purchases: 0 } })
    expect(summary.warnings[0]).toMatch(/nothing to merge/)
  })
})

describe('Braze rejections in a 201', () => {
  test("every object of the event rejected → ValidationError with Braze's message", async () => {
    mockBraze(() => ({
      status: 201,
      body: {
        message: 'success',
        events_processed: 0,
        errors: [{ type: "'time' must be an ISO 8601 string", input_array: 'events', index: 0 }]
      }
    }))
    const error = await onTrack(track('u1', 'Signed Up'), SETTINGS).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain("'time' must be an ISO 8601 string")
  })

  test('one of three purchases rejected → ValidationError: never "delivered" for an object Braze refused', async () => {
    mockBraze(() => ({
      status: 201,
      body: { message: 'success', purchases_processed: 2, errors: [{ type: 'Invalid currency', input_array: 'purchases', index: 1 }] }
    }))
    const error = await onTrack(
      orderCompleted('u1', [
        { product_id: 'a', price: 1 },
        { product_id: 'b', price: 2 },
        { product_id: 'c', price: 3 }
      ]),
      SETTINGS
    ).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain('Invalid currency')
  })

  test('an identify whose /users/merge part fails is not delivered either', async () => {
    mockBraze((request) => (request.path === '/users/merge' ? { status: 400, body: { message: 'alias not found' } } : undefined))
    const error = await onIdentify(identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1' }), {
      ...SETTINGS,
      anonymousAliasLabel: 'anon'
    }).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain('alias not found')
  })

  test('an error entry naming no object rejects the event', async () => {
    mockBraze(() => ({ status: 201, body: { message: 'success', errors: [{ type: 'something is wrong' }] } }))
    await expect(onTrack(track('u1', 'Signed Up'), SETTINGS)).rejects.toThrow(/something is wrong/)
  })

  test('attributes rejected → the merge is never sent (it needs the profile it keeps): ValidationError', async () => {
    const braze = mockBraze(() => ({
      status: 201,
      body: { message: 'success', errors: [{ type: 'bad', input_array: 'attributes', index: 0 }] }
    }))
    const error = await onIdentify(identify('u1', {}, { anonymousId: 'anon-1' }), { ...SETTINGS, anonymousAliasLabel: 'anon' }).catch(
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(ValidationError)
    expect(braze.to('/users/merge')).toHaveLength(0)
  })

  test('attributes accepted, the merge answered 503 → RetryError (Segment retries the event)', async () => {
    mockBraze((request) => (request.path === '/users/merge' ? { status: 503, body: { message: 'busy' } } : undefined))
    const error = await onIdentify(identify('u1', {}, { anonymousId: 'anon-1' }), { ...SETTINGS, anonymousAliasLabel: 'anon' }).catch(
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(segmentErrorClass('RetryError'))
  })
})

describe('settings and event types', () => {
  test.each([
    ['settings null', null, /apiKey/],
    ['no apiKey', { dataCenter: 'US-01' }, /apiKey/],
    ['blank apiKey', { apiKey: '   ', dataCenter: 'US-01' }, /apiKey/],
    ['no dataCenter', { apiKey: API_KEY }, /dataCenter/],
    ['US-09 (does not exist)', { apiKey: API_KEY, dataCenter: 'US-09' }, /dataCenter.*US-01/],
    ['plain http', { apiKey: API_KEY, dataCenter: 'http://rest.iad-01.braze.com' }, /dataCenter/],
    ['not a Braze host', { apiKey: API_KEY, dataCenter: 'https://rest.iad-01.braze.com.evil.example' }, /dataCenter/],
    ['maxObjectsPerRequest 0', { ...SETTINGS, maxObjectsPerRequest: '0' }, /maxObjectsPerRequest/],
    ['maxObjectsPerRequest 226', { ...SETTINGS, maxObjectsPerRequest: '226' }, /maxObjectsPerRequest/],
    ['apiKey a number', { apiKey: 12345, dataCenter: 'US-01' }, /apiKey/],
    ['sendPageEvents "maybe"', { ...SETTINGS, sendPageEvents: 'maybe' }, /sendPageEvents/]
  ])('%s → ValidationError naming the setting, and no request', async (_label, settings, message) => {
    const braze = mockBraze()
    const anywhere = nock(/.*/).persist().post(/.*/).reply(201, { message: 'success' })
    for (const run of [() => onIdentify(identify('u1', { plan: 'pro' }), settings), () => onTrack(track('u1', 'Signed Up'), settings)]) {
      const error = await run().catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as Error).message).toMatch(message)
      expectNoKey(error)
    }
    await expect(onBatch([identify('u1')], settings)).rejects.toBeInstanceOf(ValidationError)
    expect(braze.requests).toHaveLength(0)
    expect(anywhere.isDone()).toBe(false)
  })

  test('page is EventNotSupported while sendPageEvents is off, screen while sendScreenEvents is off', async () => {
    const braze = mockBraze()
    await expect(onPage(page('u1', 'Pricing'), SETTINGS)).rejects.toBeInstanceOf(EventNotSupported)
    await expect(onPage(page('u1', 'Pricing'), { ...SETTINGS, sendPageEvents: false })).rejects.toThrow(/sendPageEvents/)
    await expect(onScreen(screen('u1', 'Home'), { ...SETTINGS, sendPageEvents: true })).rejects.toThrow(/sendScreenEvents/)
    expect(braze.requests).toHaveLength(0)
  })

  test('no userId → ValidationError explaining userId and anonymousAliasLabel', async () => {
    const braze = mockBraze()
    const error = await onTrack({ type: 'track', event: 'foo' }, SETTINGS).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toMatch(/userId/)
    expect((error as Error).message).toMatch(/anonymousAliasLabel/)
    expect(braze.requests).toHaveLength(0)
  })

  test('a track without an event name → InvalidEventPayload', async () => {
    await expect(onTrack(track('u1', undefined), SETTINGS)).rejects.toBeInstanceOf(InvalidEventPayload)
  })
})

describe('nothing but the four classes escapes', () => {
  const garbageEvents: unknown[] = [
    null,
    undefined,
    [],
    [identify('u1')],
    'identify',
    42,
    {},
    { type: 'identify' },
    { type: 'identify', userId: {} },
    { type: 'identify', userId: 'u1', traits: 'not an object' },
    { type: 'identify', userId: 'u1', traits: [1, 2], context: 'x' },
    { type: 'track', userId: 'u1', event: {}, properties: null },
    { type: 'track', userId: 'u1', event: 'x', properties: [1], timestamp: 'not a date' },
    { type: 'track', userId: 'u1', event: 'Order Completed', properties: { products: 'many' } },
    { type: 'track', userId: 'u1', event: 'Order Completed', properties: { products: [null, 1, 'x', { price: {} }] } },
    { type: 'group', userId: 'u1', groupId: null },
    { type: 'alias', userId: 'u1' },
    { type: 'delete', context: [], integrations: [] },
    { type: 'page', userId: 'u1', name: { toString: null }, context: { personas: null } },
    JSON.parse('{"type":"identify","userId":"u1","traits":{"__proto__":{"polluted":true},"constructor":1}}')
  ]
  const garbageSettings: unknown[] = [
    null,
    undefined,
    [],
    'US-01',
    {},
    { apiKey: null, dataCenter: 7 },
    { ...SETTINGS, purchaseEvents: 42 }
  ]

  test('garbage events and garbage settings, through every handler', async () => {
    mockBraze()
    for (const [name, handler] of Object.entries(SINGLE)) {
      for (const event of garbageEvents) {
        for (const settings of [SETTINGS, ...garbageSettings]) {
          const outcome = await handler(event, settings).then(
            (value: unknown) => ({ value }),
            (error: unknown) => ({ error })
          )
          if ('error' in outcome && !isSegmentError(outcome.error)) {
            throw new Error(`${name}(${JSON.stringify(event)}, ${JSON.stringify(settings)}) threw ${String(outcome.error)}`)
          }
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('events that throw when read (getters, proxies) → InvalidEventPayload', async () => {
    mockBraze()
    const trap = Object.defineProperty({ type: 'identify', userId: 'u1' }, 'traits', {
      enumerable: true,
      get() {
        throw new TypeError('boom')
      }
    })
    const nope = () => {
      throw new RangeError('nope')
    }
    const proxy = new Proxy({}, { get: nope, has: nope, getOwnPropertyDescriptor: nope, ownKeys: nope })
    await expect(onIdentify(trap, SETTINGS)).rejects.toBeInstanceOf(InvalidEventPayload)
    await expect(onTrack(proxy, SETTINGS)).rejects.toBeInstanceOf(InvalidEventPayload)
    await expect(onBatch([proxy, identify('u1')], SETTINGS)).resolves.toEqual([expect.objectContaining({ status: 400 }), { status: 200 }])
  })

  test('property: any JSON-ish event, valid settings → resolves or one of the four classes', async () => {
    // Braze answering in-process: the property is about what leaves the handlers, not about HTTP.
    const realFetch = globalThis.fetch
    globalThis.fetch = async () => new Response(JSON.stringify({ message: 'success' }), { status: 201 })
    const shaped = fc.record(
      {
        type: fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias', 'delete', 'weird'),
        userId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        anonymousId: fc.string(),
        event: fc.oneof(fc.string(), fc.constant('Order Completed'), fc.anything()),
        traits: fc.anything(),
        properties: fc.oneof(fc.anything(), fc.record({ products: fc.anything() })),
        context: fc.anything(),
        timestamp: fc.oneof(
          fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'bad' : d.toISOString())),
          fc.anything()
        ),
        groupId: fc.anything(),
        previousId: fc.anything()
      },
      { requiredKeys: ['type'] }
    )
    await fc
      .assert(
        fc.asyncProperty(fc.oneof(shaped, fc.anything()), async (event) => {
          const type = (event as { type?: unknown } | null)?.type
          const handler =
            { identify: onIdentify, track: onTrack, page: onPage, screen: onScreen, group: onGroup, alias: onAlias, delete: onDelete }[
              String(type)
            ] ?? onTrack
          const settings = {
            ...SETTINGS,
            anonymousAliasLabel: 'anon',
            sendPageEvents: true,
            sendScreenEvents: true,
            audienceAttribute: 'aud'
          }
          const error = await handler(event, settings).then(
            () => undefined,
            (thrown: unknown) => thrown
          )
          if (error !== undefined && !isSegmentError(error)) throw error
          const results = await onBatch([event, event], settings)
          expect(results).toHaveLength(2)
        }),
        { numRuns: 300 }
      )
      .finally(() => {
        globalThis.fetch = realFetch
      })
  })
})

test('the host is the only place requests go', () => {
  expect(BRAZE_HOST).toBe('https://rest.iad-01.braze.com')
})
