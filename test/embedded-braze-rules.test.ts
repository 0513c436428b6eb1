// Table-driven tests of the pure /users/track rules: each rule with objects
// Braze accepts and objects it rejects, with the exact reason reported.
import { MAX_OBJECTS_PER_REQUEST } from '../src/destination/braze-limits'
import {
  MAX_INPUT_LENGTH_MESSAGE,
  isIso8601,
  objectProblems,
  parseIdentifier,
  trackRequestProblem
} from '../src/tools/embedded-braze/rules'

const alias = { alias_name: 'anon-1', alias_label: 'segment_anonymous_id' }
const event = { external_id: 'u1', name: 'Signed Up', time: '2024-05-01T10:00:00Z' }
const purchase = { external_id: 'u1', product_id: 'sku-1', currency: 'USD', price: 9.99, time: '2024-05-01T10:00:00Z' }
const many = (n: number, object: object = { external_id: 'u' }): object[] => Array.from({ length: n }, () => object)
const long = (n: number): string => 'x'.repeat(n)

describe('identifiers', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['external_id', { external_id: 'u1' }, []],
    ['braze_id', { braze_id: '65b0c0de0000000000000001' }, []],
    ['email', { email: 'a@example.com' }, []],
    ['phone', { phone: '+15551234567' }, []],
    ['user_alias', { user_alias: alias }, []],
    ['email and phone: email identifies, phone is an attribute', { email: 'a@example.com', phone: '+1555' }, []],
    ['external_id with the email attribute', { external_id: 'u1', email: 'a@example.com' }, []],
    ['none', { first_name: 'Ann' }, ['missing identifier: one of external_id, user_alias, braze_id, email or phone is required']],
    [
      'external_id and braze_id',
      { external_id: 'u1', braze_id: 'b' },
      ['more than one identifier (external_id, braze_id): send exactly one']
    ],
    [
      'external_id and user_alias',
      { external_id: 'u1', user_alias: alias },
      ['more than one identifier (external_id, user_alias): send exactly one']
    ],
    ['empty external_id', { external_id: '' }, ['external_id must be a non-empty string']],
    ['blank external_id', { external_id: '   ' }, ['external_id must be a non-empty string']],
    ['numeric external_id', { external_id: 42 }, ['external_id must be a non-empty string']],
    ['external_id of 987 bytes', { external_id: 'é'.repeat(493) + 'x' }, []],
    ['external_id of 988 bytes', { external_id: 'é'.repeat(494) }, ['external_id exceeds the maximum allowed length of 987 bytes']],
    ['null braze_id', { braze_id: null }, ['braze_id must be a non-empty string']],
    ['empty email', { email: '' }, ['email must be a non-empty string']],
    ['alias without label', { user_alias: { alias_name: 'a' } }, ['user_alias must have a non-empty alias_name and alias_label']],
    [
      'alias with empty name',
      { user_alias: { alias_name: '', alias_label: 'l' } },
      ['user_alias must have a non-empty alias_name and alias_label']
    ],
    ['alias as a string', { user_alias: 'anon-1' }, ['user_alias must have a non-empty alias_name and alias_label']]
  ])('attributes object, %s', (_name, object, expected) => {
    expect(objectProblems('attributes', object)).toEqual(expected)
  })

  test('in events email/phone next to another identifier is a second identifier', () => {
    expect(objectProblems('events', { ...event, email: 'a@example.com' })).toEqual([
      'more than one identifier (external_id, email): send exactly one'
    ])
  })

  test('email/phone used as identifier are not attributes; next to external_id they are', () => {
    expect(parseIdentifier({ email: 'a@example.com', phone: '+1' }, 'attributes')).toEqual({
      identifier: { kind: 'email', value: 'a@example.com' },
      keys: ['email'],
      problems: []
    })
    expect(parseIdentifier({ external_id: 'u1', email: 'a@example.com' }, 'attributes').keys).toEqual(['external_id'])
  })
})

describe('attributes objects', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['plain values', { external_id: 'u1', first_name: 'Ann', age: 3, vip: true, score: 1.5, gone: null }, []],
    ['255-character string', { external_id: 'u1', bio: long(255) }, []],
    ['256-character string', { external_id: 'u1', bio: long(256) }, ["attribute 'bio' is longer than 255 characters"]],
    ['255 emoji count as 255 characters', { external_id: 'u1', bio: '😀'.repeat(255) }, []],
    ['image_url up to 1024', { external_id: 'u1', image_url: long(1024) }, []],
    ['image_url over 1024', { external_id: 'u1', image_url: long(1025) }, ["attribute 'image_url' is longer than 1024 characters"]],
    [
      'array with a long string',
      { external_id: 'u1', tags: ['ok', long(256)] },
      ["attribute 'tags' has a string longer than 255 characters"]
    ],
    ['key starting with $', { external_id: 'u1', $name: 'x' }, ["attribute key '$name' must not start with '$'"]],
    ['empty key', { external_id: 'u1', '': 'x' }, ['attribute key must not be empty']],
    ['key of 256 characters', { external_id: 'u1', [long(256)]: 1 }, [`attribute key '${long(40)}…' is longer than 255 characters`]],
    ['a valid email attribute', { external_id: 'u1', email: 'ann@example.com' }, []],
    [
      'a malformed email attribute (EMAIL_BAD_FORMAT)',
      { external_id: 'u1', email: 'not-an-email' },
      ['email is not a valid email address']
    ],
    // Braze's "Endpoint-specific errors" (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
    [
      'subscription groups by UUID',
      {
        external_id: 'u1',
        subscription_groups: [{ subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed' }]
      },
      []
    ],
    [
      'a subscription group named, not by its UUID (BAD_SUBSCRIPTION_GROUP_ID)',
      { external_id: 'u1', subscription_groups: [{ subscription_group_id: 'newsletter', subscription_state: 'subscribed' }] },
      ['subscription_group_id must be a valid subscription group UUID']
    ],
    [
      'a subscription group opted_in (BAD_SUBSCRIPTION_GROUP_STATE)',
      {
        external_id: 'u1',
        subscription_groups: [{ subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'opted_in' }]
      },
      ['subscription_state for a subscription group must be subscribed or unsubscribed']
    ],
    [
      'subscription groups as one object (BAD_SUBSCRIPTION_GROUP_ARRAY)',
      {
        external_id: 'u1',
        subscription_groups: { subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed' }
      },
      ['subscription_groups must be an array']
    ],
    [
      'a subscription group without its state (BAD_SUBSCRIPTION_GROUP_HASH)',
      { external_id: 'u1', subscription_groups: [{ subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60' }] },
      ['each item in subscription_groups must be a JSON object with subscription_group_id and subscription_state keys']
    ],
    ['_update_existing_only true', { external_id: 'u1', _update_existing_only: true }, []],
    ['_update_existing_only false on an alias', { user_alias: alias, _update_existing_only: false }, []],
    [
      '_update_existing_only as a string',
      { external_id: 'u1', _update_existing_only: 'true' },
      ['_update_existing_only must be a boolean']
    ],
    ['_merge_objects as a number', { external_id: 'u1', _merge_objects: 1 }, ['_merge_objects must be a boolean']],
    ['nested object and edits', { external_id: 'u1', pet: { name: 'Rex' }, tags: { add: ['a'] }, n: { inc: 1 } }, []],
    ['not an object', ['external_id'] as unknown as Record<string, unknown>, ['attributes object must be a JSON object']]
  ])('%s', (_name, object, expected) => {
    expect(objectProblems('attributes', object)).toEqual(expected)
  })
})

describe('events', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['minimal', event, []],
    ['with app_id and properties', { ...event, app_id: 'app', properties: { plan: 'pro', n: 1, nested: { a: [1] } } }, []],
    ['alias identifier', { ...event, external_id: undefined, user_alias: alias }, []],
    ['no name', { ...event, name: undefined }, ['name must be a non-empty string']],
    ['empty name', { ...event, name: '' }, ['name must be a non-empty string']],
    ['no time', { ...event, time: undefined }, ['time is required (an ISO 8601 date-time)']],
    ['epoch time', { ...event, time: 1714557600 }, ['time must be an ISO 8601 date-time string']],
    ['RFC 2822 time', { ...event, time: 'Wed, 01 May 2024 10:00:00 GMT' }, ['time must be an ISO 8601 date-time string']],
    ['empty app_id', { ...event, app_id: '' }, ['app_id must be a non-empty string']],
    ['properties as an array', { ...event, properties: [1] }, ['properties must be a JSON object']],
    ['property key time', { ...event, properties: { time: 'x' } }, ["property key 'time' is reserved"]],
    ['property key event_name', { ...event, properties: { event_name: 'x' } }, ["property key 'event_name' is reserved"]],
    ['property key $x', { ...event, properties: { $x: 1 } }, ["property key '$x' must not start with '$'"]],
    ['empty property key', { ...event, properties: { '': 1 } }, ['property key must not be empty']],
    ['property key of 256', { ...event, properties: { [long(256)]: 1 } }, [`property key '${long(40)}…' is longer than 255 characters`]],
    ['_update_existing_only as a number', { ...event, _update_existing_only: 0 }, ['_update_existing_only must be a boolean']],
    [
      'several problems',
      { name: '', time: 'soon' },
      [
        'missing identifier: one of external_id, user_alias, braze_id, email or phone is required',
        'name must be a non-empty string',
        'time must be an ISO 8601 date-time string'
      ]
    ]
  ])('%s', (_name, object, expected) => {
    expect(objectProblems('events', object)).toEqual(expected)
  })

  test('properties up to 100 KB pass, one byte more fails', () => {
    const overhead = JSON.stringify({ blob: '' }).length
    const exact = { blob: long(100 * 1024 - overhead) }
    expect(objectProblems('events', { ...event, properties: exact })).toEqual([])
    expect(objectProblems('events', { ...event, properties: { blob: `${exact.blob}x` } })).toEqual([
      'properties are larger than 100 KB (102401 bytes)'
    ])
  })
})

describe('purchases', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['minimal', purchase, []],
    ['quantity 1 and 100, free, properties', { ...purchase, quantity: 100, price: 0, properties: { color: 'red' } }, []],
    ['negative price (refund)', { ...purchase, price: -5 }, []],
    ['no product_id', { ...purchase, product_id: undefined }, ['product_id must be a non-empty string']],
    ['product_id of 256', { ...purchase, product_id: long(256) }, ['product_id is longer than 255 characters']],
    ['lower-case currency', { ...purchase, currency: 'usd' }, ['currency must be a three-letter upper-case ISO 4217 code']],
    ['currency symbol', { ...purchase, currency: 'US$' }, ['currency must be a three-letter upper-case ISO 4217 code']],
    ['no currency', { ...purchase, currency: undefined }, ['currency must be a three-letter upper-case ISO 4217 code']],
    ['price as a string', { ...purchase, price: '9.99' }, ['price must be a finite number']],
    ['no price', { ...purchase, price: undefined }, ['price must be a finite number']],
    ['quantity 0', { ...purchase, quantity: 0 }, ['quantity must be an integer from 1 to 100']],
    ['quantity 101', { ...purchase, quantity: 101 }, ['quantity must be an integer from 1 to 100']],
    ['quantity 1.5', { ...purchase, quantity: 1.5 }, ['quantity must be an integer from 1 to 100']],
    ['no time', { ...purchase, time: undefined }, ['time is required (an ISO 8601 date-time)']],
    ['reserved property', { ...purchase, properties: { time: 1 } }, ["property key 'time' is reserved"]],
    // https://www.braze.com/docs/user_guide/data/activation/events/purchase_events/#purchase-properties
    ...['product_id', 'quantity', 'event_name', 'price', 'currency'].map((key): [string, Record<string, unknown>, string[]] => [
      `reserved purchase property ${key}`,
      { ...purchase, properties: { [key]: 'x' } },
      [`property key '${key}' is reserved`]
    ]),
    ['those keys are no event property rule', { ...purchase, properties: { segment_currency: 'USD' } }, []]
  ])('%s', (_name, object, expected) => {
    expect(objectProblems('purchases', object)).toEqual(expected)
  })
})

describe('ISO 8601', () => {
  test.each([
    '2024-05-01T10:00:00Z',
    '2024-05-01T10:00:00.123Z',
    '2024-05-01T10:00:00+02:00',
    '2024-05-01T10:00:00-0530',
    '2024-05-01T10:00Z',
    '2024-05-01T10:00:00',
    '2024-05-01',
    '2024-02-29T00:00:00Z'
  ])('accepts %s', (value) => expect(isIso8601(value)).toBe(true))

  test.each([
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01 10:00:00',
    '1714557600',
    'yesterday',
    '',
    '2024-05-01T10:00:00+25:00'
  ])('rejects %j', (value) => expect(isIso8601(value)).toBe(false))
})

describe('whole requests', () => {
  test.each<[string, unknown, ReturnType<typeof trackRequestProblem>]>([
    ['75 of each type', { attributes: many(75), events: many(75), purchases: many(75) }, undefined],
    ['empty arrays', { attributes: [] }, undefined],
    [
      '76 attributes',
      { attributes: many(76) },
      { message: MAX_INPUT_LENGTH_MESSAGE, errors: ['76 attributes objects (at most 75 per request)'] }
    ],
    [
      '76 purchases',
      { purchases: many(76) },
      { message: MAX_INPUT_LENGTH_MESSAGE, errors: ['76 purchases objects (at most 75 per request)'] }
    ],
    ['not an object', [], { message: 'Invalid request', errors: ['request body must be a JSON object'] }],
    ['events not an array', { events: {} }, { message: 'Invalid request', errors: ['events must be an array'] }],
    ['nothing to track', { foo: [] }, { message: 'Invalid request', errors: ['request must contain attributes, events or purchases'] }]
  ])('%s', (_name, body, expected) => {
    expect(trackRequestProblem(body)).toEqual(expected)
  })

  test('the combined limit applies when set', () => {
    const body = { attributes: many(25), events: many(25), purchases: many(1) }
    expect(trackRequestProblem(body, MAX_OBJECTS_PER_REQUEST)).toBeUndefined()
    expect(trackRequestProblem({ attributes: many(25), events: many(25) }, 50)).toBeUndefined()
    expect(trackRequestProblem(body, 50)).toEqual({
      message: MAX_INPUT_LENGTH_MESSAGE,
      errors: ['51 objects combined (at most 50 per request)']
    })
  })
})

// "This endpoint only works if you include a valid phone number" (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/);
// "whitespaces will result in a 400 error" (https://www.braze.com/docs/user_guide/message_building_by_channel/email/email_setup/email_validation/).
test.each<[string, Record<string, unknown>, string[]]>([
  ['an email identifier that is no address', { email: 'not-an-email', plan: 'pro' }, ['email is not a valid email address']],
  ['an email identifier with spaces around it', { email: ' ann@example.com ', plan: 'pro' }, ['email is not a valid email address']],
  ['a phone identifier that is no number', { phone: 'abc', plan: 'pro' }, ['phone is not a valid phone number']],
  ['an email attribute with spaces around it', { external_id: 'u1', email: ' ann@example.com ' }, ['email is not a valid email address']],
  ['valid ones', { email: 'ann@example.com', plan: 'pro' }, []],
  ['a valid E.164 phone', { phone: '+15551234567', plan: 'pro' }, []]
])('contacts: %s', (_name, object, expected) => {
  expect(objectProblems('attributes', object)).toEqual(expected)
})
