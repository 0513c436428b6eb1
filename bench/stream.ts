// A deterministic, Engage-heavy Segment stream, cut into batches as Segment
// would deliver them to onBatch:
// - Engage audience entries/exits: an identify carrying the membership trait
//   and the "Audience Entered"/"Audience Exited" track Engage sends with it;
// - Engage computed traits (identify, computation_class "trait");
// - plain identifies (profile traits), plain tracks, and "Order Completed"
//   with 1–3 products.
// Activity is skewed (a few users are very active) and Engage computations
// touch one user several times in a row, as an audience run does.
import { Rng } from './prng'

export interface StreamOptions {
  seed: number
  users: number
  events: number
  batchSize: number
}

export const BENCH_STREAM: StreamOptions = { seed: 20240501, users: 2000, events: 10_000, batchSize: 400 }

export const BENCH_SETTINGS = {
  apiKey: 'bench-rest-api-key-0000',
  dataCenter: 'US-03',
  audienceAttribute: 'segment_audiences'
}

const AUDIENCES = [
  'high_value_customers',
  'cart_abandoners',
  'churn_risk',
  'newsletter_engaged',
  'recent_purchasers',
  'browsed_shoes_7d',
  'vip_tier',
  'lapsed_30d',
  'app_power_users',
  'discount_seekers',
  'loyalty_members',
  'winback_targets'
]
const TRAITS: Array<[string, (rng: Rng) => unknown]> = [
  ['lifetime_value', (rng) => Math.round(rng.next() * 500000) / 100],
  ['orders_count', (rng) => rng.int(60)],
  ['last_product_viewed_item', (rng) => `sku-${rng.int(900) + 100}`],
  ['favorite_category', (rng) => rng.pick(['shoes', 'outdoor', 'kitchen', 'books', 'toys'])],
  ['predicted_churn_score', (rng) => Math.round(rng.next() * 1000) / 1000],
  ['days_since_last_order', (rng) => rng.int(365)]
]
const TRACKS = ['Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started', 'Signed In']
const PLANS = ['free', 'basic', 'pro', 'enterprise']
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Donald']
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Knuth']

type Event = Record<string, unknown>

export function generateEvents(options: StreamOptions = BENCH_STREAM): Event[] {
  const rng = new Rng(options.seed)
  const start = Date.parse('2024-05-01T00:00:00Z')
  const events: Event[] = []
  let lastEngageUser = 0
  let seq = 0
  const user = () => Math.floor(options.users * rng.next() ** 2.5)
  const base = (type: string, userIndex: number): Event => {
    seq++
    // Mostly in order, sometimes a little late: merging must follow timestamps, not arrival.
    const at = start + seq * 150 - (rng.chance(0.1) ? rng.int(5000) : 0)
    const timestamp = new Date(at).toISOString()
    return {
      type,
      messageId: `bench-${options.seed}-${seq}`,
      userId: `user_${userIndex}`,
      anonymousId: `anon-${userIndex}`,
      timestamp,
      originalTimestamp: timestamp,
      receivedAt: new Date(at + 40).toISOString(),
      context: { library: { name: 'analytics.js', version: '5.2.0' } }
    }
  }
  const engageUser = () => (rng.chance(0.45) ? lastEngageUser : (lastEngageUser = user()))

  while (events.length < options.events) {
    const roll = rng.next()
    if (roll < 0.34) {
      const u = engageUser()
      const audience = rng.pick(AUDIENCES)
      const member = rng.chance(0.6)
      const personas = {
        computation_class: 'audience',
        computation_key: audience,
        computation_id: `aud_${audience}`,
        space_id: 'spa_bench'
      }
      events.push({ ...base('identify', u), traits: { [audience]: member }, context: { personas } })
      events.push({
        ...base('track', u),
        event: member ? 'Audience Entered' : 'Audience Exited',
        properties: { audience_key: audience, [audience]: member },
        context: { personas }
      })
    } else if (roll < 0.6) {
      const u = engageUser()
      const [key, value] = rng.pick(TRAITS)
      const personas = { computation_class: 'trait', computation_key: key, computation_id: `trait_${key}`, space_id: 'spa_bench' }
      events.push({ ...base('identify', u), traits: { [key]: value(rng) }, context: { personas } })
    } else if (roll < 0.7) {
      const u = user()
      events.push({
        ...base('identify', u),
        traits: {
          firstName: rng.pick(FIRST),
          lastName: rng.pick(LAST),
          email: `user_${u}@example.com`,
          plan: rng.pick(PLANS),
          logins: rng.int(500),
          address: { city: 'Berlin', country: 'DE' }
        }
      })
    } else if (roll < 0.94) {
      const u = user()
      const event = rng.pick(TRACKS)
      events.push({ ...base('track', u), event, properties: trackProperties(rng, event, u) })
    } else {
      const u = user()
      const count = 1 + rng.int(3)
      const products = Array.from({ length: count }, () => ({
        product_id: `sku-${rng.int(900) + 100}`,
        name: 'Thing',
        price: (rng.int(20000) + 99) / 100,
        quantity: 1 + rng.int(3),
        category: rng.pick(['shoes', 'outdoor', 'kitchen'])
      }))
      events.push({
        ...base('track', u),
        event: 'Order Completed',
        properties: {
          order_id: `ord-${seq}`,
          currency: 'EUR',
          revenue: products.reduce((sum, p) => sum + p.price * p.quantity, 0),
          products
        }
      })
    }
  }
  return events.slice(0, options.events)
}

/** Properties as Segment's eCommerce spec v2 has them (https://segment.com/docs/connections/spec/ecommerce/v2/). */
function trackProperties(rng: Rng, event: string, u: number): Record<string, unknown> {
  const product = {
    product_id: `sku-${rng.int(900) + 100}`,
    name: 'Thing',
    price: (rng.int(20000) + 99) / 100,
    category: rng.pick(['shoes', 'outdoor', 'kitchen'])
  }
  switch (event) {
    case 'Product Viewed':
      return { ...product, currency: 'EUR' }
    case 'Product Added':
      return { cart_id: `cart-${u}`, ...product, quantity: 1 + rng.int(3), currency: 'EUR' }
    case 'Checkout Started':
      return { order_id: `ord-${u}-${rng.int(1000)}`, value: product.price, currency: 'EUR', products: [{ ...product, quantity: 1 }] }
    case 'Products Searched':
      return { query: rng.pick(['shoes', 'tent', 'pan']) }
    default:
      return {}
  }
}

let deliveries = 0

/**
 * The events as a new delivery, with fresh messageIds. The function remembers
 * per messageId what Braze accepted (src/destination/delivery-memory.ts) and
 * sends nothing again for a redelivery: a benchmark that sends the same events
 * twice would time that instead.
 */
export function freshIds(events: readonly unknown[]): Array<Record<string, unknown>> {
  const delivery = ++deliveries
  return events.map((event) => {
    const fields = event as Record<string, unknown>
    return { ...fields, messageId: `${String(fields.messageId)}~${delivery}` }
  })
}

export function inBatches<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Single events of each kind the mapping benchmark times. */
export const SAMPLE_EVENTS = {
  engageIdentify: {
    type: 'identify',
    messageId: 'sample-1',
    userId: 'user_42',
    timestamp: '2024-05-01T10:00:00.000Z',
    traits: { high_value_customers: true },
    context: {
      personas: { computation_class: 'audience', computation_key: 'high_value_customers', computation_id: 'aud_1', space_id: 'spa_1' }
    }
  },
  plainTrack: {
    type: 'track',
    messageId: 'sample-2',
    userId: 'user_42',
    event: 'Product Viewed',
    timestamp: '2024-05-01T10:00:01.000Z',
    properties: { product_id: 'sku-123', category: 'shoes', price: 79.5, currency: 'EUR' }
  },
  orderCompleted: {
    type: 'track',
    messageId: 'sample-3',
    userId: 'user_42',
    event: 'Order Completed',
    timestamp: '2024-05-01T10:00:02.000Z',
    properties: {
      order_id: 'ord-1',
      revenue: 187.4,
      currency: 'EUR',
      products: [
        { product_id: 'sku-1', name: 'Trail shoe', price: 129.9, quantity: 1, category: 'shoes' },
        { product_id: 'sku-2', name: 'Sock', price: 9.5, quantity: 3, category: 'shoes' },
        { product_id: 'sku-3', name: 'Laces', price: 29, quantity: 1, category: 'shoes' }
      ]
    }
  }
} as const
