// Small Segment event builders. Times are fixed so Braze bodies are deterministic.
export const T0 = Date.parse('2024-05-01T10:00:00.000Z')

/** ISO timestamp `seconds` after T0. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString()

type Extra = Record<string, unknown>

export function identify(userId: string | undefined, traits: Extra = {}, extra: Extra = {}): Extra {
  return {
    type: 'identify',
    ...(userId === undefined ? {} : { userId }),
    traits,
    timestamp: at(0),
    messageId: `m-${Math.random()}`,
    ...extra
  }
}

export function track(userId: string | undefined, event: string | undefined, properties: Extra = {}, extra: Extra = {}): Extra {
  return {
    type: 'track',
    ...(userId === undefined ? {} : { userId }),
    ...(event === undefined ? {} : { event }),
    properties,
    timestamp: at(0),
    ...extra
  }
}

export interface Product {
  product_id?: string
  sku?: string
  name?: string
  price?: number | string
  quantity?: number
  currency?: string
  [key: string]: unknown
}

export function orderCompleted(userId: string, products: Product[], properties: Extra = {}, extra: Extra = {}): Extra {
  return track(userId, 'Order Completed', { order_id: `order-${userId}`, currency: 'USD', ...properties, products }, extra)
}

export function page(userId: string, name?: string, category?: string, extra: Extra = {}): Extra {
  return { type: 'page', userId, ...(name ? { name } : {}), ...(category ? { category } : {}), properties: {}, timestamp: at(0), ...extra }
}

export function screen(userId: string, name?: string, extra: Extra = {}): Extra {
  return { type: 'screen', userId, ...(name ? { name } : {}), properties: {}, timestamp: at(0), ...extra }
}

export function group(userId: string, groupId: string, extra: Extra = {}): Extra {
  return { type: 'group', userId, groupId, traits: {}, timestamp: at(0), ...extra }
}

export function alias(userId: string, previousId: string, extra: Extra = {}): Extra {
  return { type: 'alias', userId, previousId, timestamp: at(0), ...extra }
}

/** What Segment sends to onDelete: note `context` and `integrations` are arrays. */
export function deletion(userId: string, extra: Extra = {}): Extra {
  return { type: 'delete', userId, messageId: `del-${userId}`, context: [], integrations: [], ...extra }
}

export interface MixedBatch {
  events: Extra[]
  /** Input indexes of the events whose objects a /users/track body carries (attributes → every identify/group of that user). */
  eventsBehind(body: any): number[]
  /** The user's attribute-producing events, by external_id. */
  attributeEvents: Map<string, number[]>
  counts: { identifies: number; groups: number; tracks: number; orders: number; pages: number; products: number; attributeUsers: number }
}

/**
 * `size` events cycling identify, track, Order Completed, page, group over
 * `users` users. Every event object carries `properties.n` = its input index;
 * identifies have shuffled timestamps so time order differs from input order.
 */
export function mixedBatch(size = 400, users = 60): MixedBatch {
  const events: Extra[] = []
  const attributeEvents = new Map<string, number[]>()
  const counts = { identifies: 0, groups: 0, tracks: 0, orders: 0, pages: 0, products: 0, attributeUsers: 0 }
  const remember = (userId: string, index: number) => {
    if (!attributeEvents.has(userId)) attributeEvents.set(userId, [])
    attributeEvents.get(userId)!.push(index)
  }
  for (let i = 0; i < size; i++) {
    const userId = `user-${Math.floor(i / 3) % users}`
    const when = { timestamp: at(i), messageId: `msg-${i}` }
    switch (i % 5) {
      case 0:
        counts.identifies++
        remember(userId, i)
        events.push(
          identify(userId, { plan: `plan-${i}`, seen_at_step: i, [`only_${i}`]: true }, { ...when, timestamp: at((i * 37) % size) })
        )
        break
      case 1:
        counts.tracks++
        events.push(track(userId, 'Viewed Item', { n: i, item: `item-${i % 7}` }, when))
        break
      case 2: {
        counts.orders++
        const products = Array.from({ length: 1 + (i % 3) }, (_, k) => ({ product_id: `p-${i}-${k}`, price: 10 + k, quantity: 1 + k }))
        counts.products += products.length
        events.push(orderCompleted(userId, products, { n: i, order_id: `order-${i}` }, when))
        break
      }
      case 3:
        counts.pages++
        events.push(page(userId, 'Pricing', 'Docs', { ...when, properties: { n: i } }))
        break
      default:
        counts.groups++
        remember(userId, i)
        events.push(group(userId, `g${i % 4}`, when))
    }
  }
  counts.attributeUsers = attributeEvents.size
  const eventsBehind = (body: any): number[] => {
    const found = new Set<number>()
    for (const object of [...(body?.events ?? []), ...(body?.purchases ?? [])]) found.add(object.properties.n)
    for (const object of body?.attributes ?? []) for (const index of attributeEvents.get(object.external_id) ?? []) found.add(index)
    return [...found].sort((a, b) => a - b)
  }
  return { events, eventsBehind, attributeEvents, counts }
}

export function lowerBoundOf(a: number, e: number, p: number, combined: number): number {
  return Math.max(Math.ceil(a / 75), Math.ceil(e / 75), Math.ceil(p / 75), Math.ceil((a + e + p) / combined))
}
