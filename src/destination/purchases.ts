// Orders → Braze purchase objects, the legacy way (ecommerceMode "purchases"
// or "both"): one per product, and one per 100 of a quantity
// (https://www.braze.com/docs/api/objects_filters/purchase_object/).
import {
  MAX_CAPTURED_PROPERTIES,
  MAX_OBJECTS_PER_TYPE,
  MAX_PURCHASE_QUANTITY,
  MAX_REQUEST_BYTES,
  MAX_REQUESTS_PER_EVENT,
  MAX_STRING_LENGTH
} from './braze-limits'
import { identifierObject, type BrazeIdentifier, type BrazePurchase, type JsonObject } from './braze-types'
import { problem, type Problem } from './errors'
import { currencyCode } from './currencies'
import { convertProperties, sizeProblem, warnUncaptured } from './event-properties'
import { updateExistingOnlyFlag } from './identity'
import { dict, field, isAbsent, nonBlank, type Dict } from './segment-event'
import { jsonSize, productQuantity, toNumber } from './values'

/**
 * A bound on the split: one product never needs more purchase objects than an
 * event may send (4 requests of 75, at 100 each). Without it a quantity like
 * 1e12 would build 10^10 objects and never return; an order whose products
 * together need more is refused whole (delivery-plan.ts).
 */
const MAX_EVENT_PURCHASES = MAX_REQUESTS_PER_EVENT * MAX_OBJECTS_PER_TYPE
const MAX_PRODUCT_QUANTITY = MAX_EVENT_PURCHASES * MAX_PURCHASE_QUANTITY
const PRODUCT_ID_FIELDS = ['product_id', 'sku', 'id', 'name']
/** The order's fields that are not properties of its purchases: its products, and its currency, which is theirs. */
const ORDER_ONLY = new Set(['products', 'currency'])
/**
 * What a product's own properties leave out, by the field its product_id came from: what the purchase
 * holds, and a blank product_id (a key Braze reserves in purchase properties, with nothing to say).
 */
const CONSUMED_BY_ID_FIELD = new Map(
  PRODUCT_ID_FIELDS.map((idField) => [idField, new Set([idField, 'product_id', 'price', 'quantity', 'currency'])])
)

export interface PurchaseInput {
  identifier: BrazeIdentifier
  properties: Dict
  time: string
  appId: string | undefined
  eventName: string
  /** The setting: see updateExistingOnlyFlag. */
  updateExistingOnly: boolean
}

/** One product → purchase objects (several when quantity > 100), or the reason it can't be one. */
function productPurchases(
  product: Dict,
  index: number,
  input: PurchaseInput,
  order: JsonObject | undefined,
  warnings: string[]
): BrazePurchase[] | string {
  // The first id Braze takes (at most 255 characters), trimmed as names are matched: a longer one gives way to the next.
  const idOf = (key: string) => nonBlank(field(product, key))?.trim()
  const given = PRODUCT_ID_FIELDS.filter((key) => idOf(key) !== undefined)
  const idField = given.find((key) => idOf(key)!.length <= MAX_STRING_LENGTH)
  if (given.length === 0) return 'it has no product_id, sku, id or name'
  if (idField === undefined) return `its product id is over ${MAX_STRING_LENGTH} characters`
  const productId = idOf(idField)!
  if (idField !== given[0])
    warnings.push(
      `product ${index + 1}: its ${given[0]} is over ${MAX_STRING_LENGTH} characters, so its ${idField} is the purchase's product_id.`
    )

  const price = toNumber(field(product, 'price'))
  if (price === undefined) return 'it has no numeric price'

  const quantity = productQuantity(field(product, 'quantity'))
  if (quantity === undefined) return 'its quantity is not a whole number of at least 1'
  if (quantity > MAX_PRODUCT_QUANTITY) return `its quantity ${quantity} is over ${MAX_PRODUCT_QUANTITY}`

  // The product's own unless it has none: one it has but not as text is refused, not replaced by the order's.
  const productCurrency = field(product, 'currency')
  const rawCurrency = isAbsent(productCurrency) ? field(input.properties, 'currency') : productCurrency
  const currency = currencyCode(rawCurrency)
  if (currency === undefined) return `its currency ${JSON.stringify(rawCurrency).slice(0, 18)} is not an ISO 4217 code`

  // The product's own fields win over the order's.
  const own = convertProperties(product, warnings, CONSUMED_BY_ID_FIELD.get(idField), 'purchase', {
    has: (key) => Object.prototype.hasOwnProperty.call(input.properties, key)
  })
  const properties = own && order ? Object.assign({}, order, own) : (own ?? order)
  const tooLarge = properties && sizeProblem(properties, `purchase of product ${index + 1}`, 'purchase')
  if (tooLarge) return tooLarge.message

  const base = identifierObject(input.identifier)
  if (input.appId) base.app_id = input.appId
  base.product_id = productId
  base.currency = currency
  base.price = price
  base.time = input.time
  if (properties) base.properties = properties
  const updateExistingOnly = updateExistingOnlyFlag(input.identifier, input)
  if (updateExistingOnly !== undefined) base._update_existing_only = updateExistingOnly

  const purchases: BrazePurchase[] = []
  for (let left = quantity; left > 0; left -= MAX_PURCHASE_QUANTITY) {
    const purchase = Object.assign({}, base)
    purchase.quantity = Math.min(left, MAX_PURCHASE_QUANTITY)
    purchases.push(purchase as BrazePurchase)
  }
  return purchases
}

/** A purchase event → one Braze purchase per product; products that can't be priced are skipped with a warning. */
export function mapPurchases(input: PurchaseInput, warnings: string[]): BrazePurchase[] | Problem {
  const products = field(input.properties, 'products')
  if (!Array.isArray(products) || products.length === 0) {
    return problem(
      'InvalidEventPayload',
      `"${input.eventName}" is a purchase event but has no properties.products list, so there is nothing to send to Braze as a purchase.`
    )
  }
  // Counted before anything is built: 250 products of 30,000 units would be 75,000 objects to refuse.
  const needed = products.reduce((sum: number, raw) => {
    const quantity = productQuantity(field(dict(raw), 'quantity'))
    return sum + (quantity === undefined || quantity > MAX_PRODUCT_QUANTITY ? 0 : Math.ceil(quantity / MAX_PURCHASE_QUANTITY))
  }, 0)
  if (needed > MAX_EVENT_PURCHASES)
    return problem(
      'InvalidEventPayload',
      `This event would become ${needed} Braze objects (purchases: one per product, and one per ${MAX_PURCHASE_QUANTITY} of a quantity); ` +
        `the function sends at most ${MAX_EVENT_PURCHASES} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${MAX_OBJECTS_PER_TYPE}). Split the order, or send it with ecommerceMode "recommended".`
    )
  // A renamed key of the order must not take the name of a product's property, nor one of a product the
  // name of the order's: one would replace the other in the purchase ({time} and {segment_time} keep both).
  const productKeys = new Set(products.flatMap((raw) => Object.keys(dict(raw) ?? {})))
  const order = convertProperties(input.properties, warnings, ORDER_ONLY, 'purchase', productKeys)
  // Every purchase carries the order's properties: refused before they are copied into each, when the
  // copies alone would not fit the requests one event may make (delivery-plan.ts would refuse it after).
  const orderBytes = order ? jsonSize(order) : 0
  if (orderBytes * needed > MAX_REQUESTS_PER_EVENT * MAX_REQUEST_BYTES)
    return problem(
      'InvalidEventPayload',
      `This event's ${needed} purchases would each carry its ${Math.ceil(orderBytes / 1024)} KB of order properties, more than the ` +
        `${MAX_REQUESTS_PER_EVENT} requests of 1 MB the function sends for one event. Send fewer products or order properties, or send it with ecommerceMode "recommended".`
    )
  const purchases: BrazePurchase[] = []
  const reasons: string[] = []
  products.forEach((raw, index) => {
    const product = dict(raw)
    const result = product ? productPurchases(product, index, input, order, warnings) : 'it is not an object'
    if (typeof result === 'string') {
      reasons.push(`product ${index + 1}: ${result}`)
      warnings.push(`product ${index + 1} was skipped: ${result}.`)
    } else purchases.push(...result)
  })
  // One warning for the event: its products' purchases share the order's properties.
  const crowded = purchases.find((purchase) => purchase.properties && Object.keys(purchase.properties).length > MAX_CAPTURED_PROPERTIES)
  if (crowded)
    warnUncaptured(crowded.properties!, `"${input.eventName.slice(0, 64)}" purchase of ${crowded.product_id.slice(0, 64)}`, warnings)
  if (purchases.length === 0) {
    return problem(
      'InvalidEventPayload',
      `"${input.eventName}" has no product Braze can record as a purchase (${reasons.slice(0, 5).join('; ')}).`
    )
  }
  return purchases
}
