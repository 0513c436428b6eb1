// The embedded Braze's rules for recommended eCommerce events (src/tools/embedded-braze/ecommerce-rules.ts),
// its array-of-objects operators, and the data points of eCommerce events, checked with
// Braze's own request examples (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/,
// and one from the earlier page it replaced).
import { estimateTrackDataPoints } from '../src/tools/data-points'
import { applyAttributeUpdates } from '../src/tools/embedded-braze/attributes'
import { objectProblems } from '../src/tools/embedded-braze/rules'

const shoe = {
  product_id: 'SKU-RUN-4821',
  product_name: 'Ultraboost Running Shoe',
  variant_id: 'UB-BLK-11',
  image_url: 'https://cdn.example.com/shoes/ub-blk-11.jpg',
  product_url: 'https://www.example.com/products/ultraboost-running-shoe?variant=UB-BLK-11',
  quantity: 1,
  price: 189.99,
  metadata: { color: 'Core Black', size: '11' }
}
const socks = {
  product_id: 'SKU-SOC-1102',
  product_name: 'Performance Running Socks',
  variant_id: 'SOC-WHT-L',
  quantity: 2,
  price: 14.99,
  metadata: { color: 'White', size: 'L' }
}

/** Braze's examples, verbatim (the event objects of their /users/track bodies). */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  'ecommerce.product_viewed': {
    external_id: 'user_98765',
    name: 'ecommerce.product_viewed',
    time: '2026-04-28T14:22:11Z',
    properties: {
      product_id: 'SKU-RUN-4821',
      product_name: 'Ultraboost Running Shoe',
      variant_id: 'UB-BLK-11',
      image_url: 'https://cdn.example.com/shoes/ub-blk-11.jpg',
      product_url: 'https://www.example.com/products/ultraboost-running-shoe?variant=UB-BLK-11',
      price: 189.99,
      currency: 'USD',
      source: 'web',
      type: ['price_drop', 'back_in_stock'],
      metadata: { sku: 'UB-BLK-11-SKU', category: 'Running Shoes', brand: 'Shoe Brand' }
    }
  },
  // This one from the earlier eCommerce events page:
  // https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/ecommerce_events/
  'ecommerce.cart_updated': {
    external_id: 'user_id',
    app_id: 'your_app_identifier',
    name: 'ecommerce.cart_updated',
    time: '2024-01-15T09:15:30Z',
    properties: {
      cart_id: 'cart_12345',
      currency: 'USD',
      total_value: 199.98,
      products: [
        {
          product_id: '8266836345064',
          product_name: 'Classic T-Shirt',
          variant_id: '44610569208040',
          image_url: 'https://braze-apparel.com/images/tshirt-blue-medium.jpg',
          product_url: 'https://braze-apparel.com/products/classic-tshirt?variant=44610569208040',
          quantity: 2,
          price: 99.99,
          metadata: { sku: 'TSH-BLU-M', color: 'BLUE', size: 'Medium', brand: 'Braze' }
        }
      ],
      source: 'https://braze-apparel.com',
      metadata: {}
    }
  },
  'ecommerce.checkout_started': {
    external_id: 'user_98765',
    name: 'ecommerce.checkout_started',
    time: '2026-04-28T14:30:05Z',
    properties: {
      checkout_id: 'chk_88291',
      cart_id: 'cart_abc123',
      total_value: 234.96,
      subtotal_value: 219.97,
      tax: 9.0,
      shipping: 5.99,
      currency: 'USD',
      products: [
        shoe,
        {
          ...socks,
          image_url: 'https://cdn.example.com/socks/soc-wht-l.jpg',
          product_url: 'https://www.example.com/products/performance-running-socks?variant=SOC-WHT-L'
        }
      ],
      source: 'web',
      metadata: { checkout_url: 'https://www.example.com/checkout/chk_88291', checkout_type: 'express' }
    }
  },
  'ecommerce.order_placed': {
    external_id: 'user_abc123',
    name: 'ecommerce.order_placed',
    time: '2026-04-26T14:32:00Z',
    properties: {
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
  },
  'ecommerce.order_cancelled': {
    external_id: 'user_98765',
    name: 'ecommerce.order_cancelled',
    time: '2026-04-28T16:10:00Z',
    properties: {
      order_id: 'ord_77821',
      total_value: 224.96,
      subtotal_value: 209.97,
      tax: 9.0,
      shipping: 5.99,
      currency: 'USD',
      total_discounts: 10.0,
      cancel_reason: 'customer_request',
      products: [{ ...shoe, image_url: undefined, product_url: undefined }, socks].map((item) => JSON.parse(JSON.stringify(item))),
      source: 'web',
      metadata: { order_status_url: 'https://www.example.com/orders/ord_77821/status' }
    }
  },
  'ecommerce.order_refunded': {
    external_id: 'user_98765',
    name: 'ecommerce.order_refunded',
    time: '2026-05-02T11:08:30Z',
    properties: {
      order_id: 'ORD-20260428-7891',
      total_value: 29.98,
      currency: 'USD',
      products: [
        {
          ...socks,
          image_url: 'https://cdn.example.com/socks/soc-wht-l.jpg',
          product_url: 'https://www.example.com/products/performance-running-socks?variant=SOC-WHT-L'
        }
      ],
      source: 'web',
      metadata: { refund_method: 'store_credit', initiated_by: 'customer' }
    }
  }
}

const withProperties = (name: string, change: (properties: Record<string, unknown>) => void) => {
  const event = structuredClone(EXAMPLES[name]!)
  change(event.properties as Record<string, unknown>)
  return event
}

describe("Braze's examples are accepted", () => {
  test.each(Object.keys(EXAMPLES))('%s', (name) => {
    expect(objectProblems('events', EXAMPLES[name])).toEqual([])
  })

  test('cart_updated with action remove needs no total_value (the Web SDK example)', () => {
    const remove = {
      external_id: 'u',
      name: 'ecommerce.cart_updated',
      time: '2026-04-28T14:25:00Z',
      properties: {
        cart_id: 'cart_abc123',
        action: 'remove',
        currency: 'USD',
        source: 'web',
        products: [{ ...socks, quantity: 1, metadata: undefined }]
      }
    }
    expect(objectProblems('events', JSON.parse(JSON.stringify(remove)))).toEqual([])
  })
})

describe('every required property, missing, is reported', () => {
  const required: Array<[string, string]> = [
    ...['product_id', 'product_name', 'variant_id', 'price', 'currency', 'source'].map(
      (key) => ['ecommerce.product_viewed', key] as [string, string]
    ),
    ...['cart_id', 'currency', 'products', 'source', 'total_value'].map((key) => ['ecommerce.cart_updated', key] as [string, string]),
    ...['checkout_id', 'total_value', 'currency', 'products', 'source'].map(
      (key) => ['ecommerce.checkout_started', key] as [string, string]
    ),
    ...['order_id', 'total_value', 'currency', 'products', 'source'].map((key) => ['ecommerce.order_placed', key] as [string, string]),
    ...['order_id', 'total_value', 'currency', 'cancel_reason', 'products', 'source'].map(
      (key) => ['ecommerce.order_cancelled', key] as [string, string]
    ),
    ...['order_id', 'total_value', 'currency', 'products', 'source'].map((key) => ['ecommerce.order_refunded', key] as [string, string])
  ]
  test.each(required)('%s without %s', (name, key) => {
    const problems = objectProblems(
      'events',
      withProperties(name, (properties) => delete properties[key])
    )
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^'${key}' is required`)))
  })

  test.each(['product_id', 'product_name', 'variant_id', 'quantity', 'price'])('a product without %s', (key) => {
    const event = withProperties(
      'ecommerce.order_placed',
      (properties) => delete (properties.products as Record<string, unknown>[])[0]![key]
    )
    expect(objectProblems('events', event)).toEqual([`'products[0].${key}' is required`])
  })
})

describe('what else Braze validates', () => {
  test.each<[string, string, (properties: Record<string, unknown>) => void, string]>([
    [
      'an extra top-level property',
      'ecommerce.order_placed',
      (p) => (p.coupon = 'SPRING10'),
      "'coupon' is not a property of this event: custom properties belong in 'metadata'"
    ],
    [
      'an extra product property',
      'ecommerce.order_placed',
      (p) => ((p.products as Record<string, unknown>[])[0]!.color = 'black'),
      "'products[0].color' is not a property of this event: custom properties belong in 'metadata'"
    ],
    [
      'a property of another event (order_refunded lists no tax)',
      'ecommerce.order_refunded',
      (p) => (p.tax = 1),
      "'tax' is not a property of this event: custom properties belong in 'metadata'"
    ],
    ['total_value as text', 'ecommerce.order_placed', (p) => (p.total_value = '84.99'), "'total_value' must be a number"],
    ['a negative total_value', 'ecommerce.order_refunded', (p) => (p.total_value = -29.98), "'total_value' must be >= 0"],
    [
      'a negative product price',
      'ecommerce.order_placed',
      (p) => ((p.products as Record<string, unknown>[])[0]!.price = -1),
      "'products[0].price' must be >= 0"
    ],
    [
      'a fractional quantity',
      'ecommerce.order_placed',
      (p) => ((p.products as Record<string, unknown>[])[0]!.quantity = 1.5),
      "'products[0].quantity' must be an integer"
    ],
    ['a lower-case currency', 'ecommerce.order_placed', (p) => (p.currency = 'usd'), "'currency' must be an ISO 4217 currency"],
    ['a currency that does not exist', 'ecommerce.product_viewed', (p) => (p.currency = 'ABC'), "'currency' must be an ISO 4217 currency"],
    ['an empty products list', 'ecommerce.checkout_started', (p) => (p.products = []), "'products' must not be empty"],
    ['products that is not a list', 'ecommerce.checkout_started', (p) => (p.products = {}), "'products' must be an array"],
    ['metadata that is not an object', 'ecommerce.order_placed', (p) => (p.metadata = 'gift'), "'metadata' must be an object"],
    ['an unknown cart action', 'ecommerce.cart_updated', (p) => (p.action = 'clear'), "'action' must be add, remove or replace"],
    [
      'replace without total_value',
      'ecommerce.cart_updated',
      (p) => {
        p.action = 'replace'
        delete p.total_value
      },
      "'total_value' is required when 'action' is omitted or replace"
    ],
    [
      'an unknown product_viewed type',
      'ecommerce.product_viewed',
      (p) => (p.type = ['sale']),
      "'type' accepts only price_drop and back_in_stock"
    ]
  ])('%s', (_name, event, change, problem) => {
    expect(objectProblems('events', withProperties(event, change))).toEqual([problem])
  })

  test.each(['VED', 'XAU', 'CHE'])("%s, an ISO 4217 code Node 20's ICU lacks, is a currency, as the function takes it", (code) => {
    expect(
      objectProblems(
        'events',
        withProperties('ecommerce.order_placed', (p) => (p.currency = code))
      )
    ).toEqual([])
  })

  test('a name that is not exactly one of the six is an ordinary custom event: no schema', () => {
    expect(
      objectProblems('events', {
        external_id: 'u',
        name: 'ecommerce.Order_Placed',
        time: '2026-04-26T14:32:00Z',
        properties: { anything: 1 }
      })
    ).toEqual([])
  })

  test('event properties may reach 100 KB; purchase properties 50 KB', () => {
    const blob = (bytes: number) => ({ blob: 'x'.repeat(bytes - '{"blob":""}'.length) })
    const event = { external_id: 'u', name: 'Big', time: '2026-04-26T14:32:00Z' }
    const purchase = { external_id: 'u', product_id: 'p', currency: 'USD', price: 1, time: '2026-04-26T14:32:00Z' }
    expect(objectProblems('events', { ...event, properties: blob(100 * 1024) })).toEqual([])
    expect(objectProblems('events', { ...event, properties: blob(100 * 1024 + 1) })).toEqual([
      'properties are larger than 100 KB (102401 bytes)'
    ])
    expect(objectProblems('purchases', { ...purchase, properties: blob(50 * 1024) })).toEqual([])
    expect(objectProblems('purchases', { ...purchase, properties: blob(50 * 1024 + 1) })).toEqual([
      'properties are larger than 50 KB (51201 bytes)'
    ])
  })
})

describe('data points: "eCommerce events don\'t consume data points"', () => {
  test('the six recommended events cost 0; a custom event 1 + 1 per property', () => {
    const events = Object.values(EXAMPLES)
    expect(estimateTrackDataPoints({ events })).toEqual({ attributes: 0, events: 0, purchases: 0, total: 0 })
    expect(
      estimateTrackDataPoints({
        events: [...events, { external_id: 'u', name: 'Order Placed', time: '2026-04-26T14:32:00Z', properties: { a: 1, b: 2 } }]
      }).events
    ).toBe(3)
  })
})

describe('array-of-objects operators in the embedded Braze', () => {
  const pets = [
    { id: 1, type: 'dog', name: 'Gus' },
    { id: 2, type: 'cat', name: 'Mittens' },
    { id: 3, type: 'dog', name: 'Rex' }
  ]

  test.each<[string, Record<string, unknown>, unknown[]]>([
    ['$add appends', { $add: [{ id: 4, type: 'fish' }] }, [...pets, { id: 4, type: 'fish' }]],
    [
      '$remove drops every match ("all matching objects will be removed")',
      { $remove: [{ $identifier_key: 'type', $identifier_value: 'dog' }] },
      [pets[1]]
    ],
    [
      '$update merges $new_object into the match',
      { $update: [{ $identifier_key: 'id', $identifier_value: 2, $new_object: { name: 'Kitty', age: 3 } }] },
      [pets[0], { id: 2, type: 'cat', name: 'Kitty', age: 3 }, pets[2]]
    ],
    [
      "in Braze's order: $add, then $remove, then $update",
      {
        $update: [{ $identifier_key: 'id', $identifier_value: 4, $new_object: { name: 'Nemo' } }],
        $remove: [{ $identifier_key: 'id', $identifier_value: 1 }],
        $add: [{ id: 4, type: 'fish' }]
      },
      [pets[1], pets[2], { id: 4, type: 'fish', name: 'Nemo' }]
    ]
  ])('%s', (_name, update, expected) => {
    expect(applyAttributeUpdates({ pets }, { pets: update }, true)).toEqual({ pets: expected })
  })

  test('$update without _merge_objects: "your objects will be overwritten" (the match becomes $new_object)', () => {
    const update = { $update: [{ $identifier_key: 'id', $identifier_value: 2, $new_object: { id: 2, name: 'Kitty' } }] }
    expect(objectProblems('attributes', { external_id: 'u', pets: update })).toEqual([])
    expect(applyAttributeUpdates({ pets }, { pets: update })).toEqual({ pets: [pets[0], { id: 2, name: 'Kitty' }, pets[2]] })
  })

  test.each<[string, Record<string, unknown>, string]>([
    [
      '$remove without an identifier',
      { external_id: 'u', pets: { $remove: [{ id: 1 }] } },
      "attribute 'pets' $remove items need $identifier_key and $identifier_value"
    ],
    ['$add of strings', { external_id: 'u', pets: { $add: ['dog'] } }, "attribute 'pets' $add must be an array of objects"]
  ])('the rules refuse %s', (_name, attributes, problem) => {
    expect(objectProblems('attributes', attributes)).toEqual([problem])
  })
})

test('a line of quantity 0 is valid: "Non-negative integer" (https://www.braze.com/docs/developer_guide/analytics/logging_ecommerce_events/); a negative one is not', () => {
  const cart = (quantity: number) => ({
    external_id: 'u1',
    name: 'ecommerce.cart_updated',
    time: '2024-05-01T10:00:00.000Z',
    properties: {
      cart_id: 'c1',
      action: 'replace',
      total_value: 0,
      currency: 'USD',
      source: 'web',
      products: [{ product_id: 'p1', product_name: 'Thing', variant_id: 'p1', quantity, price: 20 }]
    }
  })
  expect(objectProblems('events', cart(0))).toEqual([])
  expect(objectProblems('events', cart(-1))).toEqual(["'products[0].quantity' must be >= 0"])
})
