// Segment eCommerce spec v2 events → Braze's recommended eCommerce events.
// Braze validates these against a strict schema: the properties it requires,
// typed; nothing else at the top level ("Put all custom properties inside the
// event-level metadata object or the product-level metadata object");
// monetary fields ≥ 0; an ISO 4217 currency; products with product_id,
// product_name, variant_id, quantity and price. An invalid event "is dropped
// entirely", so anything we cannot complete is a named Problem here instead.
// https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/
// Segment's side: https://segment.com/docs/connections/spec/ecommerce/v2/
import { MAX_STRING_LENGTH } from './braze-limits'
import type { JsonObject, JsonValue } from './braze-types'
import { problem, type Problem } from './errors'
import { currencyCode } from './currencies'
import { convertProperties, sizeProblem } from './event-properties'
import { dict, field, isAbsent, isDict, nonBlank, path, type Dict, type SegmentEvent } from './segment-event'
import { cutString, productQuantity, toBrazeValue, toNumber } from './values'

type RecommendedEvent = 'product_viewed' | 'cart_updated' | 'checkout_started' | 'order_placed' | 'order_refunded' | 'order_cancelled'
export interface EcommerceRoute {
  event: RecommendedEvent
  action?: 'add' | 'remove'
}

/**
 * Segment's event names, matched trimmed and case-insensitively. Cart Viewed
 * is left out on purpose (it stays a custom event): as a cart_updated it
 * could only be `replace`, the full cart, while Product Added/Removed already
 * keep the same cart_id with add/remove, and Braze warns "Mixing both
 * approaches for the same cart_id is not recommended". Segment's Cart Viewed
 * also has no total to replace a cart with.
 */
const ROUTES = new Map<string, EcommerceRoute>([
  ['product viewed', { event: 'product_viewed' }],
  ['product added', { event: 'cart_updated', action: 'add' }],
  ['product removed', { event: 'cart_updated', action: 'remove' }],
  ['checkout started', { event: 'checkout_started' }],
  ['order completed', { event: 'order_placed' }],
  ['order refunded', { event: 'order_refunded' }],
  ['order cancelled', { event: 'order_cancelled' }],
  // The older names the v2 spec aliases to these ("The `Order Completed` event is aliased to the `Completed Order` event").
  ['viewed product', { event: 'product_viewed' }],
  ['added product', { event: 'cart_updated', action: 'add' }],
  ['removed product', { event: 'cart_updated', action: 'remove' }],
  ['started order', { event: 'checkout_started' }],
  ['completed order', { event: 'order_placed' }]
])

export function ecommerceRoute(eventName: string): EcommerceRoute | undefined {
  return ROUTES.get(eventName.trim().toLowerCase())
}

/** The product of a refund that names none (Segment's Order Refunded may carry only an order_id and a total). */
const ORDER_LEVEL_REFUND = { product_id: 'order', product_name: 'Order-level refund', variant_id: 'order', quantity: 1 }

/** The event's own id: Braze's field and the Segment properties it may come from, in order. */
const ID_FIELDS: Partial<Record<RecommendedEvent, [string, string[]]>> = {
  cart_updated: ['cart_id', ['cart_id']],
  // Segment's Checkout Started example has no checkout_id, only the order_id the checkout will become.
  checkout_started: ['checkout_id', ['checkout_id', 'order_id']],
  order_placed: ['order_id', ['order_id']],
  order_refunded: ['order_id', ['order_id']],
  order_cancelled: ['order_id', ['order_id']]
}

/**
 * Braze's total_value is what the order came to: "Total Revenue = sum
 * (order_placed.total_value)", and its example's 224.96 is subtotal + tax +
 * shipping. Segment's `total` is "Subtotal ($) with shipping and taxes added
 * in". Checkout Started's `value` is "Revenue ($) with discounts and coupons
 * added in", and holds them too in Segment's example (value 30 = revenue 25 +
 * shipping 3 + tax 2); `revenue` ("excluding shipping and taxes") and
 * `subtotal` ("before taxes and shipping") need them added.
 */
const TOTAL_SOURCES = ['total', 'value', 'total_value']
const BEFORE_SHIPPING_AND_TAX = ['revenue', 'subtotal']
/** Optional order-level fields each event's schema lists (others would fail validation as extra properties), with their Segment sources. */
const OPTIONAL_MONEY: Record<string, string[]> = {
  subtotal_value: ['subtotal', 'subtotal_value'],
  tax: ['tax'],
  shipping: ['shipping'],
  total_discounts: ['discount', 'total_discounts']
}
const OPTIONAL_FIELDS: Record<RecommendedEvent, string[]> = {
  product_viewed: [],
  cart_updated: ['subtotal_value', 'tax', 'shipping'],
  checkout_started: ['cart_id', 'subtotal_value', 'tax', 'shipping'],
  order_placed: ['cart_id', 'subtotal_value', 'tax', 'shipping', 'total_discounts', 'discounts'],
  order_cancelled: ['subtotal_value', 'tax', 'shipping', 'total_discounts', 'discounts'],
  order_refunded: ['total_discounts', 'discounts']
}
const DEFAULT_CANCEL_REASON = 'unspecified'
const VIEW_TYPES = new Set(['price_drop', 'back_in_stock'])

type Reader = (value: unknown) => JsonValue | undefined

const readId: Reader = (value) => {
  const id = nonBlank(value)
  return id !== undefined && id.length <= MAX_STRING_LENGTH ? id : undefined
}
const readUrl: Reader = (value) =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_STRING_LENGTH ? value : undefined
const readMoney: Reader = (value) => {
  const amount = toNumber(value)
  return amount !== undefined && amount >= 0 ? amount : undefined
}
/** Refunds and cancellations: "Must be ≥ 0 — send the absolute amount." */
const readAbsoluteMoney: Reader = (value) => {
  const amount = toNumber(value)
  return amount === undefined ? undefined : Math.abs(amount)
}
const readViewTypes: Reader = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((type) => VIEW_TYPES.has(type as string)) ? (value as string[]) : undefined
/** Shape only: the items are converted with the event's warnings where they are taken. */
const readObjects: Reader = (value) => (Array.isArray(value) && value.length > 0 && value.every(isDict) ? (value as JsonValue) : undefined)

/** Reads Braze fields from a Segment object, remembering which keys it used: the rest is metadata. */
class Fields {
  readonly used = new Set<string>()
  constructor(
    readonly source: Dict,
    readonly warnings: string[]
  ) {}

  /** The first key whose value `read` accepts; a value it refuses stays in metadata. */
  take(keys: readonly string[], read: Reader): JsonValue | undefined {
    for (const key of keys) {
      const value = read(field(this.source, key))
      if (value !== undefined) {
        this.used.add(key)
        return value
      }
    }
    return undefined
  }

  text(keys: readonly string[], label: string): string | undefined {
    const value = this.take(keys, (raw) => nonBlank(raw))
    return value === undefined ? undefined : cutString(value as string, { warnings: this.warnings, label, mode: 'property' })
  }

  /** What no field took; a `metadata` object of the sender's own is Braze's metadata already, so it is merged in, not nested. */
  metadata(): JsonObject | undefined {
    const given = dict(field(this.source, 'metadata'))
    if (given) this.used.add('metadata')
    const rest = convertProperties(this.source, this.warnings, this.used)
    const own = given && convertProperties(given, this.warnings)
    return rest || own ? { ...rest, ...own } : undefined
  }
}

/** A product as Braze's schema has it, or why it can't be one. */
function product(fields: Fields, withQuantity: boolean, money: Reader, refund = false): JsonObject | string {
  const out: JsonObject = {}
  const productId = fields.take(['product_id', 'sku', 'id'], readId)
  if (productId === undefined) return 'it has no product_id, sku or id'
  // Braze requires a product_name; a product without one keeps its order (and its revenue) under its id.
  let name = fields.text(['name', 'product_name'], 'product name')
  if (name === undefined) {
    name = String(productId)
    fields.warnings.push(`a product without a name was sent with product_name "${name.slice(0, 64)}", its id.`)
  }
  out.product_id = productId
  out.product_name = name
  // Segment's `variant` first, as Segment's own Braze (Actions) destination maps it (its ecommerce fields.ts,
  // https://github.com/segmentio/action-destinations/tree/main/packages/destination-actions/src/destinations/braze):
  // Braze's own examples keep the SKU apart from variant_id, in metadata.
  out.variant_id = fields.take(['variant', 'variant_id', 'sku', 'product_id', 'id'], readId)!
  if (withQuantity) {
    const given = field(fields.source, 'quantity')
    // A refund's or cancellation's units are often sent negative, as its amounts are: they count as units all the same.
    const units = refund ? toNumber(given) : undefined
    const quantity = productQuantity(units !== undefined ? Math.abs(units) : given)
    if (quantity === undefined) return 'its quantity is not a whole number of at least 1'
    if (given !== undefined && given !== null) fields.used.add('quantity')
    out.quantity = quantity
  }
  const price = fields.take(['price'], money)
  if (price === undefined) return 'it has no price (a number of at least 0)'
  out.price = price
  const image = fields.take(['image_url'], readUrl)
  const url = fields.take(['url', 'product_url'], readUrl)
  if (image !== undefined) out.image_url = image
  if (url !== undefined) out.product_url = url
  const metadata = fields.metadata()
  if (metadata) out.metadata = metadata
  return out
}

/**
 * Braze's required `source` ("Source the event originates from (for example,
 * web, ios, or android)"): properties.source, else what the event says of itself.
 */
function eventSource(event: SegmentEvent): string {
  const library = String(path(event, 'context', 'library', 'name') ?? '').toLowerCase()
  const os = String(path(event, 'context', 'os', 'name') ?? '').toLowerCase()
  if (field(event, 'channel') === 'browser' || /analytics[.-]?js|analytics-next/.test(library)) return 'web'
  if (/ios|iphone|ipad/.test(os)) return 'ios'
  if (os.includes('android')) return 'android'
  return 'server'
}

export interface EcommerceInput {
  route: EcommerceRoute
  /** The Segment event name, for messages. */
  name: string
  properties: Dict
  event: SegmentEvent
}

/** One spec event → the Braze event's name and properties, or why Braze would refuse it. */
export function mapEcommerce(
  { route, name, properties, event }: EcommerceInput,
  warnings: string[]
): { name: string; properties: JsonObject } | Problem {
  const braze = `ecommerce.${route.event}`
  const needs = (what: string) =>
    problem(
      'InvalidEventPayload',
      `"${name.slice(0, 64)}" cannot become Braze's ${braze}: it needs ${what} (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/). ` +
        'With the ecommerceMode setting "purchases", Segment\'s eCommerce events go as custom events and legacy purchases instead.'
    )
  const fields = new Fields(properties, warnings)
  const out: JsonObject = {}

  const idField = ID_FIELDS[route.event]
  if (idField) {
    const [key, sources] = idField
    const id = fields.take(sources, readId)
    if (id === undefined) return needs(`${sources.map((source) => `properties.${source}`).join(' or ')} for ${key}`)
    out[key] = id
  }
  if (route.action) out.action = route.action

  // An order that names no currency takes its products' one, as its purchases do (purchases.ts); Segment's
  // Product Added/Removed have none at all: USD, as for purchases.
  const rawCurrency = field(properties, 'currency') ?? productsCurrency(properties, braze, warnings)
  const currency = currencyCode(rawCurrency)
  if (currency === undefined)
    return needs(`an ISO 4217 currency code in properties.currency, not ${JSON.stringify(rawCurrency).slice(0, 20)}`)
  fields.used.add('currency')
  out.currency = currency
  out.source = fields.text(['source'], 'property "source"') ?? eventSource(event)

  if (route.event === 'product_viewed') {
    const types = fields.take(['type'], readViewTypes)
    if (types !== undefined) out.type = types
    // The product's fields are the event's own, and so is its metadata.
    const viewed = product(fields, false, readMoney)
    if (typeof viewed === 'string') return needs(`a product: ${viewed}`)
    return finish(braze, Object.assign(out, viewed), warnings)
  }

  if (route.event === 'cart_updated') {
    // The cart's own amounts first: the product takes what is left.
    for (const key of OPTIONAL_FIELDS.cart_updated) {
      const value = fields.take(OPTIONAL_MONEY[key]!, readMoney)
      if (value !== undefined) out[key] = value
    }
    // Segment's Product Added/Removed describe one product with top-level properties.
    const line = product(fields, true, readMoney)
    if (typeof line === 'string') return needs(`a product in its properties: ${line}`)
    // Braze "decreases the line quantity", so a removal without one takes a single unit off the line.
    if (route.action === 'remove' && !fields.used.has('quantity'))
      warnings.push(`${braze} removes 1 unit: "${name.slice(0, 64)}" has no quantity.`)
    out.products = [line]
    return finish(braze, out, warnings)
  }

  fields.used.add('products')
  const given = field(properties, 'products')
  // One product object where the spec has a list: read as a list of one, not lost.
  const list = isDict(given) ? [given] : given
  if (isDict(given)) warnings.push(`${braze}: properties.products is one product, not a list; it was sent as a list of one.`)
  else if (given !== undefined && given !== null && !Array.isArray(given))
    warnings.push(`properties.products was left out of ${braze}: it is not a list of products.`)
  const refund = route.event === 'order_refunded' || route.event === 'order_cancelled'
  const money = refund ? readAbsoluteMoney : readMoney
  // Shipping and tax count towards a total computed here; they stay fields or metadata as the schema has them.
  const shippingAndTax = ['shipping', 'tax'].reduce((all, key) => all + ((money(field(properties, key)) as number | undefined) ?? 0), 0)
  let total = fields.take(TOTAL_SOURCES, money) as number | undefined
  for (const key of total === undefined ? BEFORE_SHIPPING_AND_TAX : []) {
    const base = fields.take([key], money) as number | undefined
    if (base === undefined) continue
    total = roundMoney(base + shippingAndTax)
    if (shippingAndTax > 0) warnings.push(`${braze} total_value is ${key} + shipping + tax: the event has no total or value.`)
    break
  }
  const products: JsonObject[] = []
  if (route.event === 'order_refunded' && (!Array.isArray(list) || list.length === 0) && total !== undefined) {
    // Segment's Order Refunded needs only an order_id; for a refund of no particular product an earlier version
    // of Braze's order_refunded table said "provide a generalized product_id" (the current one,
    // https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/, says nothing of it).
    products.push({ ...ORDER_LEVEL_REFUND, price: total })
  } else {
    if (!Array.isArray(list) || list.length === 0)
      return needs(
        `a non-empty properties.products list${route.event === 'order_refunded' ? ' (or a total, for a refund of the whole order)' : ''}`
      )
    const reasons: string[] = []
    list.forEach((raw, index) => {
      const item = dict(raw)
      const mapped = item ? product(new Fields(item, warnings), true, money, refund) : 'it is not an object'
      if (typeof mapped !== 'string') products.push(mapped)
      else {
        reasons.push(`product ${index + 1}: ${mapped}`)
        warnings.push(`product ${index + 1} was left out of ${braze}: ${mapped}.`)
      }
    })
    if (products.length === 0 && route.event === 'order_refunded' && total !== undefined) {
      products.push({ ...ORDER_LEVEL_REFUND, price: total })
      warnings.push(`${braze} was sent as a refund of the whole order's total: no product of it could be read.`)
    } else if (products.length === 0) return needs(`at least one valid product (${reasons.slice(0, 3).join('; ')})`)
  }
  out.products = products

  if (total !== undefined) out.total_value = total
  else {
    // Documented fallback: the products' own value rather than dropping the order.
    const sum = products.reduce((all, item) => all + (item.price as number) * (item.quantity as number), 0)
    const discount =
      OPTIONAL_MONEY.total_discounts!.map((key) => money(field(properties, key)) as number | undefined).find(
        (amount) => amount !== undefined
      ) ?? 0
    out.total_value = roundMoney(Math.max(0, sum - discount + shippingAndTax))
    warnings.push(
      `${braze} total_value is the products' price × quantity${discount > 0 ? ' − discount' : ''}${shippingAndTax > 0 ? ' + shipping + tax' : ''}: the event has no total, value, revenue or subtotal.`
    )
  }
  if (route.event === 'order_cancelled')
    out.cancel_reason = fields.text(['cancel_reason', 'reason'], 'property "reason"') ?? DEFAULT_CANCEL_REASON

  for (const key of OPTIONAL_FIELDS[route.event]) {
    const value =
      key === 'cart_id'
        ? fields.take(['cart_id'], readId)
        : key === 'discounts'
          ? fields.take(['discounts'], readObjects)
          : fields.take(OPTIONAL_MONEY[key]!, money)
    if (value === undefined) continue
    out[key] = key === 'discounts' ? toBrazeValue(value, { warnings, label: 'property "discounts"', mode: 'property' })! : value
  }
  const metadata = fields.metadata()
  if (metadata) out.metadata = metadata
  return finish(braze, out, warnings)
}

/** Sums of prices drift in binary (0.1 × 3): Braze stores what we send. */
function roundMoney(amount: number): number {
  return Number(amount.toFixed(6))
}

/**
 * What the products may go without when the event is over Braze's limit, in the order they go: the fields
 * the schemas require stay (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/),
 * and what is optional goes, least useful to Braze's templates first.
 */
const EXTRAS: Array<[string, readonly string[]]> = [
  ['metadata', ['metadata']],
  ['image_url and product_url', ['image_url', 'product_url']]
]

function finish(braze: string, out: JsonObject, warnings: string[]): { name: string; properties: JsonObject } | Problem {
  const what = `${braze} event`
  let over = sizeProblem(out, what, 'event')
  const products = Array.isArray(out.products) ? (out.products as JsonObject[]) : []
  for (const [name, keys] of EXTRAS) {
    if (!over) break
    const holding = products.filter((item) => keys.some((key) => key in item))
    if (holding.length === 0) continue
    for (const item of holding) for (const key of keys) delete item[key]
    warnings.push(`${braze}: the products' ${name} were left out, to keep the event within Braze's limit.`)
    over = sizeProblem(out, what, 'event')
  }
  return over ?? { name: braze, properties: out }
}

/** The currency all of an order's products name, when they agree. */
function productsCurrency(properties: Dict, braze: string, warnings: string[]): string | undefined {
  const list = field(properties, 'products')
  if (!Array.isArray(list)) return undefined
  const named = new Set(
    list.flatMap((item) => {
      const currency = field(item, 'currency')
      return isAbsent(currency) ? [] : (currencyCode(currency) ?? [])
    })
  )
  if (named.size > 1) warnings.push(`${braze} went in USD: its products name different currencies, and the order none.`)
  return named.size === 1 ? [...named][0] : undefined
}
