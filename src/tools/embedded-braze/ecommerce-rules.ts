// Braze's validation of its six recommended eCommerce events, as Braze
// documents it, written independently of the function's mapping so that the
// stand-in catches the mapping's mistakes instead of sharing them. Braze
// checks: required properties present; types; "no extra top-level
// properties" (custom ones belong in `metadata`); "Monetary fields must be
// ≥ 0. `currency` must be a valid ISO 4217 string."; "Each item in
// `products[]` must include `product_id`, `product_name`, `variant_id`,
// `quantity`, and `price`." A failing event "is dropped entirely" and "each
// invalid event is reported in the response's errors array".
// https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/
import { isPlainObject } from './identifier'
import { isCurrencyCode } from '../../destination/currencies'

type PropertyType = 'string' | 'number' | 'integer' | 'array' | 'object'

interface Schema {
  required: Record<string, PropertyType>
  optional: Record<string, PropertyType>
}

const ORDER_MONEY = { subtotal_value: 'number', tax: 'number', shipping: 'number' } as const
const DISCOUNTS = { total_discounts: 'number', discounts: 'array' } as const

/** Names, required and optional properties per event, from the page's property tables. */
const ECOMMERCE_SCHEMAS: Readonly<Record<string, Schema>> = {
  'ecommerce.product_viewed': {
    required: { product_id: 'string', product_name: 'string', variant_id: 'string', price: 'number', currency: 'string', source: 'string' },
    optional: { image_url: 'string', product_url: 'string', type: 'array', metadata: 'object' }
  },
  'ecommerce.cart_updated': {
    // total_value: "Required when `action` is omitted or `replace`" (checked below).
    required: { cart_id: 'string', currency: 'string', products: 'array', source: 'string' },
    optional: { action: 'string', total_value: 'number', ...ORDER_MONEY, metadata: 'object' }
  },
  'ecommerce.checkout_started': {
    required: { checkout_id: 'string', total_value: 'number', currency: 'string', products: 'array', source: 'string' },
    optional: { cart_id: 'string', ...ORDER_MONEY, metadata: 'object' }
  },
  'ecommerce.order_placed': {
    required: { order_id: 'string', total_value: 'number', currency: 'string', products: 'array', source: 'string' },
    optional: { cart_id: 'string', ...ORDER_MONEY, ...DISCOUNTS, metadata: 'object' }
  },
  'ecommerce.order_cancelled': {
    required: {
      order_id: 'string',
      total_value: 'number',
      currency: 'string',
      cancel_reason: 'string',
      products: 'array',
      source: 'string'
    },
    optional: { ...ORDER_MONEY, ...DISCOUNTS, metadata: 'object' }
  },
  'ecommerce.order_refunded': {
    required: { order_id: 'string', total_value: 'number', currency: 'string', products: 'array', source: 'string' },
    optional: { ...DISCOUNTS, metadata: 'object' }
  }
}

const PRODUCT: Schema = {
  required: { product_id: 'string', product_name: 'string', variant_id: 'string', quantity: 'integer', price: 'number' },
  optional: { image_url: 'string', product_url: 'string', metadata: 'object' }
}
const MONETARY = new Set(['total_value', 'subtotal_value', 'tax', 'shipping', 'total_discounts', 'price'])
const CART_ACTIONS = new Set(['add', 'remove', 'replace'])
const VIEW_TYPES = new Set(['price_drop', 'back_in_stock'])

/** Only the names that match exactly are recommended events: "Braze treats it as a standard custom event" otherwise. */
export function isRecommendedEvent(name: unknown): name is string {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ECOMMERCE_SCHEMAS, name)
}

/** ISO 4217 codes: the function's own list (ICU's, and the codes it lacks), so the two cannot disagree. */
function isIsoCurrency(value: unknown): boolean {
  return typeof value === 'string' && isCurrencyCode(value)
}

/** Problems with a recommended event's properties, in Braze's wording where Braze shows it. */
export function ecommerceProblems(name: string, properties: unknown): string[] {
  const schema = ECOMMERCE_SCHEMAS[name]!
  const object = isPlainObject(properties) ? properties : {}
  const problems = schemaProblems(schema, object, '')
  if ('currency' in object && typeof object.currency === 'string' && !isIsoCurrency(object.currency)) {
    problems.push("'currency' must be an ISO 4217 currency")
  }
  if (name === 'ecommerce.cart_updated') {
    const action = object.action
    if (action !== undefined && !CART_ACTIONS.has(action as string)) problems.push("'action' must be add, remove or replace")
    if ((action === undefined || action === 'replace') && object.total_value === undefined) {
      problems.push("'total_value' is required when 'action' is omitted or replace")
    }
  }
  if (name === 'ecommerce.product_viewed' && Array.isArray(object.type) && !object.type.every((type) => VIEW_TYPES.has(type))) {
    problems.push("'type' accepts only price_drop and back_in_stock")
  }
  if (Array.isArray(object.products)) {
    if (object.products.length === 0) problems.push("'products' must not be empty")
    object.products.forEach((product, index) => {
      if (!isPlainObject(product)) problems.push(`'products[${index}]' must be an object`)
      else problems.push(...schemaProblems(PRODUCT, product, `products[${index}].`))
    })
  }
  return problems
}

function schemaProblems(schema: Schema, object: Record<string, unknown>, prefix: string): string[] {
  const problems: string[] = []
  for (const key of Object.keys(schema.required)) {
    if (object[key] === undefined || object[key] === null) problems.push(`'${prefix}${key}' is required`)
  }
  for (const [key, value] of Object.entries(object)) {
    const type = schema.required[key] ?? schema.optional[key]
    if (type === undefined) {
      problems.push(`'${prefix}${key}' is not a property of this event: custom properties belong in 'metadata'`)
      continue
    }
    if (value === undefined || value === null) continue
    if (!hasType(value, type))
      problems.push(
        `'${prefix}${key}' must be ${type === 'integer' ? 'an integer' : `a${type === 'array' || type === 'object' ? 'n' : ''} ${type}`}`
      )
    else if (MONETARY.has(key) && (value as number) < 0) problems.push(`'${prefix}${key}' must be >= 0`)
    // "Non-negative integer" (https://www.braze.com/docs/developer_guide/analytics/logging_ecommerce_events/): a remove takes a line to 0.
    else if (key === 'quantity' && (value as number) < 0) problems.push(`'${prefix}${key}' must be >= 0`)
  }
  return problems
}

function hasType(value: unknown, type: PropertyType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.trim() !== ''
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isPlainObject(value)
  }
}
