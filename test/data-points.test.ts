// The data point estimator (src/tools/data-points.ts), rule by rule, against
// https://www.braze.com/docs/user_guide/data/infrastructure/data_points/.
import {
  attributesObjectPoints,
  estimateRequestDataPoints,
  estimateTrackDataPoints,
  eventPoints,
  valuePoints
} from '../src/tools/data-points'

const alias = { alias_name: 'a7f3e2c1', alias_label: 'segment_anonymous_id' }

describe('attribute values', () => {
  test.each<[string, unknown, number]>([
    ['a string', 'pro_monthly', 1],
    ['a number', 450, 1],
    ['a boolean', true, 1],
    ['null (unset: counted, our reading)', null, 1],
    ['a whole array', ['a', 'b', 'c'], 1],
    ['an empty array', [], 1],
    ['add with 2 values', { add: ['first_time_shopper', 'vip'] }, 2],
    ['remove with 1 value', { remove: ['cart_abandoners_7d'] }, 1],
    ['add 2 and remove 1', { add: ['a', 'b'], remove: ['c'] }, 3],
    ['increment', { inc: 1 }, 1],
    ['a date in a nested object', { $time: '2025-06-03T10:00:00Z' }, 1],
    ['a nested object with 3 keys', { city: 'Lisbon', zip: '1100', country: 'PT' }, 3],
    ['a nested object inside a nested object', { car: { make: 'Volvo', year: 2021 }, owner: 'me' }, 3],
    ['an empty nested object', {}, 1],
    ['a nested object with an "add" key that is not an array edit', { add: 'x', other: 1 }, 2]
  ])('%s: %j → %i', (_name, value, points) => {
    expect(valuePoints(value)).toBe(points)
  })
})

describe('attributes objects', () => {
  test.each<[string, Record<string, unknown>, number]>([
    ['the external_id is free', { external_id: 'u1', plan: 'pro' }, 1],
    ['a user_alias is free', { user_alias: alias, _update_existing_only: false, plan: 'pro' }, 1],
    ['a braze_id is free', { braze_id: 'b1', plan: 'pro' }, 1],
    ['email as the identifier is free', { email: 'ana@example.com', plan: 'pro' }, 1],
    ['phone as the identifier is free', { phone: '+351912345678', plan: 'pro' }, 1],
    ['email next to an external_id is an attribute', { external_id: 'u1', email: 'ana@example.com' }, 1],
    ['email beats phone as identifier; phone then counts', { email: 'ana@example.com', phone: '+351912345678' }, 1],
    ['_update_existing_only is free', { external_id: 'u1', _update_existing_only: true, a: 1 }, 1],
    [
      'subscriptions and push tokens are free',
      {
        external_id: 'u1',
        email_subscribe: 'opted_in',
        push_subscribe: 'subscribed',
        subscription_groups: [{ subscription_group_id: 'g', subscription_state: 'subscribed' }],
        push_tokens: [{ app_id: 'x', token: 'y' }]
      },
      0
    ],
    [
      'standard and custom attributes all count',
      { external_id: 'u1', first_name: 'Ana', last_name: 'Lima', dob: '1991-04-12', gender: 'F', plan: 'pro', trial_ends_at: null },
      6
    ],
    [
      'an audience update: boolean + array add',
      { external_id: 'u1', first_time_shopper: true, segment_audiences: { add: ['first_time_shopper'] } },
      2
    ],
    ['nothing but the identifier', { external_id: 'u1' }, 0]
  ])('%s: %j → %i', (_name, object, points) => {
    expect(attributesObjectPoints(object)).toBe(points)
  })

  test('a non-object counts nothing', () => {
    expect(attributesObjectPoints('x')).toBe(0)
    expect(attributesObjectPoints(null)).toBe(0)
  })
})

describe('events and purchases', () => {
  test.each<[string, Record<string, unknown>, number]>([
    ['an event without properties', { external_id: 'u1', name: 'Signed Up', time: '2025-06-03T10:00:00Z' }, 1],
    ['an event with 3 properties', { external_id: 'u1', name: 'x', time: 't', properties: { a: 1, b: 'two', c: [3] } }, 4],
    [
      'nested properties count once per top-level key',
      { external_id: 'u1', name: 'x', time: 't', properties: { journey: { a: 1, b: 2 } } },
      2
    ],
    ['empty properties', { external_id: 'u1', name: 'x', time: 't', properties: {} }, 1],
    [
      'a purchase with 2 properties (its own fields are not properties)',
      { external_id: 'u1', product_id: 'p', currency: 'USD', price: 1, quantity: 3, time: 't', properties: { order_id: 'o', sku: 's' } },
      3
    ]
  ])('%s: %j → %i', (_name, object, points) => {
    expect(eventPoints(object)).toBe(points)
  })
})

describe('whole requests', () => {
  test('a /users/track body adds up by array', () => {
    const body = {
      attributes: [
        { external_id: 'u1', plan: 'pro', logins: 3 },
        { user_alias: alias, _update_existing_only: false, segment_audiences: { add: ['a', 'b'] } }
      ],
      events: [{ external_id: 'u1', name: 'Signed Up', time: 't', properties: { method: 'email' } }],
      purchases: [
        { external_id: 'u1', product_id: 'p1', currency: 'USD', price: 1, time: 't' },
        { external_id: 'u1', product_id: 'p2', currency: 'USD', price: 2, time: 't', properties: { order_id: 'o' } }
      ]
    }
    expect(estimateTrackDataPoints(body)).toEqual({ attributes: 4, events: 2, purchases: 3, total: 9 })
    expect(estimateTrackDataPoints(JSON.stringify(body))).toEqual({ attributes: 4, events: 2, purchases: 3, total: 9 })
    expect(estimateRequestDataPoints('/users/track', body).total).toBe(9)
  })

  test.each(['/users/identify', '/users/merge', '/users/delete', '/users/alias/new'])('%s costs nothing', (path) => {
    expect(estimateRequestDataPoints(path, { aliases_to_identify: [{ external_id: 'u1', user_alias: alias }] }).total).toBe(0)
  })

  test.each<[string, unknown]>([
    ['not JSON', '{"attributes": ['],
    ['null', null],
    ['an array', []],
    ['arrays that are not arrays', { attributes: {}, events: 'x' }]
  ])('unusable input (%s) counts 0', (_name, body) => {
    expect(estimateTrackDataPoints(body).total).toBe(0)
  })
})
