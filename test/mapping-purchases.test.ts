// Purchase events → one Braze purchase per product (README, "Purchases"): legacy
// purchases, as ecommerceMode "purchases" sends them (test/mapping-ecommerce.test.ts
// has the recommended events and the modes).
import { plan, planFor as planForAnyMode, problemFor as problemForAnyMode } from './helpers/settings'

const LEGACY = { ecommerceMode: 'purchases' }
const planFor = (event: unknown, overrides: Record<string, unknown> = {}) => planForAnyMode(event, { ...LEGACY, ...overrides })
const problemFor = (event: unknown, overrides: Record<string, unknown> = {}) => problemForAnyMode(event, { ...LEGACY, ...overrides })

const T = '2024-05-01T10:00:00.000Z'
const EPOCH = Date.parse(T)

function order(products: unknown, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    userId: 'u1',
    event: 'Order Completed',
    properties: { order_id: 'o-1', products, ...properties },
    timestamp: T,
    ...extra
  }
}

/** The purchases of an event (it must map to purchases only), and the plan's warnings. */
function purchasesOf(event: unknown, overrides: Record<string, unknown> = {}) {
  const result = planFor(event, overrides)
  expect(result.events).toEqual([])
  expect(result.attributes).toEqual([])
  return { purchases: result.purchases, warnings: result.warnings }
}

const base = { external_id: 'u1', time: T }

describe('one purchase per product', () => {
  test('the whole plan', () => {
    const event = order(
      [
        { product_id: 'p1', sku: 'S-1', name: 'Monopoly', price: 19, quantity: 1, category: 'Games' },
        { product_id: 'p2', name: 'Uno', price: 3, quantity: 2 }
      ],
      { revenue: 25, currency: 'USD' }
    )
    expect(planFor(event)).toEqual(
      plan({
        purchases: [
          {
            ...base,
            product_id: 'p1',
            currency: 'USD',
            price: 19,
            quantity: 1,
            properties: { order_id: 'o-1', revenue: 25, sku: 'S-1', name: 'Monopoly', category: 'Games' }
          },
          {
            ...base,
            product_id: 'p2',
            currency: 'USD',
            price: 3,
            quantity: 2,
            properties: { order_id: 'o-1', revenue: 25, name: 'Uno' }
          }
        ],
        epoch: EPOCH
      })
    )
  })

  test('properties: the product fields not used for the purchase, plus order-level properties except products', () => {
    const event = order([{ product_id: 'p1', price: 5, quantity: 1, currency: 'EUR', color: 'red', coupon: 'PRODUCT' }], {
      coupon: 'ORDER',
      time: 'order time',
      $secret: 1,
      shipping: 3
    })
    const { purchases, warnings } = purchasesOf(event)
    expect(purchases).toEqual([
      {
        ...base,
        product_id: 'p1',
        currency: 'EUR',
        price: 5,
        quantity: 1,
        properties: { order_id: 'o-1', coupon: 'PRODUCT', segment_time: 'order time', shipping: 3, color: 'red' }
      }
    ])
    expect(warnings).toEqual([expect.stringMatching(/"\$secret" was dropped/)])
  })

  test("a renamed key never takes the name of the other side's property: the order's time and a product's segment_time both stay", () => {
    const event = order(
      [
        { product_id: 'p1', price: 5, segment_time: 'product' },
        { product_id: 'p2', price: 6, time: 'product time' }
      ],
      {
        time: 'order time'
      }
    )
    expect(purchasesOf(event).purchases.map((purchase) => purchase.properties)).toEqual([
      { order_id: 'o-1', segment_segment_time: 'order time', segment_time: 'product' },
      { order_id: 'o-1', segment_segment_time: 'order time', segment_time: 'product time' }
    ])
    const theOrders = order([{ product_id: 'p1', price: 5, time: 'product time' }], { segment_time: 'order', time: 'order time' })
    expect(purchasesOf(theOrders).purchases[0]!.properties).toEqual({
      order_id: 'o-1',
      segment_time: 'order',
      segment_segment_time: 'product time'
    })
  })

  test("a purchase of over 256 properties (the order's and the product's): one warning for the event", () => {
    const many = Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`o${index}`, index]))
    const products = [1, 2].map((n) => ({ product_id: `p${n}`, price: 5, ...Object.fromEntries([...'abcdefgh'].map((key) => [key, n])) }))
    const { purchases, warnings } = purchasesOf(order(products, many))
    expect(purchases.map((purchase) => Object.keys(purchase.properties!).length)).toEqual([259, 259])
    expect(warnings).toEqual([
      'The "Order Completed" purchase of p1 has 259 properties: Braze captures only the first 256 of an event or purchase, so "f" and those after it will not be usable there.'
    ])
  })

  test('300 products that would each carry 25 KB of order properties (over 4 requests of 1 MB): refused before the copies are made', () => {
    const big = Object.fromEntries(Array.from({ length: 97 }, (_, k) => [`k${k}`, 'x'.repeat(250)]))
    const products = Array.from({ length: 300 }, (_, j) => ({ product_id: `p${j}`, price: 1 }))
    expect(problemFor(order(products, big), { ecommerceMode: 'purchases' })).toEqual({
      kind: 'InvalidEventPayload',
      message:
        "This event's 300 purchases would each carry its 25 KB of order properties, more than the 4 requests of 1 MB the function sends for one event. " +
        'Send fewer products or order properties, or send it with ecommerceMode "recommended".'
    })
  })

  test("Braze's reserved purchase property keys: the order's currency is the purchases' own, the others are renamed", () => {
    // https://www.braze.com/docs/user_guide/data/activation/events/purchase_events/#purchase-properties: "time,
    // product_id, quantity, event_name, price, and currency" would fail the purchase ("Invalid 'properties' field").
    const event = order([{ sku: 'S-1', product_id: '', price: 5, event_name: 'e' }], {
      currency: 'EUR',
      price: 10,
      quantity: 2,
      product_id: 'order-level',
      event_name: 'Order Completed'
    })
    expect(purchasesOf(event).purchases).toEqual([
      {
        ...base,
        product_id: 'S-1',
        currency: 'EUR',
        price: 5,
        quantity: 1,
        properties: {
          order_id: 'o-1',
          segment_price: 10,
          segment_quantity: 2,
          segment_product_id: 'order-level',
          segment_event_name: 'e'
        }
      }
    ])
  })

  test('no properties besides products and the id: no properties key', () => {
    const event = {
      type: 'track',
      userId: 'u1',
      event: 'Order Completed',
      properties: { products: [{ product_id: 'p1', price: 1 }] },
      timestamp: T
    }
    expect(purchasesOf(event).purchases).toEqual([{ ...base, product_id: 'p1', currency: 'USD', price: 1, quantity: 1 }])
  })

  test('app_id from the settings', () => {
    const { purchases } = purchasesOf(order([{ product_id: 'p1', price: 1 }]), { appId: 'app-1' })
    expect(purchases).toEqual([
      { ...base, app_id: 'app-1', product_id: 'p1', currency: 'USD', price: 1, quantity: 1, properties: { order_id: 'o-1' } }
    ])
  })

  test('time from the event, or now', () => {
    const withoutTime = order([{ product_id: 'p1', price: 1 }])
    delete withoutTime.timestamp
    expect(purchasesOf(withoutTime).purchases[0]?.time).toBe('2024-05-01T12:00:00.000Z')
    expect(
      purchasesOf(order([{ product_id: 'p1', price: 1 }], {}, { timestamp: undefined, receivedAt: '2024-04-30T00:00:00.000Z' }))
        .purchases[0]?.time
    ).toBe('2024-04-30T00:00:00.000Z')
  })

  test('alias users: purchases carry an explicit _update_existing_only, as events do, beside an attributes object that creates the alias profile where allowed', () => {
    const event = order([{ product_id: 'p1', price: 1 }], {}, { userId: undefined, anonymousId: 'anon-1' })
    for (const setting of [false, true]) {
      // Braze never creates an alias profile for a purchase ("Update Only" mode is always true): the attributes object
      // does; under updateExistingOnly it could not, so none is sent.
      const { purchases, attributes } = planFor(event, { anonymousAliasLabel: 'anon', updateExistingOnly: setting })
      expect(attributes).toEqual(
        setting ? [] : [{ user_alias: { alias_name: 'anon-1', alias_label: 'anon' }, _update_existing_only: false }]
      )
      expect(purchases).toEqual([
        {
          user_alias: { alias_name: 'anon-1', alias_label: 'anon' },
          time: T,
          product_id: 'p1',
          currency: 'USD',
          price: 1,
          quantity: 1,
          properties: { order_id: 'o-1' },
          _update_existing_only: setting
        }
      ])
    }
  })
})

describe('product_id', () => {
  test.each<[string, Record<string, unknown>, string, Record<string, unknown>]>([
    ['product_id first', { product_id: 'P', sku: 'S', id: 'I', name: 'N' }, 'P', { sku: 'S', id: 'I', name: 'N' }],
    ['then sku', { sku: 'S', id: 'I', name: 'N' }, 'S', { id: 'I', name: 'N' }],
    ['then id', { id: 'I', name: 'N' }, 'I', { name: 'N' }],
    ['then name', { name: 'N' }, 'N', {}],
    ['a blank product_id is skipped', { product_id: '  ', sku: 'S' }, 'S', {}],
    ['a null product_id is skipped', { product_id: null, id: 'I' }, 'I', {}],
    ['a numeric id is text', { id: 123 }, '123', {}],
    ['an id with spaces around it is trimmed, as names are matched', { product_id: '  P  ', sku: 'S' }, 'P', { sku: 'S' }]
  ])('%s', (_name, ids, productId, rest) => {
    const { purchases } = purchasesOf(order([{ ...ids, price: 2 }]))
    expect(purchases).toEqual([
      { ...base, product_id: productId, currency: 'USD', price: 2, quantity: 1, properties: { order_id: 'o-1', ...rest } }
    ])
  })
})

test('a product_id over 255 characters gives way to the next id Braze takes, with a warning', () => {
  const { purchases, warnings } = purchasesOf(order([{ product_id: 'P'.repeat(300), sku: 'S', price: 2 }]))
  expect(purchases.map((purchase) => purchase.product_id)).toEqual(['S'])
  expect(warnings).toContain("product 1: its product_id is over 255 characters, so its sku is the purchase's product_id.")
})

describe('price, quantity and currency', () => {
  const one = (product: Record<string, unknown>, properties: Record<string, unknown> = {}) =>
    purchasesOf(order([{ product_id: 'p', ...product }], properties)).purchases.map(({ price, quantity, currency }) => ({
      price,
      quantity,
      currency
    }))

  test.each<[string, Record<string, unknown>, { price: number; quantity: number; currency: string }]>([
    ['a numeric price', { price: 19.99 }, { price: 19.99, quantity: 1, currency: 'USD' }],
    ['a numeric-string price', { price: '19.99' }, { price: 19.99, quantity: 1, currency: 'USD' }],
    ['a padded numeric-string price', { price: ' 5 ' }, { price: 5, quantity: 1, currency: 'USD' }],
    ['a price in exponent notation', { price: '1e2' }, { price: 100, quantity: 1, currency: 'USD' }],
    ['a zero price (a free item)', { price: 0 }, { price: 0, quantity: 1, currency: 'USD' }],
    ['quantity 1 by default', { price: 1 }, { price: 1, quantity: 1, currency: 'USD' }],
    ['a null quantity is 1', { price: 1, quantity: null }, { price: 1, quantity: 1, currency: 'USD' }],
    ['a numeric-string quantity', { price: 1, quantity: '3' }, { price: 1, quantity: 3, currency: 'USD' }],
    ['quantity 100 is one object', { price: 1, quantity: 100 }, { price: 1, quantity: 100, currency: 'USD' }],
    ["the product's currency, upper-cased", { price: 1, currency: 'eur' }, { price: 1, quantity: 1, currency: 'EUR' }],
    ["the product's currency, trimmed", { price: 1, currency: ' gbp ' }, { price: 1, quantity: 1, currency: 'GBP' }],
    // ISO 4217 codes missing from ICU's list (src/destination/currencies.ts).
    ["Venezuela's bolívar digital (VED)", { price: 1, currency: 'VED' }, { price: 1, quantity: 1, currency: 'VED' }],
    ['gold (XAU)', { price: 1, currency: 'XAU' }, { price: 1, quantity: 1, currency: 'XAU' }],
    ["Chile's Unidad de Fomento (CLF)", { price: 1, currency: 'CLF' }, { price: 1, quantity: 1, currency: 'CLF' }]
  ])('%s', (_name, product, expected) => {
    expect(one(product)).toEqual([expected])
  })

  test("the event's currency when the product has none; the product's wins", () => {
    expect(one({ price: 1 }, { currency: 'cad' })).toEqual([{ price: 1, quantity: 1, currency: 'CAD' }])
    expect(one({ price: 1, currency: 'JPY' }, { currency: 'CAD' })).toEqual([{ price: 1, quantity: 1, currency: 'JPY' }])
  })

  test.each([
    [250, [100, 100, 50]],
    [101, [100, 1]],
    [200, [100, 100]],
    [7500, Array.from({ length: 75 }, () => 100)],
    // Braze's 100 per purchase object: 10,000 is 100 objects, two requests, well within an event's 300.
    [10_000, Array.from({ length: 100 }, () => 100)]
  ])('quantity %i is split into %j', (quantity, split) => {
    const { purchases } = purchasesOf(order([{ product_id: 'p', price: 2, quantity }]))
    expect(purchases.map((purchase) => purchase.quantity)).toEqual(split)
    for (const purchase of purchases) {
      expect(purchase).toEqual({
        ...base,
        product_id: 'p',
        currency: 'USD',
        price: 2,
        quantity: purchase.quantity,
        properties: { order_id: 'o-1' }
      })
    }
  })
})

describe('products that cannot be purchases are skipped with a warning', () => {
  test.each<[string, unknown, RegExp]>([
    ['no price', { product_id: 'bad' }, /no numeric price/],
    ['a text price', { product_id: 'bad', price: '$5' }, /no numeric price/],
    ['a price with a comma', { product_id: 'bad', price: '5,00' }, /no numeric price/],
    ['a boolean price', { product_id: 'bad', price: true }, /no numeric price/],
    ['an infinite price', { product_id: 'bad', price: '1e999' }, /no numeric price/],
    ['quantity 0', { product_id: 'bad', price: 1, quantity: 0 }, /quantity is not a whole number of at least 1/],
    ['a negative quantity', { product_id: 'bad', price: 1, quantity: -2 }, /quantity/],
    ['a fractional quantity', { product_id: 'bad', price: 1, quantity: 1.5 }, /quantity/],
    [
      'a quantity over 30000 (more purchase objects than an event may send)',
      { product_id: 'bad', price: 1, quantity: 30_001 },
      /quantity 30001 is over 30000/
    ],
    ['an absurd quantity (would never return)', { product_id: 'bad', price: 1, quantity: 1e15 }, /quantity .* is over 30000/],
    ['a currency of 2 letters', { product_id: 'bad', price: 1, currency: 'US' }, /currency "US" is not an ISO 4217 code/],
    ['a currency symbol', { product_id: 'bad', price: 1, currency: 'US$' }, /currency "US\$"/],
    [
      'three letters that name no currency (Intl.supportedValuesOf)',
      { product_id: 'bad', price: 1, currency: 'ABC' },
      /currency "ABC" is not an ISO 4217 code/
    ],
    ['a currency word', { product_id: 'bad', price: 1, currency: 'dollars' }, /currency "dollars"/],
    ['a numeric currency (ISO 4217 numeric codes are not taken)', { product_id: 'bad', price: 1, currency: 978 }, /currency 978 is not/],
    ["a currency that is not text (not replaced by the order's)", { product_id: 'bad', price: 1, currency: true }, /currency true is not/],
    ['no product id', { price: 1, category: 'Games' }, /no product_id, sku, id or name/],
    ['a product id over 255 characters', { product_id: 'x'.repeat(256), price: 1 }, /over 255 characters/],
    ['not an object', 'p1', /not an object/],
    ['null', null, /not an object/]
  ])('%s', (_name, bad, reason) => {
    const { purchases, warnings } = purchasesOf(order([{ product_id: 'good', price: 1 }, bad]))
    expect(purchases).toEqual([{ ...base, product_id: 'good', currency: 'USD', price: 1, quantity: 1, properties: { order_id: 'o-1' } }])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^product 2 was skipped: /)
    expect(warnings[0]).toMatch(reason)
  })

  test('an invalid order-level currency spoils every product that has none of its own', () => {
    const { purchases, warnings } = purchasesOf(
      order(
        [
          { product_id: 'a', price: 1 },
          { product_id: 'b', price: 1, currency: 'EUR' }
        ],
        { currency: 'euro' }
      )
    )
    expect(purchases.map((purchase) => [purchase.product_id, purchase.currency])).toEqual([['b', 'EUR']])
    expect(warnings).toEqual([expect.stringMatching(/product 1 was skipped: its currency "euro"/)])
  })

  test('an order-level currency that is not text is no currency, not USD', () => {
    const { purchases, warnings } = purchasesOf(
      order(
        [
          { product_id: 'a', price: 1 },
          { product_id: 'b', price: 1, currency: 'EUR' }
        ],
        { currency: { code: 'EUR' } }
      )
    )
    expect(purchases.map((purchase) => [purchase.product_id, purchase.currency])).toEqual([['b', 'EUR']])
    expect(warnings).toEqual([expect.stringMatching(/product 1 was skipped: its currency \{"code":"EUR"\} is not an ISO 4217 code/)])
  })
})

describe('an order without a usable product: InvalidEventPayload', () => {
  test('no valid product: the reasons are in the message', () => {
    const result = problemFor(order([{ product_id: 'a' }, { product_id: 'b', price: 1, currency: 'XX' }]))
    expect(result.kind).toBe('InvalidEventPayload')
    expect(result.message).toMatch(/"Order Completed" has no product Braze can record as a purchase/)
    expect(result.message).toMatch(/product 1: it has no numeric price/)
    expect(result.message).toMatch(/product 2: its currency "XX"/)
  })

  test.each<[string, unknown]>([
    ['no products', undefined],
    ['an empty products list', []],
    ['products that is not a list', { product_id: 'p1', price: 1 }]
  ])('%s', (_name, products) => {
    const result = problemFor(order(products))
    expect(result.kind).toBe('InvalidEventPayload')
    expect(result.message).toMatch(/"Order Completed" is a purchase event but has no properties\.products list/)
  })
})

describe('purchaseEvents', () => {
  const products = [{ product_id: 'p1', price: 1 }]

  test.each(['Order Completed', 'order completed', 'ORDER COMPLETED', ' Order Completed '])('%j is a purchase event by default', (name) => {
    expect(purchasesOf(order(products, {}, { event: name })).purchases).toHaveLength(1)
  })

  test('a configured list replaces the default, case-insensitively', () => {
    const settings = { purchaseEvents: ['Checkout Done', 'Subscription Paid'] }
    expect(purchasesOf(order(products, {}, { event: 'checkout done' }), settings).purchases).toHaveLength(1)
    expect(purchasesOf(order(products, {}, { event: 'Subscription Paid' }), settings).purchases).toHaveLength(1)
    const notAPurchase = planFor(order(products), settings)
    expect(notAPurchase.purchases).toEqual([])
    expect(notAPurchase.events).toEqual([
      { external_id: 'u1', name: 'Order Completed', time: T, properties: { order_id: 'o-1', products: [{ product_id: 'p1', price: 1 }] } }
    ])
  })

  test('a comma-separated setting works too', () => {
    expect(
      purchasesOf(order(products, {}, { event: 'Checkout Done' }), { purchaseEvents: 'Order Completed, Checkout Done' }).purchases
    ).toHaveLength(1)
  })

  test('an empty list is the default (Segment sends [] for an ARRAY setting never filled in)', () => {
    expect(planFor(order(products), { purchaseEvents: [] }).purchases.length).toBeGreaterThan(0)
  })

  test('other events with products stay custom events', () => {
    const result = planFor(order(products, {}, { event: 'Product Added' }))
    expect(result.purchases).toEqual([])
    expect(result.events).toHaveLength(1)
  })
})
