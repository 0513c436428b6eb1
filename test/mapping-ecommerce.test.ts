// Segment eCommerce spec v2 events → Braze's recommended ecommerce.* events
// and/or legacy purchases, by ecommerceMode. Inputs are
// Segment's spec examples and Segment events written to produce Braze's own
// doc examples; outputs are checked whole, and against the embedded Braze's
// independent schema rules.
import fc from 'fast-check'
import { mapEvent } from '../src/destination/map-event'
import { objectProblems } from '../src/tools/embedded-braze/rules'
import {
  ECOMMERCE_FIXTURES,
  ECOMMERCE_TIME,
  RECOMMENDED,
  ecommerceTrack,
  fixtureProperties,
  orderCompletedPurchases
} from './helpers/ecommerce'
import { now, plan, planFor, problemFor, settingsFor } from './helpers/settings'

const T = ECOMMERCE_TIME
const EPOCH = Date.parse(T)
const track = (event: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'u1',
  event,
  properties,
  timestamp: T,
  ...extra
})
/** The recommended event of a plan that must hold exactly one event and nothing else. */
function recommendedOf(event: unknown, overrides: Record<string, unknown> = {}) {
  const result = planFor(event, overrides)
  expect({ events: result.events.length, purchases: result.purchases.length, attributes: result.attributes.length }).toEqual({
    events: 1,
    purchases: 0,
    attributes: 0
  })
  return { event: result.events[0]!, warnings: result.warnings }
}

describe('every spec event × every ecommerceMode: the exact plan', () => {
  const custom = (file: string) => ({
    external_id: 'u-shop',
    name: ECOMMERCE_FIXTURES[file]!,
    time: T,
    properties: fixtureProperties(file)
  })
  const recommended = (file: string) => ({
    external_id: 'u-shop',
    name: RECOMMENDED[file]!.name,
    time: T,
    properties: RECOMMENDED[file]!.properties
  })
  const isOrder = (file: string) => file === 'ecommerce-order-completed-properties.json'
  const isRecommended = (file: string) => RECOMMENDED[file] !== undefined

  const rows = Object.keys(ECOMMERCE_FIXTURES).flatMap((file) =>
    (['recommended', 'purchases', 'both'] as const).map((mode) => {
      // recommended: spec events → ecommerce.*, Order Completed NOT also purchases; Cart Viewed stays custom.
      // purchases: today's mapping: Order Completed (purchaseEvents default) → purchases, the rest custom events.
      // both: ecommerce.* and, for events in purchaseEvents, purchases too.
      const events = mode === 'purchases' ? (isOrder(file) ? [] : [custom(file)]) : [isRecommended(file) ? recommended(file) : custom(file)]
      const purchases = isOrder(file) && mode !== 'recommended' ? orderCompletedPurchases() : []
      return [ECOMMERCE_FIXTURES[file]!, mode, file, events, purchases] as const
    })
  )

  test.each(rows)('%s, %s', (_name, mode, file, events, purchases) => {
    // In "both", an order's purchases may be left out when it is too big to send whole (delivery-plan.ts).
    const optional = mode === 'both' && purchases.length > 0 ? { purchasesOptional: true as const } : {}
    expect(planFor(ecommerceTrack(file), { ecommerceMode: mode })).toEqual(
      plan({ events: events as never[], purchases: purchases as never[], epoch: EPOCH, ...optional })
    )
  })

  test.each(rows)('%s, %s: the embedded Braze accepts every object', (_name, mode, file) => {
    const result = planFor(ecommerceTrack(file), { ecommerceMode: mode })
    for (const event of result.events) expect(objectProblems('events', event)).toEqual([])
    for (const purchase of result.purchases) expect(objectProblems('purchases', purchase)).toEqual([])
  })
})

describe("Braze's doc examples, from the Segment events that carry the same data", () => {
  // https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/ (the page's REST and Web SDK examples).
  const socks = {
    product_id: 'SKU-SOC-1102',
    product_name: 'Performance Running Socks',
    variant_id: 'SOC-WHT-L',
    quantity: 2,
    price: 14.99
  }
  const shoe = { product_id: 'SKU-RUN-4821', product_name: 'Ultraboost Running Shoe', variant_id: 'UB-BLK-11', quantity: 1, price: 189.99 }
  const segmentShoe = { product_id: 'SKU-RUN-4821', name: 'Ultraboost Running Shoe', variant: 'UB-BLK-11', quantity: 1, price: 189.99 }
  const segmentSocks = { product_id: 'SKU-SOC-1102', name: 'Performance Running Socks', variant: 'SOC-WHT-L', quantity: 2, price: 14.99 }
  const shoeUrls = {
    image_url: 'https://cdn.example.com/shoes/ub-blk-11.jpg',
    url: 'https://www.example.com/products/ultraboost-running-shoe?variant=UB-BLK-11'
  }
  const socksUrls = {
    image_url: 'https://cdn.example.com/socks/soc-wht-l.jpg',
    url: 'https://www.example.com/products/performance-running-socks?variant=SOC-WHT-L'
  }
  const braze = (urls: { image_url: string; url: string }) => ({ image_url: urls.image_url, product_url: urls.url })

  test.each<[string, string, Record<string, unknown>, string, Record<string, unknown>]>([
    [
      'product_viewed',
      'Product Viewed',
      {
        ...segmentShoe,
        quantity: undefined,
        ...shoeUrls,
        currency: 'USD',
        source: 'web',
        type: ['price_drop', 'back_in_stock'],
        sku: 'UB-BLK-11-SKU',
        category: 'Running Shoes',
        brand: 'Shoe Brand'
      },
      'ecommerce.product_viewed',
      {
        product_id: 'SKU-RUN-4821',
        product_name: 'Ultraboost Running Shoe',
        variant_id: 'UB-BLK-11',
        ...braze(shoeUrls),
        price: 189.99,
        currency: 'USD',
        source: 'web',
        type: ['price_drop', 'back_in_stock'],
        metadata: { sku: 'UB-BLK-11-SKU', category: 'Running Shoes', brand: 'Shoe Brand' }
      }
    ],
    [
      'cart_updated, remove (the Web SDK example)',
      'Product Removed',
      { cart_id: 'cart_abc123', currency: 'USD', source: 'web', ...segmentSocks, quantity: 1 },
      'ecommerce.cart_updated',
      { cart_id: 'cart_abc123', action: 'remove', currency: 'USD', source: 'web', products: [{ ...socks, quantity: 1 }] }
    ],
    [
      'checkout_started',
      'Checkout Started',
      {
        checkout_id: 'chk_88291',
        cart_id: 'cart_abc123',
        total: 234.96,
        subtotal: 219.97,
        tax: 9.0,
        shipping: 5.99,
        currency: 'USD',
        products: [
          { ...segmentShoe, ...shoeUrls, color: 'Core Black', size: '11' },
          { ...segmentSocks, ...socksUrls, color: 'White', size: 'L' }
        ],
        source: 'web',
        checkout_url: 'https://www.example.com/checkout/chk_88291',
        checkout_type: 'express'
      },
      'ecommerce.checkout_started',
      {
        checkout_id: 'chk_88291',
        cart_id: 'cart_abc123',
        total_value: 234.96,
        subtotal_value: 219.97,
        tax: 9.0,
        shipping: 5.99,
        currency: 'USD',
        products: [
          { ...shoe, ...braze(shoeUrls), metadata: { color: 'Core Black', size: '11' } },
          { ...socks, ...braze(socksUrls), metadata: { color: 'White', size: 'L' } }
        ],
        source: 'web',
        metadata: { checkout_url: 'https://www.example.com/checkout/chk_88291', checkout_type: 'express' }
      }
    ],
    [
      'order_placed (the server-side example)',
      'Order Completed',
      {
        order_id: 'order_7891011',
        total: 84.99,
        currency: 'USD',
        source: 'custom_api',
        discount: 10.0,
        products: [
          {
            product_id: 'sku_2001',
            name: 'Trail Runner Pro',
            variant: 'var_2001_black_10',
            quantity: 1,
            price: 94.99,
            color: 'black',
            size: '10'
          }
        ],
        gift_wrapped: true,
        loyalty_points_earned: 170
      },
      'ecommerce.order_placed',
      {
        order_id: 'order_7891011',
        total_value: 84.99,
        currency: 'USD',
        source: 'custom_api',
        total_discounts: 10.0,
        products: [
          {
            product_id: 'sku_2001',
            product_name: 'Trail Runner Pro',
            variant_id: 'var_2001_black_10',
            quantity: 1,
            price: 94.99,
            metadata: { color: 'black', size: '10' }
          }
        ],
        metadata: { gift_wrapped: true, loyalty_points_earned: 170 }
      }
    ],
    [
      'order_cancelled',
      'Order Cancelled',
      {
        order_id: 'ord_77821',
        total: 224.96,
        subtotal: 209.97,
        tax: 9.0,
        shipping: 5.99,
        currency: 'USD',
        discount: 10.0,
        reason: 'customer_request',
        products: [
          { ...segmentShoe, color: 'Core Black', size: '11' },
          { ...segmentSocks, color: 'White', size: 'L' }
        ],
        source: 'web',
        order_status_url: 'https://www.example.com/orders/ord_77821/status'
      },
      'ecommerce.order_cancelled',
      {
        order_id: 'ord_77821',
        total_value: 224.96,
        subtotal_value: 209.97,
        tax: 9.0,
        shipping: 5.99,
        currency: 'USD',
        total_discounts: 10.0,
        cancel_reason: 'customer_request',
        products: [
          { ...shoe, metadata: { color: 'Core Black', size: '11' } },
          { ...socks, metadata: { color: 'White', size: 'L' } }
        ],
        source: 'web',
        metadata: { order_status_url: 'https://www.example.com/orders/ord_77821/status' }
      }
    ],
    [
      'order_refunded (partial)',
      'Order Refunded',
      {
        order_id: 'ORD-20260428-7891',
        total: 29.98,
        currency: 'USD',
        products: [{ ...segmentSocks, ...socksUrls, color: 'White', size: 'L' }],
        source: 'web',
        refund_method: 'store_credit',
        initiated_by: 'customer'
      },
      'ecommerce.order_refunded',
      {
        order_id: 'ORD-20260428-7891',
        total_value: 29.98,
        currency: 'USD',
        products: [{ ...socks, ...braze(socksUrls), metadata: { color: 'White', size: 'L' } }],
        source: 'web',
        metadata: { refund_method: 'store_credit', initiated_by: 'customer' }
      }
    ]
  ])('%s', (_name, segmentName, properties, brazeName, brazeProperties) => {
    const defined = Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined))
    const { event, warnings } = recommendedOf(track(segmentName, defined))
    expect(event).toEqual({ external_id: 'u1', name: brazeName, time: T, properties: brazeProperties })
    expect(warnings).toEqual([])
    expect(objectProblems('events', event)).toEqual([])
  })
})

describe('event names as Segment spells them: trimmed, any case', () => {
  test.each(['Order Completed', 'order completed', 'ORDER COMPLETED', '  Order Completed\t'])('%j → ecommerce.order_placed', (name) => {
    const event = { ...ecommerceTrack('ecommerce-order-completed-properties.json', 'u1'), event: name }
    expect(recommendedOf(event).event.name).toBe('ecommerce.order_placed')
  })

  // https://segment.com/docs/connections/spec/ecommerce/v2/: "The `Order Completed` event is aliased to the
  // `Completed Order` event from e-commerce v1", and so are the others here.
  test.each([
    ['Viewed Product', 'ecommerce.product_viewed'],
    ['Added Product', 'ecommerce.cart_updated'],
    ['Removed Product', 'ecommerce.cart_updated'],
    ['Started Order', 'ecommerce.checkout_started'],
    ['Completed Order', 'ecommerce.order_placed']
  ])('the v1 name %j, which the v2 spec aliases: %s', (name, braze) => {
    const file = {
      'ecommerce.product_viewed': 'ecommerce-product-viewed-properties.json',
      'ecommerce.cart_updated': 'ecommerce-product-added-properties.json',
      'ecommerce.checkout_started': 'ecommerce-checkout-started-properties.json',
      'ecommerce.order_placed': 'ecommerce-order-completed-properties.json'
    }[braze]!
    const event = { ...ecommerceTrack(file, 'u1'), event: name }
    expect(recommendedOf(event).event.name).toBe(braze)
  })

  test.each(['Order Complete', 'Order_Completed', 'ecommerce.order_placed'])(
    '%j is not a spec event: a custom event of that name',
    (name) => {
      const event = { ...ecommerceTrack('ecommerce-order-completed-properties.json', 'u1'), event: name }
      expect(recommendedOf(event).event.name).toBe(name)
    }
  )
})

describe('field sources and documented fallbacks', () => {
  const product = { product_id: 'p1', name: 'Thing', price: 5, quantity: 2 }
  const order = (properties: Record<string, unknown>, name = 'Order Completed') =>
    recommendedOf(track(name, { order_id: 'o1', products: [product], ...properties }))

  test.each<[string, Record<string, unknown>, number, Record<string, unknown> | undefined]>([
    ['total first', { total: 12, value: 11, revenue: 10 }, 12, { value: 11, revenue: 10 }],
    ['then value (Checkout Started: revenue + shipping + tax)', { value: 11, revenue: 10 }, 11, { revenue: 10 }],
    ['then revenue', { revenue: 10 }, 10, undefined],
    ['then subtotal', { subtotal: 9 }, 9, undefined],
    ['numeric strings are numbers', { total: '12.50' }, 12.5, undefined],
    ['a total that is no number stays in metadata; the next source is used', { total: 'twelve', revenue: 10 }, 10, { total: 'twelve' }]
  ])('total_value: %s', (_name, properties, total, metadata) => {
    const { event } = order(properties)
    expect(event.properties!.total_value).toBe(total)
    expect(event.properties!.metadata).toEqual(metadata)
  })

  // Segment: revenue is "excluding shipping and taxes", total is "Subtotal ($) with shipping and taxes added in";
  // Braze: Total Revenue is the sum of order_placed total_value.
  test.each<[string, Record<string, unknown>, number, string]>([
    ['revenue + shipping + tax', { revenue: 25, shipping: 3, tax: 2 }, 30, 'revenue + shipping + tax: the event has no total or value'],
    ['subtotal + shipping', { subtotal: 22.5, shipping: 3 }, 25.5, 'subtotal + shipping + tax: the event has no total or value']
  ])('no total or value: %s, with a warning', (_name, properties, total, warning) => {
    const { event, warnings } = order(properties)
    expect(event.properties).toMatchObject({ total_value: total, shipping: 3 })
    expect(warnings).toEqual([`ecommerce.order_placed total_value is ${warning}.`])
  })

  test('no total, value, revenue or subtotal: the sum of price × quantity, with a warning', () => {
    const { event, warnings } = order({ products: [product, { product_id: 'p2', name: 'Other', price: 0.1, quantity: 3 }] })
    expect(event.properties!.total_value).toBe(10.3)
    expect(warnings).toEqual([
      "ecommerce.order_placed total_value is the products' price × quantity: the event has no total, value, revenue or subtotal."
    ])
  })

  test("the discount may come as total_discounts, Braze's own name", () => {
    expect(order({ total_discounts: 2.5 }).event.properties).toMatchObject({ total_value: 7.5, total_discounts: 2.5 })
  })

  test('the sum of the products less the discount, plus shipping and tax', () => {
    const { event, warnings } = order({ discount: 2.5, shipping: 3, tax: 0.1 })
    expect(event.properties).toMatchObject({ total_value: 10.6, total_discounts: 2.5, shipping: 3, tax: 0.1 })
    expect(warnings).toEqual([
      "ecommerce.order_placed total_value is the products' price × quantity − discount + shipping + tax: the event has no total, value, revenue or subtotal."
    ])
  })

  test("a negative order total is no total: it stays in metadata and the products' sum is sent", () => {
    const { event, warnings } = order({ total: -5 })
    expect(event.properties).toMatchObject({ total_value: 10, metadata: { total: -5 } })
    expect(warnings).toHaveLength(1)
  })

  test('an Order Refunded with only an order_id and a total: one generalized product, as Braze asks for refunds of no product', () => {
    const result = planFor(track('Order Refunded', { order_id: 'o1', total: -30, currency: 'EUR' }))
    const event = result.events[0]!
    expect(event.properties).toEqual({
      order_id: 'o1',
      currency: 'EUR',
      source: 'server',
      products: [{ product_id: 'order', product_name: 'Order-level refund', variant_id: 'order', quantity: 1, price: 30 }],
      total_value: 30
    })
    expect(objectProblems('events', event)).toEqual([])
    expect(result.warnings).toEqual([])
  })

  test('refunds and cancellations send the absolute amount ("Must be ≥ 0")', () => {
    expect(order({ total: -30 }, 'Order Refunded').event.properties!.total_value).toBe(30)
    expect(order({ total: -30 }, 'Order Cancelled').event.properties!.total_value).toBe(30)
    // Refunds recorded as negative amounts throughout: prices, tax and shipping too.
    const negative = { products: [{ product_id: 'p1', name: 'One', price: -19, quantity: 1 }], tax: -1, shipping: -2 }
    expect(order({ ...negative, total: -22 }, 'Order Cancelled').event.properties).toMatchObject({
      total_value: 22,
      tax: 1,
      shipping: 2,
      products: [{ product_id: 'p1', price: 19 }]
    })
    expect(order(negative, 'Order Refunded').event.properties).toMatchObject({ total_value: 22, products: [{ price: 19 }] })
  })

  test('refunds and cancellations read a negative quantity as that many units; an order does not', () => {
    const returned = { total: -19, products: [{ product_id: 'p1', name: 'One', price: 19, quantity: -2 }] }
    expect(order(returned, 'Order Refunded').event.properties).toMatchObject({
      total_value: 19,
      products: [{ product_id: 'p1', quantity: 2 }]
    })
    expect(order(returned, 'Order Cancelled').event.properties).toMatchObject({ products: [{ quantity: 2 }] })
    expect(problemFor(track('Order Completed', { order_id: 'o1', ...returned })).message).toContain(
      'product 1: its quantity is not a whole number of at least 1'
    )
  })

  test('Product Removed without a quantity takes one unit off the line, with a warning (Braze "decreases the line quantity")', () => {
    const { event, warnings } = recommendedOf(track('Product Removed', { cart_id: 'c1', product_id: 'p1', name: 'Thing', price: 5 }))
    expect(event.properties).toMatchObject({ action: 'remove', products: [{ product_id: 'p1', quantity: 1 }] })
    expect(warnings).toEqual(['ecommerce.cart_updated removes 1 unit: "Product Removed" has no quantity.'])
    expect(
      recommendedOf(track('Product Removed', { cart_id: 'c1', product_id: 'p1', name: 'Thing', price: 5, quantity: 3 })).warnings
    ).toEqual([])
  })

  test('checkout_id: checkout_id, else order_id', () => {
    expect(
      recommendedOf(track('Checkout Started', { checkout_id: 'c1', order_id: 'o1', total: 1, products: [product] })).event.properties
    ).toMatchObject({ checkout_id: 'c1', metadata: { order_id: 'o1' } })
    expect(recommendedOf(track('Checkout Started', { order_id: 'o1', total: 1, products: [product] })).event.properties!.checkout_id).toBe(
      'o1'
    )
  })

  test('cancel_reason: cancel_reason, else reason, else "unspecified"', () => {
    expect(order({ cancel_reason: 'fraud', reason: 'x' }, 'Order Cancelled').event.properties).toMatchObject({
      cancel_reason: 'fraud',
      metadata: { reason: 'x' }
    })
    expect(order({ reason: 'customer_request' }, 'Order Cancelled').event.properties!.cancel_reason).toBe('customer_request')
    expect(order({}, 'Order Cancelled').event.properties!.cancel_reason).toBe('unspecified')
  })

  test.each<[string, unknown, string]>([
    ['absent: USD', undefined, 'USD'],
    ['blank: USD, as for purchases', ' ', 'USD'],
    ['lower case', 'eur', 'EUR'],
    ['padded', ' GBP ', 'GBP']
  ])('currency %s', (_name, currency, expected) => {
    expect(order({ currency }).event.properties!.currency).toBe(expected)
  })

  test.each<[string, Record<string, unknown>, string]>([
    ['properties.source wins', { properties: { source: 'in-store POS' } }, 'in-store POS'],
    ['analytics.js → web', { context: { library: { name: 'analytics.js', version: '2.11.1' } } }, 'web'],
    ['channel browser → web', { channel: 'browser' }, 'web'],
    ['an iOS app → ios', { context: { library: { name: 'analytics-swift' }, os: { name: 'iOS', version: '17.4' } } }, 'ios'],
    ['an Android app → android', { context: { library: { name: 'analytics-kotlin' }, os: { name: 'Android' } } }, 'android'],
    ['anything else → server', { context: { library: { name: 'analytics-node' } }, channel: 'server' }, 'server']
  ])('source: %s', (_name, extra, source) => {
    const properties = { product_id: 'p1', name: 'Thing', price: 5, ...(extra.properties as object) }
    const { properties: _ignored, ...envelope } = extra
    expect(recommendedOf(track('Product Viewed', properties, envelope)).event.properties!.source).toBe(source)
  })

  test('products: variant_id from variant, else sku, else product_id; quantity 1 when absent; sku as product_id when there is none', () => {
    const { event } = order({
      total: 1,
      products: [
        { product_id: 'a', name: 'A', variant: 'a-red', sku: 'A-1', price: 1 },
        { product_id: 'b', name: 'B', sku: 'B-1', price: 1, quantity: 3 },
        { product_id: 'c', name: 'C', price: 1 },
        { sku: 'D-1', name: 'D', price: 1 }
      ]
    })
    expect(
      (event.properties!.products as Record<string, unknown>[]).map(({ product_id, variant_id, quantity, metadata }) => ({
        product_id,
        variant_id,
        quantity,
        metadata
      }))
    ).toEqual([
      { product_id: 'a', variant_id: 'a-red', quantity: 1, metadata: { sku: 'A-1' } },
      { product_id: 'b', variant_id: 'B-1', quantity: 3, metadata: undefined },
      { product_id: 'c', variant_id: 'c', quantity: 1, metadata: undefined },
      { product_id: 'D-1', variant_id: 'D-1', quantity: 1, metadata: undefined }
    ])
  })

  test('a product Braze would refuse is left out with a warning; the rest of the order goes', () => {
    const { event, warnings } = order({
      total: 10,
      products: [product, { product_id: 'x', name: 'X', price: 1, quantity: 1.5 }, { name: 'No id', price: 1 }]
    })
    expect((event.properties!.products as unknown[]).length).toBe(1)
    expect(warnings).toEqual([
      'product 2 was left out of ecommerce.order_placed: its quantity is not a whole number of at least 1.',
      'product 3 was left out of ecommerce.order_placed: it has no product_id, sku or id.'
    ])
  })

  test("metadata keeps Segment's keys, with the reserved time and event_name renamed and $-keys dropped", () => {
    const { event, warnings } = order({ total: 1, time: 'later', event_name: 'x', $secret: 1, note: 'gift' })
    expect(event.properties!.metadata).toEqual({ segment_time: 'later', segment_event_name: 'x', note: 'gift' })
    expect(warnings).toEqual([expect.stringMatching(/"\$secret" was dropped/)])
  })

  test("product_viewed type: only Braze's accepted values; anything else stays in metadata", () => {
    const viewed = (type: unknown) =>
      recommendedOf(track('Product Viewed', { product_id: 'p', name: 'P', price: 1, type })).event.properties!
    expect(viewed(['back_in_stock'])).toMatchObject({ type: ['back_in_stock'] })
    expect(viewed('sale')).toMatchObject({ metadata: { type: 'sale' } })
    expect(viewed('sale').type).toBeUndefined()
  })

  test('optional fields a schema does not list stay in metadata (Braze rejects extra properties)', () => {
    // order_refunded lists no subtotal_value, tax, shipping or cart_id.
    const { event } = order({ total: 5, subtotal: 4, tax: 1, shipping: 0, cart_id: 'c1', discount: 1 }, 'Order Refunded')
    expect(event.properties).toMatchObject({
      total_value: 5,
      total_discounts: 1,
      metadata: { subtotal: 4, tax: 1, shipping: 0, cart_id: 'c1' }
    })
  })

  test('alias users: the recommended event carries an explicit _update_existing_only, as custom events do', () => {
    const event = { ...ecommerceTrack('ecommerce-order-refunded-properties.json'), userId: undefined, anonymousId: 'anon-1' }
    const result = planFor(event, { anonymousAliasLabel: 'anon' })
    expect(result.events[0]).toMatchObject({
      user_alias: { alias_name: 'anon-1', alias_label: 'anon' },
      _update_existing_only: false,
      name: 'ecommerce.order_refunded'
    })
  })

  test('app_id from the settings', () => {
    expect(planFor(ecommerceTrack('ecommerce-product-viewed-properties.json'), { appId: 'app-1' }).events[0]?.app_id).toBe('app-1')
  })
})

describe('a required property missing: InvalidEventPayload naming it, nothing sent', () => {
  const product = { product_id: 'p1', name: 'Thing', price: 5 }
  test.each<[string, string, Record<string, unknown>, RegExp]>([
    [
      'Product Added without cart_id',
      'Product Added',
      { ...product },
      /"Product Added" cannot become Braze's ecommerce\.cart_updated: it needs properties\.cart_id for cart_id/
    ],
    [
      'Product Removed without a product id',
      'Product Removed',
      { cart_id: 'c', name: 'Thing', price: 5 },
      /ecommerce\.cart_updated: it needs a product in its properties: it has no product_id, sku or id/
    ],
    [
      'Product Viewed without a price',
      'Product Viewed',
      { product_id: 'p1', name: 'Thing' },
      /ecommerce\.product_viewed: it needs a product: it has no price/
    ],
    ['Product Viewed without a product_id, sku or id', 'Product Viewed', { name: 'Thing', price: 1 }, /it has no product_id, sku or id/],
    [
      'Checkout Started without checkout_id or order_id',
      'Checkout Started',
      { total: 5, products: [product] },
      /needs properties\.checkout_id or properties\.order_id for checkout_id/
    ],
    [
      'Order Completed without order_id',
      'Order Completed',
      { total: 5, products: [product] },
      /"Order Completed" cannot become Braze's ecommerce\.order_placed: it needs properties\.order_id for order_id/
    ],
    [
      'Order Refunded without products or a total',
      'Order Refunded',
      { order_id: 'o1' },
      /ecommerce\.order_refunded: it needs a non-empty properties\.products list \(or a total, for a refund of the whole order\)/
    ],
    [
      'Order Cancelled with an empty products list',
      'Order Cancelled',
      { order_id: 'o1', total: 5, products: [] },
      /needs a non-empty properties\.products list/
    ],
    [
      'Order Completed without a valid product',
      'Order Completed',
      { order_id: 'o1', products: [{ product_id: 'p1', name: 'Thing' }] },
      /needs at least one valid product \(product 1: it has no price/
    ],
    [
      'a currency that is no ISO 4217 code',
      'Order Completed',
      { order_id: 'o1', currency: 'US$', products: [product] },
      /needs an ISO 4217 currency code in properties\.currency, not "US\$"/
    ],
    ['a made-up currency', 'Product Viewed', { ...product, currency: 'ABC' }, /ISO 4217 currency code in properties\.currency, not "ABC"/]
  ])('%s', (_name, event, properties, message) => {
    expect(problemFor(track(event, properties))).toEqual({ kind: 'InvalidEventPayload', message: expect.stringMatching(message) })
    expect(problemFor(track(event, properties)).message).toContain(
      'https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/'
    )
  })
})

test('a product without a name keeps its order: product_name is its id, with a warning', () => {
  const result = planFor(track('Order Completed', { order_id: 'o1', total: 5, products: [{ sku: 'G-32', price: 5 }] }))
  expect((result.events[0]!.properties!.products as Array<Record<string, unknown>>)[0]).toMatchObject({
    product_id: 'G-32',
    product_name: 'G-32'
  })
  expect(result.warnings).toContain('a product without a name was sent with product_name "G-32", its id.')
})

describe('ecommerceMode and purchaseEvents', () => {
  const order = track('Order Completed', { order_id: 'o1', total: 5, products: [{ product_id: 'p1', name: 'Thing', price: 5 }] })
  const subscription = track('Subscription Paid', { products: [{ product_id: 'plan-pro', price: 20 }] })
  const purchaseEvents = ['Order Completed', 'Subscription Paid']

  test('recommended: purchaseEvents applies to events outside the spec only', () => {
    expect(planFor(order, { purchaseEvents }).purchases).toEqual([])
    expect(planFor(subscription, { purchaseEvents }).purchases).toHaveLength(1)
  })

  test('purchases: no recommended event ever', () => {
    for (const file of Object.keys(ECOMMERCE_FIXTURES)) {
      for (const event of planFor(ecommerceTrack(file), { ecommerceMode: 'purchases' }).events)
        expect(event.name).not.toMatch(/^ecommerce\./)
    }
  })

  test('both: a spec event listed in purchaseEvents is sent both ways; one not listed only as the recommended event', () => {
    const result = planFor(
      track('Order Refunded', { order_id: 'o1', total: 5, products: [{ product_id: 'p1', name: 'Thing', price: 5 }] }),
      { ecommerceMode: 'both', purchaseEvents }
    )
    expect(result.events.map((event) => event.name)).toEqual(['ecommerce.order_refunded'])
    expect(result.purchases).toEqual([])
    const both = planFor(order, { ecommerceMode: 'both', purchaseEvents })
    expect([both.events.map((event) => event.name), both.purchases.map((purchase) => purchase.product_id)]).toEqual([
      ['ecommerce.order_placed'],
      ['p1']
    ])
  })

  test('both: when one of the two cannot be made, the other is still sent and the reason is a warning', () => {
    // No order_id: no recommended event; a legacy purchase needs none.
    const unnumbered = track('Order Completed', { total: 5, products: [{ product_id: 'p1', name: 'Thing', price: 5 }] })
    const result = planFor(unnumbered, { ecommerceMode: 'both' })
    expect(result.events).toEqual([])
    expect(result.purchases).toHaveLength(1)
    expect(result.warnings).toEqual([
      expect.stringMatching(/^"Order Completed" cannot become Braze's ecommerce\.order_placed: it needs properties\.order_id/)
    ])
    // Neither: the recommended event's problem.
    expect(problemFor(track('Order Completed', { products: [] }), { ecommerceMode: 'both' }).message).toMatch(/ecommerce\.order_placed/)
  })
})

describe('properties: whatever the input, a named problem or an event the embedded Braze accepts', () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 500 }),
    fc.double({ noNaN: false }),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('USD', 'usd', 'EUR', 'XXX', '12.5', '-3', '', ' '),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 })
  )
  const keys = [
    'product_id',
    'sku',
    'id',
    'name',
    'variant',
    'price',
    'quantity',
    'currency',
    'source',
    'cart_id',
    'order_id',
    'checkout_id',
    'total',
    'value',
    'revenue',
    'subtotal',
    'tax',
    'shipping',
    'discount',
    'reason',
    'type',
    'url',
    'image_url',
    'discounts',
    'extra'
  ]
  const dictOf = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 12 })
  const properties = fc.record({
    top: dictOf,
    products: fc.oneof(fc.constant(undefined), fc.array(fc.oneof(dictOf, value), { maxLength: 3 }))
  })
  const names = [
    'Product Viewed',
    'Product Added',
    'Product Removed',
    'Checkout Started',
    'Order Completed',
    'Order Refunded',
    'Order Cancelled'
  ]

  test('for every spec event', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), properties, fc.constantFrom('recommended', 'both'), (name, { top, products }, mode) => {
        const event = track(name, products === undefined ? top : { ...top, products })
        const result = mapEvent(JSON.parse(JSON.stringify(event)), settingsFor({ ecommerceMode: mode }), now)
        if ('kind' in result) {
          expect(result.kind).toBe('InvalidEventPayload')
          return
        }
        expect(result.events.length + result.purchases.length).toBeGreaterThan(0)
        for (const sent of result.events)
          expect({ name: sent.name, problems: objectProblems('events', sent) }).toEqual({ name: sent.name, problems: [] })
        for (const purchase of result.purchases) expect(objectProblems('purchases', purchase)).toEqual([])
      }),
      { numRuns: 600 }
    )
  })
})

test("discounts: a list of objects passes as Braze's discounts (order events); its keys follow the property rules", () => {
  const properties = {
    order_id: 'o1',
    total: 9,
    discount: 1,
    discounts: [{ code: 'SPRING10', amount: 1, type: 'percentage', $internal: 'x' }],
    products: [{ product_id: 'p', name: 'P', price: 10 }]
  }
  const result = planFor(track('Order Completed', properties))
  expect(result.events[0]!.properties).toMatchObject({
    total_discounts: 1,
    discounts: [{ code: 'SPRING10', amount: 1, type: 'percentage' }]
  })
  expect(result.warnings).toEqual([expect.stringMatching(/discounts.*\$internal was dropped/)])
})

// Braze's eCommerce recommended events (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/).
describe("fields as Braze's current tables have them", () => {
  test('cart_updated takes the cart\'s subtotal_value, tax and shipping ("Total tax applied to the cart"), not the product\'s metadata', () => {
    const event = planFor(
      track('Product Added', { cart_id: 'c1', product_id: 'p1', name: 'Thing', price: 20, quantity: 1, tax: 1, shipping: 2, subtotal: 20 })
    ).events[0]!
    expect(event.properties).toMatchObject({ subtotal_value: 20, tax: 1, shipping: 2 })
    expect((event.properties as { products: Array<{ metadata?: unknown }> }).products[0]!.metadata).toBeUndefined()
    expect(objectProblems('events', event)).toEqual([])
  })

  test('Braze\'s own total_value is a source: order_placed "increments total_revenue by the value in total_value"', () => {
    const result = planFor(
      track('Order Completed', {
        order_id: 'o1',
        total_value: 99,
        currency: 'USD',
        products: [{ product_id: 'p1', name: 'Thing', price: 20, quantity: 1 }]
      })
    )
    expect(result.events[0]!.properties!.total_value).toBe(99)
    expect(result.warnings).toEqual([])
  })

  test('a metadata object of your own is merged into Braze\'s metadata ("Recognized sub-property: order_status_url"), the product\'s too', () => {
    const result = planFor(
      track('Order Completed', {
        order_id: 'o1',
        total: 20,
        currency: 'USD',
        affiliation: 'shop',
        metadata: { order_status_url: 'https://shop.example/o1' },
        products: [{ product_id: 'p1', name: 'Thing', price: 20, quantity: 1, metadata: { color: 'red' } }]
      })
    )
    const properties = result.events[0]!.properties as { metadata: unknown; products: Array<{ metadata: unknown }> }
    expect(properties.metadata).toEqual({ affiliation: 'shop', order_status_url: 'https://shop.example/o1' })
    expect(properties.products[0]!.metadata).toEqual({ color: 'red' })
  })

  test('an Order Refunded whose products is one object: read as a list of one, with a warning (not an order-level refund)', () => {
    const result = planFor(
      track('Order Refunded', {
        order_id: 'o1',
        total: 19,
        currency: 'USD',
        products: { product_id: 'p1', name: 'Monopoly', price: 19, quantity: 1 }
      })
    )
    expect((result.events[0]!.properties as { products: Array<{ product_id: string }> }).products.map((p) => p.product_id)).toEqual(['p1'])
    expect(result.warnings).toEqual([expect.stringContaining('properties.products is one product, not a list')])
  })

  test('an Order Refunded whose products is not a list at all: the order-level refund, and a warning that they were left out', () => {
    const result = planFor(track('Order Refunded', { order_id: 'o1', total: 19, currency: 'USD', products: 'p1' }))
    expect((result.events[0]!.properties as { products: Array<{ product_id: string }> }).products.map((p) => p.product_id)).toEqual([
      'order'
    ])
    expect(result.warnings).toEqual([expect.stringContaining('properties.products was left out')])
  })
})
