// Segment's eCommerce spec v2 examples (test/fixtures/segment-docs) and the
// exact Braze recommended events they must become, written out by hand from
// Braze's schema (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/)
// and the mapping rules in the README, not from the mapping's output.
import * as fs from 'node:fs'
import * as path from 'node:path'

export const ECOMMERCE_TIME = '2024-05-01T10:00:00.000Z'

/** Fixture file → the event name of its analytics.track call (README.md of the fixtures). */
export const ECOMMERCE_FIXTURES: Record<string, string> = {
  'ecommerce-product-viewed-properties.json': 'Product Viewed',
  'ecommerce-product-added-properties.json': 'Product Added',
  'ecommerce-product-removed-properties.json': 'Product Removed',
  'ecommerce-cart-viewed-properties.json': 'Cart Viewed',
  'ecommerce-checkout-started-properties.json': 'Checkout Started',
  'ecommerce-order-completed-properties.json': 'Order Completed',
  'ecommerce-order-refunded-properties.json': 'Order Refunded',
  'ecommerce-order-cancelled-properties.json': 'Order Cancelled'
}

export function fixtureProperties(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'segment-docs', file), 'utf8'))
}

/** The fixture as a track call (userId and timestamp are ours: the spec shows only the properties). */
export function ecommerceTrack(file: string, userId = 'u-shop'): Record<string, unknown> {
  return { type: 'track', userId, event: ECOMMERCE_FIXTURES[file], properties: fixtureProperties(file), timestamp: ECOMMERCE_TIME }
}

const monopoly = {
  product_id: '507f1f77bcf86cd799439011',
  product_name: 'Monopoly: 3rd Edition',
  // No variant in the spec's product lists: the sku is the variant.
  variant_id: '45790-32',
  quantity: 1,
  price: 19,
  image_url: 'https://www.example.com/product/path.jpg',
  product_url: 'https://www.example.com/product/path',
  metadata: { category: 'Games' }
}
const uno = {
  product_id: '505bd76785ebb509fc183733',
  product_name: 'Uno Card Game',
  variant_id: '46493-32',
  quantity: 2,
  price: 3,
  metadata: { category: 'Games' }
}

/** One product from Product Added/Removed's top-level properties; what Braze has no field for is its metadata. */
const cartLine = {
  product_id: '507f1f77bcf86cd799439011',
  product_name: 'Monopoly: 3rd Edition',
  variant_id: '200 pieces',
  quantity: 1,
  price: 18.99,
  image_url: 'https://www.example.com/product/path.jpg',
  product_url: 'https://www.example.com/product/path',
  metadata: { sku: 'G-32', category: 'Games', brand: 'Hasbro', coupon: 'MAYDEALS', position: 3 }
}

/**
 * Name and properties of the recommended event each spec event becomes;
 * Cart Viewed becomes none (it stays a custom event). `source` is "server":
 * these events carry no context, library or channel.
 */
export const RECOMMENDED: Record<string, { name: string; properties: Record<string, unknown> } | undefined> = {
  'ecommerce-product-viewed-properties.json': {
    name: 'ecommerce.product_viewed',
    properties: {
      product_id: '507f1f77bcf86cd799439011',
      product_name: 'Monopoly: 3rd Edition',
      variant_id: '200 pieces',
      price: 18.99,
      // Segment's example says "usd".
      currency: 'USD',
      source: 'server',
      image_url: 'https://www.example.com/product/path.jpg',
      product_url: 'https://www.example.com/product/path',
      metadata: { sku: 'G-32', category: 'Games', brand: 'Hasbro', quantity: 1, coupon: 'MAYDEALS', position: 3, value: 18.99 }
    }
  },
  'ecommerce-product-added-properties.json': {
    name: 'ecommerce.cart_updated',
    // No currency in the spec's Product Added: the documented default, USD.
    properties: { cart_id: 'skdjsidjsdkdj29j', action: 'add', currency: 'USD', source: 'server', products: [cartLine] }
  },
  'ecommerce-product-removed-properties.json': {
    name: 'ecommerce.cart_updated',
    properties: { cart_id: 'ksjdj92dj29dj92d2j', action: 'remove', currency: 'USD', source: 'server', products: [cartLine] }
  },
  'ecommerce-cart-viewed-properties.json': undefined,
  'ecommerce-checkout-started-properties.json': {
    name: 'ecommerce.checkout_started',
    properties: {
      // No checkout_id in the spec's example: its order_id.
      checkout_id: '50314b8e9bcf000000000000',
      // value (30) = revenue 25 + shipping 3 + tax 2: the total.
      total_value: 30,
      tax: 2,
      shipping: 3,
      currency: 'USD',
      source: 'server',
      products: [monopoly, uno],
      // total_discounts is no checkout_started property: the discount stays in metadata.
      metadata: { affiliation: 'Google Store', revenue: 25, discount: 2.5, coupon: 'hasbros' }
    }
  },
  'ecommerce-order-completed-properties.json': {
    name: 'ecommerce.order_placed',
    properties: {
      order_id: '50314b8e9bcf000000000000',
      total_value: 27.5,
      subtotal_value: 22.5,
      tax: 2,
      shipping: 3,
      total_discounts: 2.5,
      currency: 'USD',
      source: 'server',
      products: [monopoly, uno],
      metadata: { checkout_id: 'fksdjfsdjfisjf9sdfjsd9f', affiliation: 'Google Store', revenue: 22.5, coupon: 'hasbros' }
    }
  },
  'ecommerce-order-refunded-properties.json': {
    name: 'ecommerce.order_refunded',
    properties: { order_id: '50314b8e9bcf000000000000', total_value: 30, currency: 'USD', source: 'server', products: [monopoly, uno] }
  },
  'ecommerce-order-cancelled-properties.json': {
    name: 'ecommerce.order_cancelled',
    properties: {
      order_id: '50314b8e9bcf000000000000',
      total_value: 30,
      tax: 2,
      shipping: 3,
      total_discounts: 2.5,
      currency: 'USD',
      // The spec's example gives no reason: the documented default.
      cancel_reason: 'unspecified',
      source: 'server',
      products: [monopoly, uno],
      metadata: { affiliation: 'Google Store', revenue: 25, coupon: 'hasbros' }
    }
  }
}

/** The legacy purchases Order Completed becomes (ecommerceMode purchases or both, default purchaseEvents). */
export function orderCompletedPurchases(identifier: Record<string, unknown> = { external_id: 'u-shop' }): Record<string, unknown>[] {
  const order = {
    checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
    order_id: '50314b8e9bcf000000000000',
    affiliation: 'Google Store',
    total: 27.5,
    subtotal: 22.5,
    revenue: 22.5,
    shipping: 3,
    tax: 2,
    discount: 2.5,
    coupon: 'hasbros'
    // currency: the purchases' own (Braze reserves it in purchase properties)
  }
  const base = { ...identifier, currency: 'USD', time: ECOMMERCE_TIME }
  return [
    {
      ...base,
      product_id: '507f1f77bcf86cd799439011',
      price: 19,
      quantity: 1,
      properties: {
        ...order,
        sku: '45790-32',
        name: 'Monopoly: 3rd Edition',
        category: 'Games',
        url: 'https://www.example.com/product/path',
        image_url: 'https://www.example.com/product/path.jpg'
      }
    },
    {
      ...base,
      product_id: '505bd76785ebb509fc183733',
      price: 3,
      quantity: 2,
      properties: { ...order, sku: '46493-32', name: 'Uno Card Game', category: 'Games' }
    }
  ]
}
