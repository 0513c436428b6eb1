// Braze's current data model through the built script, in every runtime
// profile, against the embedded Braze: Segment's eCommerce spec examples in
// each ecommerceMode arrive as exactly the documented Braze objects and are
// all accepted; the embedded Braze refuses a recommended event that lacks a
// required property; nested operators, location, language and country land
// on the profile.
import { type EmbeddedBraze } from '../src/tools/embedded-braze'
import type { SegmentRuntime } from '../src/tools/segment-runtime'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { useNock } from './helpers/braze-nock'
import {
  ECOMMERCE_FIXTURES,
  ECOMMERCE_TIME,
  RECOMMENDED,
  ecommerceTrack,
  fixtureProperties,
  orderCompletedPurchases
} from './helpers/ecommerce'
import { loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'

const KEY = 'brz-ECOMMERCE-2b7e4f1a9c3d5086-key'
const SETTINGS = { apiKey: KEY, dataCenter: 'US-03' }
const MODES = ['recommended', 'purchases', 'both'] as const

let braze: EmbeddedBraze
let runtime: SegmentRuntime

useNock({ loopback: true })
useEmbeddedBraze({ apiKey: KEY }, (started) => (braze = started))

/** The /users/track bodies one spec event must produce in a mode (what mapping-ecommerce.test.ts checks as a plan). */
function expectedBody(file: string, mode: (typeof MODES)[number]): Record<string, unknown> {
  const custom = { external_id: 'u-shop', name: ECOMMERCE_FIXTURES[file], time: ECOMMERCE_TIME, properties: fixtureProperties(file) }
  const recommended = RECOMMENDED[file] && {
    external_id: 'u-shop',
    name: RECOMMENDED[file]!.name,
    time: ECOMMERCE_TIME,
    properties: RECOMMENDED[file]!.properties
  }
  const order = file === 'ecommerce-order-completed-properties.json'
  const events = mode === 'purchases' ? (order ? [] : [custom]) : [recommended ?? custom]
  const purchases = order && mode !== 'recommended' ? orderCompletedPurchases() : []
  return { ...(events.length > 0 ? { events } : {}), ...(purchases.length > 0 ? { purchases } : {}) }
}

const ROWS = Object.keys(ECOMMERCE_FIXTURES).flatMap((file) => MODES.map((mode) => [ECOMMERCE_FIXTURES[file]!, mode, file] as const))

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  beforeAll(() => {
    runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
  })

  test.each(ROWS)('%s, ecommerceMode %s: the exact request, all of it accepted', async (_name, mode, file) => {
    await runtime.deliver(ecommerceTrack(file), { ...SETTINGS, ecommerceMode: mode })
    expect(braze.requests.map((request) => [request.path, request.body])).toEqual([['/users/track', expectedBody(file, mode)]])
    const [request] = braze.requests
    expect(request!.status).toBe(201)
    expect((request!.response as { errors?: unknown }).errors).toBeUndefined()
    const stored = braze.profile({ external_id: 'u-shop' })!
    const body = expectedBody(file, mode) as { events?: Array<{ name: string }>; purchases?: unknown[] }
    expect(stored.events.map((event) => event.name)).toEqual((body.events ?? []).map((event) => event.name))
    expect(stored.purchases).toHaveLength(body.purchases?.length ?? 0)
  })

  test('all eight spec events in one onBatch: one request, every object accepted', async () => {
    const events = Object.keys(ECOMMERCE_FIXTURES).map((file) => ecommerceTrack(file))
    const results = await runtime.handlers.onBatch!(events, SETTINGS)
    expect(results).toEqual(events.map(() => ({ status: 200 })))
    expect(braze.requests).toHaveLength(1)
    expect((braze.requests[0]!.response as Record<string, unknown>).events_processed).toBe(8)
    expect(braze.profile({ external_id: 'u-shop' })!.events.map((event) => event.name)).toEqual([
      'ecommerce.product_viewed',
      'ecommerce.cart_updated',
      'ecommerce.cart_updated',
      'Cart Viewed',
      'ecommerce.checkout_started',
      'ecommerce.order_placed',
      'ecommerce.order_refunded',
      'ecommerce.order_cancelled'
    ])
  })

  test('a spec event missing a required property never reaches Braze: InvalidEventPayload naming it', async () => {
    const { order_id: _orderId, ...withoutOrderId } = fixtureProperties('ecommerce-order-completed-properties.json')
    const error = (await runtime
      .deliver({ ...ecommerceTrack('ecommerce-order-completed-properties.json'), properties: withoutOrderId }, SETTINGS)
      .catch((thrown) => thrown)) as Error
    expect(runtime.classify(error)).toBe('InvalidEventPayload')
    expect(error.message).toMatch(/"Order Completed" cannot become Braze's ecommerce\.order_placed: it needs properties\.order_id/)
    expect(braze.requests).toEqual([])
  })

  test('an Engage audience entry the customer named "Order Completed" is a custom event, not an order', async () => {
    const properties = { audience_key: 'vip', vip: true }
    const event = {
      type: 'track',
      userId: 'u-shop',
      event: 'Order Completed',
      timestamp: ECOMMERCE_TIME,
      properties,
      context: { personas: { computation_class: 'audience', computation_key: 'vip', space_id: 'spa_1' } }
    }
    await runtime.deliver(event, { ...SETTINGS, ecommerceMode: 'both' })
    expect(braze.requests.map((request) => [request.path, request.status, request.body])).toEqual([
      ['/users/track', 201, { events: [{ external_id: 'u-shop', name: 'Order Completed', time: ECOMMERCE_TIME, properties }] }]
    ])
  })

  test('ecommerceMode both: an order too big to send with its purchases sends its order_placed alone, saying why', async () => {
    const products = Array.from({ length: 300 }, (_, index) => ({ product_id: `p${index}`, name: `Thing ${index}`, price: 1 }))
    const order = {
      ...ecommerceTrack('ecommerce-order-completed-properties.json'),
      properties: { order_id: 'o-big', total: 300, products }
    }
    const summary = (await runtime.deliver(order, { ...SETTINGS, ecommerceMode: 'both' })) as { warnings: string[] }
    expect(braze.requests.map((request) => [request.path, request.status])).toEqual([['/users/track', 201]])
    const body = braze.requests[0]!.body as { events: Array<{ name: string; properties: { products: unknown[] } }>; purchases?: unknown[] }
    expect(body.events.map((event) => [event.name, event.properties.products.length])).toEqual([['ecommerce.order_placed', 300]])
    expect(body.purchases).toBeUndefined()
    expect(summary.warnings).toEqual([
      'The purchases were left out and the rest sent: with its 300 purchases the event would be 301 Braze objects, ' +
        'and the function sends at most 300 for one event (4 requests of 75).'
    ])
    const smaller = { ...order, messageId: 'smaller', properties: { ...order.properties, products: products.slice(0, 200) } }
    const cut = (await runtime.deliver(smaller, { ...SETTINGS, ecommerceMode: 'both', maxObjectsPerRequest: '50' })) as {
      warnings: string[]
    }
    expect(cut.warnings[0]).toContain('the function sends at most 200 for one event (4 requests of 50)')
    expect(braze.profile({ external_id: 'u-shop' })!.events.map((event) => event.name)).toEqual([
      'ecommerce.order_placed',
      'ecommerce.order_placed'
    ])
    expect(braze.profile({ external_id: 'u-shop' })!.purchases).toEqual([])
  })

  test('ecommerceMode both in onBatch: the order sent without its purchases has the warning in the log; one held behind a delete has none', async () => {
    const products = Array.from({ length: 300 }, (_, index) => ({ product_id: `p${index}`, name: `Thing ${index}`, price: 1 }))
    const order = (userId: string, messageId: string) => ({
      ...ecommerceTrack('ecommerce-order-completed-properties.json'),
      userId,
      messageId,
      properties: { order_id: `o-${userId}`, total: 300, products }
    })
    const results = await runtime.handlers.onBatch!(
      [order('u-a', 'm-a'), { type: 'delete', userId: 'u-b', messageId: 'del-b' }, order('u-b', 'm-b')],
      { ...SETTINGS, ecommerceMode: 'both' }
    )
    expect((results as Array<{ status: number }>).map((result) => result.status)).toEqual([200, 200, 500])
    const warned = runtime.logs.filter((line) => line.includes('The purchases were left out'))
    expect(warned).toEqual([
      expect.stringMatching(/^Warning for event 1 \(messageId "m-a"\): The purchases were left out and the rest sent/)
    ])
  })

  test('identify: nested operators, _merge_objects, location, explicit language and a country name land on the profile', async () => {
    const identify = (traits: Record<string, unknown>, context: Record<string, unknown> = {}) => ({
      type: 'identify',
      userId: 'u-pets',
      traits,
      context,
      timestamp: ECOMMERCE_TIME
    })
    await runtime.deliver(
      identify({
        pets: [
          { id: 1, type: 'dog', name: 'Gus' },
          { id: 2, type: 'cat', name: 'Mittens' }
        ]
      }),
      SETTINGS
    )
    await runtime.deliver(identify({ pets: { $add: [{ id: 3, type: 'fish', name: 'Nemo' }] } }), SETTINGS)
    await runtime.deliver(identify({ pets: { $remove: [{ $identifier_key: 'type', $identifier_value: 'cat' }] } }), SETTINGS)
    await runtime.deliver(
      identify(
        {
          _merge_objects: true,
          pets: { $update: [{ $identifier_key: 'id', $identifier_value: 1, $new_object: { breed: 'corgi' } }] },
          language: 'fr',
          address: { country: 'United States of America' }
        },
        { locale: 'en-US', location: { latitude: 40.7, longitude: -74 } }
      ),
      SETTINGS
    )
    for (const request of braze.requests) expect((request.response as { errors?: unknown }).errors).toBeUndefined()
    expect(braze.profile({ external_id: 'u-pets' })!.attributes).toEqual({
      pets: [
        { id: 1, type: 'dog', name: 'Gus', breed: 'corgi' },
        { id: 3, type: 'fish', name: 'Nemo' }
      ],
      language: 'fr',
      country: 'US',
      current_location: { latitude: 40.7, longitude: -74 }
    })
  })
})

describe.each(RUNTIME_PROFILES)('subscription groups, in the %s runtime profile', (profile) => {
  test("a group named rather than given by its UUID is left out alone: Braze would refuse the whole object, and the user's name with it", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const groups = [
      { subscription_group_id: 'newsletter', subscription_state: 'subscribed' },
      { subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed' }
    ]
    const identify = {
      type: 'identify',
      userId: 'u-groups',
      messageId: 'groups-1',
      traits: { first_name: 'Ann', subscription_groups: groups }
    }
    const result = (await runtime.deliver(identify, SETTINGS)) as { warnings?: string[] }
    expect(result.warnings).toEqual([expect.stringMatching(/^trait "subscription_groups": 1 of its 2 groups were dropped/)])
    expect((braze.requests[0]!.response as { errors?: unknown }).errors).toBeUndefined()
    expect(braze.profile({ external_id: 'u-groups' })!.attributes).toMatchObject({ first_name: 'Ann' })
  })
})

describe.each(RUNTIME_PROFILES)('orders at the edges, in the %s runtime profile (accepted by the embedded Braze)', (profile) => {
  const order = (properties: Record<string, unknown>) => ({
    type: 'track',
    userId: 'u-edge',
    event: 'Order Completed',
    timestamp: ECOMMERCE_TIME,
    messageId: `edge-${Math.random()}`,
    properties
  })
  const sent = () => braze.requests.flatMap((request) => (request.body as { events?: Array<Record<string, any>> }).events ?? [])

  test("an order over Braze's 100 KB with Segment's product fields: the products' extras go, the order stays, with a warning", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const products = Array.from({ length: 350 }, (_, i) => ({
      product_id: `p${i}`,
      sku: `SKU-${i}`,
      name: `Product number ${i} ${'x'.repeat(60)}`,
      price: 1.5,
      quantity: 1,
      category: 'Games',
      brand: 'Hasbro',
      url: `https://www.example.com/product/${i}`,
      image_url: `https://www.example.com/product/${i}.jpg`
    }))
    const result = (await runtime.deliver(order({ order_id: 'o-big', total: 525, currency: 'USD', products }), SETTINGS)) as {
      warnings?: string[]
    }
    const [event] = sent()
    expect(event!.name).toBe('ecommerce.order_placed')
    expect(event!.properties.total_value).toBe(525)
    expect(event!.properties.products).toHaveLength(350)
    // Shedding the metadata was enough: the product keeps its pictures and page.
    expect(event!.properties.products[0]).toEqual({
      product_id: 'p0',
      product_name: expect.any(String),
      variant_id: 'SKU-0',
      quantity: 1,
      price: 1.5,
      image_url: 'https://www.example.com/product/0.jpg',
      product_url: 'https://www.example.com/product/0'
    })
    expect(result.warnings).toContain(
      "ecommerce.order_placed: the products' metadata were left out, to keep the event within Braze's limit."
    )
    expect(braze.requests[0]!.status).toBe(201)
  })

  test('an order that names no currency takes the one its products name, as its purchases do', async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    await runtime.deliver(
      order({ order_id: 'o-eur', total: 10, products: [{ product_id: 'p1', name: 'X', price: 10, currency: 'eur' }] }),
      {
        ...SETTINGS,
        ecommerceMode: 'both'
      }
    )
    expect(sent()[0]!.properties.currency).toBe('EUR')
    expect((braze.requests[0]!.body as { purchases: Array<{ currency: string }> }).purchases[0]!.currency).toBe('EUR')
  })

  test("a refund with a total whose products cannot be read is the whole order's refund, with a warning", async () => {
    const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    const refund = {
      ...order({ order_id: 'o-r', total: 10, currency: 'USD', products: [{ product_id: 'p1', quantity: 1 }] }),
      event: 'Order Refunded'
    }
    const result = (await runtime.deliver(refund, SETTINGS)) as { warnings?: string[] }
    const [event] = sent()
    expect(event!.name).toBe('ecommerce.order_refunded')
    expect(event!.properties.total_value).toBe(10)
    expect(event!.properties.products).toEqual([
      { product_id: 'order', product_name: 'Order-level refund', variant_id: 'order', quantity: 1, price: 10 }
    ])
    expect(result.warnings).toContain(
      "ecommerce.order_refunded was sent as a refund of the whole order's total: no product of it could be read."
    )
    expect(braze.requests[0]!.status).toBe(201)
  })
})

describe('the embedded Braze itself', () => {
  const post = (body: unknown) =>
    fetch(`${braze.url}/users/track`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })

  test('rejects a recommended event missing a required property in errors[] (201), and keeps the valid one', async () => {
    const placed = {
      external_id: 'u1',
      name: 'ecommerce.order_placed',
      time: '2026-04-26T14:32:00Z',
      properties: RECOMMENDED['ecommerce-order-completed-properties.json']!.properties
    }
    const { order_id: _orderId, ...withoutOrderId } = placed.properties
    const response = await post({ events: [{ ...placed, properties: withoutOrderId }, placed] })
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({
      message: 'success',
      events_processed: 1,
      errors: [{ type: "'order_id' is required", input_array: 'events', index: 0 }]
    })
    expect(braze.profile({ external_id: 'u1' })!.events.map((event) => event.name)).toEqual(['ecommerce.order_placed'])
  })
})
