// Property-based tests of mapEvent: whatever JSON arrives (the Test tab accepts
// anything), mapping never throws and yields either a Problem of one of
// Segment's four kinds or a plan whose every Braze object follows Braze's
// rules (https://www.braze.com/docs/api/objects_filters/).
import fc from 'fast-check'
import { SEGMENT_ERROR_KINDS, isProblem } from '../src/destination/errors'
import { EVENT_TYPES, mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { jsonSize, utf8Length } from '../src/destination/values'
import { settingsFor } from './helpers/settings'

const RUNS = 300
const NOW = Date.parse('2024-05-01T12:00:00.000Z')

// ---------------------------------------------------------------------------
// Arbitraries: events with random types in every field, biased towards the
// keys and values the mapping treats specially.

const SPECIAL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$x',
  '$time',
  '$',
  '',
  'time',
  'event_name',
  'external_id',
  'user_alias',
  'braze_id',
  'email',
  'phone',
  '_update_existing_only',
  'gender',
  'birthday',
  'name',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'avatar',
  'address',
  'city',
  'country',
  'email_subscribe',
  'push_subscribe',
  'subscription_groups',
  'subscription_group_id',
  'subscription_state',
  'products',
  'price',
  'quantity',
  'currency',
  'product_id',
  'sku',
  'id',
  'audience_key',
  'trait_key',
  'kind',
  'message',
  'vip',
  'a.b',
  'with space',
  'k'.repeat(256)
]

const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIAL_KEYS) }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) })

const specialString = fc.constantFrom(
  '',
  '  ',
  'true',
  'false',
  'male',
  'F',
  'constructor',
  'toString',
  '__proto__',
  'opted_in',
  'subscribed',
  'usd',
  'EUR',
  'US$',
  '19.99',
  '1e999',
  '250',
  '-1',
  '1990-05-12',
  'May 12 1990',
  '2024-05-01T10:00:00Z',
  '2024-13-45T99:99:99Z',
  'Europe/Amsterdam',
  'Mars/Base',
  'en-US',
  'x'.repeat(256),
  '日'.repeat(300),
  `${'x'.repeat(254)}😀`,
  'https://example.com/a.png',
  'Order Completed',
  'order completed'
)

const scalar = fc.oneof(
  { weight: 3, arbitrary: specialString },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  fc.constantFrom(0, 1, 2, 100, 101, 250, 7500, 7501, 1e15, 1e21, -0, 1.5, 0.85, 642470400, 642470400000),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false })
)

/** An object built with own properties only, so "__proto__" is an own key as JSON.parse makes it. */
function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
  return out
}

const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map(ownObject)
}))
const object = fc.array(fc.tuple(key, value), { maxLength: 8 }).map(ownObject)

const identifierValue = fc.oneof(
  fc.constantFrom('u1', 'anon-1', '', '  ', 'a@example.com', '+15551234567'),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  scalar
)

const product = fc
  .record(
    {
      product_id: identifierValue,
      sku: identifierValue,
      id: identifierValue,
      name: identifierValue,
      price: fc.oneof(fc.double(), fc.integer({ min: -5, max: 1000 }), specialString, scalar),
      quantity: fc.oneof(fc.integer({ min: -2, max: 400 }), fc.constantFrom(250, 7500, 7501, 1e15, 1e21, 1.5, '3', 'x'), scalar),
      currency: fc.oneof(fc.constantFrom('usd', 'EUR', 'US$', 'dollars', ' gbp '), scalar),
      extra: value
    },
    { requiredKeys: [] }
  )
  .chain((p) =>
    fc.oneof(
      fc.constant<unknown>(p),
      object.map((o) => ({ ...o, ...p }) as unknown),
      scalar
    )
  )

const properties = fc.oneof(
  object,
  fc
    .record(
      {
        products: fc.oneof(fc.array(product, { maxLength: 4 }), scalar),
        currency: fc.oneof(fc.constantFrom('usd', 'xx'), scalar),
        order_id: scalar
      },
      { requiredKeys: [] }
    )
    .chain((p) => object.map((o) => ({ ...o, ...p }))),
  scalar
)

const personas = fc.record(
  {
    computation_class: fc.oneof(fc.constantFrom('audience', 'journey_step', 'trait', 'other'), scalar),
    computation_key: fc.oneof(fc.constantFrom('vip', 'first_time_shopper', 'aud_###', '$vip', 'email_subscribe', 'time'), scalar)
  },
  { requiredKeys: [] }
)

const context = fc.oneof(
  fc.record(
    {
      traits: fc.oneof(
        object,
        fc.record({ email: identifierValue, phone: identifierValue, braze_id: identifierValue }, { requiredKeys: [] }),
        scalar
      ),
      personas: fc.oneof(personas, scalar),
      timezone: fc.oneof(fc.constantFrom('Europe/Amsterdam', 'UTC', 'EST', 'Mars/Base', ''), scalar),
      locale: fc.oneof(fc.constantFrom('en-US', 'nl_NL', 'english', 'x'), scalar)
    },
    { requiredKeys: [] }
  ),
  scalar,
  fc.constant([])
)

const time = fc.oneof(
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString())),
  specialString,
  scalar
)

const segmentEvent = fc
  .record(
    {
      type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...EVENT_TYPES) }, fc.constantFrom('purchase', 'TRACK', ''), scalar),
      userId: identifierValue,
      anonymousId: identifierValue,
      previousId: identifierValue,
      groupId: identifierValue,
      event: fc.oneof(
        fc.constantFrom('Order Completed', 'Audience Entered', 'Trait Computed', 'E'.repeat(300)),
        fc.string({ maxLength: 12 }),
        scalar
      ),
      name: scalar,
      category: scalar,
      traits: fc.oneof(object, scalar),
      properties,
      context,
      integrations: fc.oneof(
        fc.record({ Braze: fc.record({ braze_id: identifierValue }, { requiredKeys: [] }), Appboy: object }, { requiredKeys: [] }),
        scalar
      ),
      timestamp: time,
      originalTimestamp: time,
      receivedAt: time
    },
    { requiredKeys: [] }
  )
  .chain((event) => object.map((junk) => ownObject([...Object.entries(junk), ...Object.entries(event)])))

/** Mostly-valid events, so that plans (purchases above all) are common, with a random field here and there. */
const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = scalar) =>
  fc.oneof({ weight: 4, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: bad })

const plausibleProduct = fc
  .record(
    {
      product_id: often(fc.constantFrom('p1', 'sku-2', 'x'.repeat(256)), identifierValue),
      name: often(fc.constantFrom('Monopoly', 'Uno')),
      price: often(fc.oneof(fc.double({ min: -10, max: 1e6, noNaN: true }), fc.constantFrom('19.99', ' 5 ', '1e2'))),
      quantity: often(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constantFrom(7500, 7501, '3', null))),
      currency: often(fc.constantFrom('usd', 'EUR', ' gbp ', 'JPY')),
      category: value,
      time: value,
      $bad: value
    },
    { requiredKeys: ['price'] }
  )
  .chain((p) => object.map((o) => ({ ...o, ...p })))

const plausibleEvent = fc
  .record(
    {
      type: fc.constantFrom(...EVENT_TYPES),
      userId: often(fc.constantFrom('u1', '42'), identifierValue),
      anonymousId: often(fc.constantFrom('anon-1', 'u1'), identifierValue),
      previousId: often(fc.constantFrom('anon-1', 'old-user'), identifierValue),
      groupId: often(fc.constantFrom('g1', 'acme'), identifierValue),
      event: often(
        fc.constantFrom(
          'Order Completed',
          'order completed',
          'Audience Entered',
          'Audience Exited',
          'Trait Computed',
          'Checkout Done',
          'E'.repeat(300)
        )
      ),
      name: often(fc.constantFrom('Home', 'Pricing')),
      category: often(fc.constantFrom('Docs', null)),
      traits: often(object),
      properties: often(
        fc
          .record(
            {
              products: often(fc.array(often(plausibleProduct), { minLength: 1, maxLength: 4 })),
              currency: often(fc.constantFrom('usd', 'CAD')),
              order_id: scalar
            },
            { requiredKeys: [] }
          )
          .chain((p) => object.map((o) => ({ ...o, ...p })))
      ),
      context: often(
        fc.record(
          {
            personas: often(
              fc.record({
                computation_class: fc.constantFrom('audience', 'journey_step', 'trait'),
                computation_key: fc.constantFrom('vip', 'aud_###', '$vip', 'email_subscribe')
              })
            ),
            traits: object,
            timezone: scalar,
            locale: scalar
          },
          { requiredKeys: [] }
        )
      ),
      timestamp: time
    },
    { requiredKeys: ['type'] }
  )
  .map((event) => ownObject(Object.entries(event)))

const settingsOverrides = fc.record(
  {
    appId: fc.constantFrom(undefined, 'app-1'),
    updateExistingOnly: fc.boolean(),
    anonymousAliasLabel: fc.constantFrom(undefined, 'segment_anonymous_id'),
    purchaseEvents: fc.constantFrom(undefined, ['Order Completed', 'Audience Entered'], 'checkout done, e'),
    audienceAttribute: fc.constantFrom(undefined, 'segment_audiences'),
    sendPageEvents: often(fc.constant(true), fc.boolean()),
    sendScreenEvents: often(fc.constant(true), fc.boolean())
  },
  { requiredKeys: [] }
)

// ---------------------------------------------------------------------------
// Braze's rules, as a list of violations (empty = valid).

const IDENTIFIER_KEYS = ['external_id', 'user_alias', 'braze_id', 'email', 'phone'] as const
const DANGEROUS = new Set(['__proto__', 'constructor', 'prototype'])
const MAX = 255

const isNonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''

function identifierProblems(object: Record<string, unknown>, where: string, contactAreAttributes: boolean): string[] {
  const problems: string[] = []
  const alias = object.user_alias as Record<string, unknown> | undefined
  if (
    'user_alias' in object &&
    !(alias && isNonBlank(alias.alias_name) && isNonBlank(alias.alias_label) && Object.keys(alias).length === 2)
  ) {
    problems.push(`${where}: user_alias must have a non-empty alias_name and alias_label`)
  }
  // On attributes objects email and phone are also attributes: Braze identifies by the first
  // of external_id / user_alias / braze_id, else by email (when present), else by phone.
  const strong = (['external_id', 'user_alias', 'braze_id'] as const).filter((k) => k in object)
  const present = contactAreAttributes && strong.length > 0 ? strong : IDENTIFIER_KEYS.filter((k) => k in object)
  const counted = contactAreAttributes && strong.length === 0 ? present.slice(0, 1) : present
  if (counted.length !== 1) problems.push(`${where}: ${counted.length} identifiers (${counted.join(', ')})`)
  for (const k of counted) if (k !== 'user_alias' && !isNonBlank(object[k])) problems.push(`${where}: ${k} must be a non-empty string`)
  return problems
}

/**
 * Every key and string, recursively: no "$" keys (but {"$time": iso} date wrappers in attributes), strings ≤ 255,
 * no JS keys in attributes (`allowTime`), and no __proto__ in event and purchase properties, where Braze drops
 * only "$" keys.
 */
function valueProblems(value: unknown, where: string, allowTime: boolean): string[] {
  if (typeof value === 'string') return value.length > MAX ? [`${where}: a string of ${value.length} characters`] : []
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${where}: ${value}`]
  if (value === null || typeof value === 'boolean') return []
  if (Array.isArray(value)) return value.flatMap((item, i) => valueProblems(item, `${where}[${i}]`, allowTime))
  if (typeof value !== 'object') return [`${where}: a ${typeof value}`]
  if (Object.getPrototypeOf(value) !== Object.prototype) return [`${where}: not a plain object`]
  const keys = Object.keys(value)
  if (allowTime && keys.length === 1 && keys[0] === '$time') {
    const iso = (value as Record<string, unknown>).$time
    return typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? [] : [`${where}: a bad $time`]
  }
  return keys.flatMap((k) => {
    const here = `${where}.${k}`
    if (k.startsWith('$')) return [`${here}: key starts with "$"`]
    if (k === '__proto__' || (allowTime && DANGEROUS.has(k))) return [`${here}: a JavaScript key`]
    if (k === '' || k.length > MAX) return [`${here}: bad key length`]
    return valueProblems((value as Record<string, unknown>)[k], here, allowTime)
  })
}

function timeProblems(time: unknown, where: string): string[] {
  return typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(time) && !Number.isNaN(Date.parse(time))
    ? []
    : [`${where}: time ${JSON.stringify(time)}`]
}

function propertiesProblems(properties: unknown, where: string): string[] {
  if (properties === undefined) return []
  const problems = valueProblems(properties, `${where}.properties`, false)
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties))
    return [...problems, `${where}: properties is not an object`]
  for (const reserved of ['time', 'event_name']) if (reserved in properties) problems.push(`${where}: reserved property "${reserved}"`)
  if (Object.keys(properties).length === 0) problems.push(`${where}: empty properties object`)
  if (Buffer.byteLength(JSON.stringify(properties)) > 50 * 1024) problems.push(`${where}: properties over 50 KB`)
  return problems
}

const SHARED = ['external_id', 'user_alias', 'braze_id', 'email', 'phone', 'app_id', '_update_existing_only']

function planProblems(plan: EventPlan): string[] {
  const problems: string[] = []
  plan.attributes.forEach((attributes, i) => {
    const where = `attributes[${i}]`
    problems.push(...identifierProblems(attributes, where, true))
    const { external_id, user_alias, braze_id, image_url, _update_existing_only, ...rest } = attributes as Record<string, unknown>
    if (_update_existing_only !== undefined && typeof _update_existing_only !== 'boolean') problems.push(`${where}: _update_existing_only`)
    if ('user_alias' in attributes && typeof _update_existing_only !== 'boolean')
      problems.push(`${where}: alias object without an explicit _update_existing_only`)
    if (image_url !== undefined && image_url !== null && !(typeof image_url === 'string' && image_url.length <= 1024))
      problems.push(`${where}: image_url`)
    // The identifying email/phone is not cut (it must match the profile); any other is an attribute.
    const identifying = ['email', 'phone'].find((k) => !external_id && !user_alias && !braze_id && k in rest)
    if (identifying) delete rest[identifying]
    problems.push(...valueProblems(rest, where, true))
    for (const [k, v] of Object.entries(rest)) {
      if (k === 'gender' && !(v === null || ['M', 'F', 'O', 'N', 'P'].includes(v as string)))
        problems.push(`${where}: gender ${JSON.stringify(v)}`)
      if (k === 'dob' && !(v === null || (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))))
        problems.push(`${where}: dob ${JSON.stringify(v)}`)
      if ((k === 'email_subscribe' || k === 'push_subscribe') && !['opted_in', 'subscribed', 'unsubscribed'].includes(v as string))
        problems.push(`${where}: ${k}`)
    }
  })
  plan.events.forEach((event, i) => {
    const where = `events[${i}]`
    const object = event as Record<string, unknown>
    problems.push(...identifierProblems(object, where, false))
    if (!isNonBlank(object.name) || (object.name as string).length > MAX) problems.push(`${where}: name ${JSON.stringify(object.name)}`)
    problems.push(...timeProblems(object.time, where), ...propertiesProblems(object.properties, where))
    for (const k of Object.keys(object))
      if (![...SHARED, 'name', 'time', 'properties'].includes(k)) problems.push(`${where}: unexpected key ${k}`)
  })
  plan.purchases.forEach((purchase, i) => {
    const where = `purchases[${i}]`
    const object = purchase as Record<string, unknown>
    problems.push(...identifierProblems(object, where, false))
    if (!isNonBlank(object.product_id) || (object.product_id as string).length > MAX) problems.push(`${where}: product_id`)
    if (!(typeof object.quantity === 'number' && Number.isInteger(object.quantity) && object.quantity >= 1 && object.quantity <= 100))
      problems.push(`${where}: quantity ${object.quantity}`)
    if (!(typeof object.currency === 'string' && /^[A-Z]{3}$/.test(object.currency)))
      problems.push(`${where}: currency ${JSON.stringify(object.currency)}`)
    if (!(typeof object.price === 'number' && Number.isFinite(object.price))) problems.push(`${where}: price ${object.price}`)
    problems.push(...timeProblems(object.time, where), ...propertiesProblems(object.properties, where))
    for (const k of Object.keys(object))
      if (![...SHARED, 'product_id', 'currency', 'price', 'quantity', 'time', 'properties'].includes(k))
        problems.push(`${where}: unexpected key ${k}`)
  })
  plan.merges.forEach((merge, i) => {
    const { prioritization, ...merged } = merge.identifier_to_merge as Record<string, unknown>
    if (prioritization !== undefined && !('email' in merged || 'phone' in merged))
      problems.push(`merges[${i}]: prioritization without email or phone`)
    problems.push(...identifierProblems(merged, `merges[${i}].identifier_to_merge`, false))
    problems.push(...identifierProblems(merge.identifier_to_keep, `merges[${i}].identifier_to_keep`, false))
  })
  plan.deletes.forEach((target, i) => problems.push(...identifierProblems(target as Record<string, unknown>, `deletes[${i}]`, false)))
  if (!plan.warnings.every((warning) => typeof warning === 'string' && warning.length > 0))
    problems.push('warnings must be non-empty strings')
  if (plan.epoch !== undefined && !Number.isFinite(plan.epoch)) problems.push('epoch')
  // What is sent is JSON: nothing may be lost or changed by serializing (functions, undefined, Dates, NaN).
  const sent = { attributes: plan.attributes, events: plan.events, purchases: plan.purchases, merges: plan.merges, deletes: plan.deletes }
  if (JSON.stringify(JSON.parse(JSON.stringify(sent))) !== JSON.stringify(sent) || !isJsonOnly(sent)) problems.push('not plain JSON')
  return problems
}

function isJsonOnly(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every(isJsonOnly)
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value as object).every(isJsonOnly)
  return false
}

/** One property: map, and check the outcome. */
function check(event: unknown, overrides: Record<string, unknown>): void {
  const result = mapEvent(event, settingsFor(overrides), () => NOW)
  if (isProblem(result)) {
    expect(Object.keys(result).sort()).toEqual(['kind', 'message'])
    expect(SEGMENT_ERROR_KINDS).toContain(result.kind)
    expect(result.kind).not.toBe('RetryError') // mapping has nothing to retry
    expect(typeof result.message).toBe('string')
    expect(result.message.length).toBeGreaterThan(10)
    return
  }
  expect(planProblems(result)).toEqual([])
}

function prototypeUntouched(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES)
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_PROTOTYPE_NAMES)
}
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort()
const ARRAY_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Array.prototype).sort()

describe('mapEvent on arbitrary input never throws and yields valid Braze objects or a Segment problem', () => {
  afterEach(prototypeUntouched)

  test('Segment-shaped events with random types in every field, every event type', () => {
    fc.assert(fc.property(segmentEvent, settingsOverrides, check), { numRuns: RUNS })
  })

  test('mostly-valid events of every type (plans, purchases, Engage), with random fields mixed in', () => {
    fc.assert(fc.property(plausibleEvent, settingsOverrides, check), { numRuns: RUNS })
  })

  test('purchase events with mostly-valid products', () => {
    const order = fc.record({
      type: fc.constant('track'),
      userId: often(fc.constant('u1'), identifierValue),
      event: fc.constantFrom('Order Completed', ' ORDER COMPLETED ', 'Checkout Done'),
      properties: fc
        .record(
          {
            products: fc.array(often(plausibleProduct, value), { minLength: 1, maxLength: 4 }),
            currency: often(fc.constantFrom('usd', 'CAD'))
          },
          { requiredKeys: ['products'] }
        )
        .chain((p) => object.map((o) => ({ ...o, ...p }))),
      timestamp: time
    })
    const purchaseSettings = settingsOverrides.map((overrides) => ({ ...overrides, purchaseEvents: 'Order Completed, Checkout Done' }))
    fc.assert(fc.property(order, purchaseSettings, check), { numRuns: RUNS })
  })

  test('any JSON value as the event', () => {
    fc.assert(fc.property(fc.jsonValue(), settingsOverrides, check), { numRuns: RUNS })
  })

  test('any JSON object, given each event type', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(...EVENT_TYPES), settingsOverrides, (junk, type, overrides) =>
        check({ ...junk, type }, overrides)
      ),
      { numRuns: RUNS }
    )
  })

  test('not even JSON: BigInt, Map, Set, boxed values, null-prototype objects, typed and sparse arrays in any field', () => {
    const weird = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withObjectString: true
    })
    const fields = [
      'userId',
      'anonymousId',
      'previousId',
      'groupId',
      'event',
      'name',
      'category',
      'traits',
      'properties',
      'context',
      'integrations',
      'timestamp'
    ]
    const event = fc
      .tuple(
        fc.constantFrom(...EVENT_TYPES),
        fc.dictionary(fc.constantFrom(...fields), weird),
        fc.constantFrom('traits', 'properties', 'context'),
        weird
      )
      .map(([type, junk, slot, inner]) => ({
        type,
        userId: 'u1',
        event: 'Order Completed',
        ...junk,
        [slot]: { products: [inner], x: inner }
      }))
    fc.assert(fc.property(event, settingsOverrides, check), { numRuns: RUNS })
  })

  test('JSON text with "__proto__" keys, as JSON.parse makes them', () => {
    const polluting = fc.constantFrom(
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{"polluted":"yes"}}}',
      '[{"__proto__":{"polluted":"yes"}}]'
    )
    const slot = fc.constantFrom('traits', 'properties', 'context', 'integrations', 'products')
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), slot, polluting, settingsOverrides, (type, where, json, overrides) => {
        const inner = where === 'products' ? `{"products":[${json}],"__proto__":{"polluted":"yes"}}` : json
        const slotName = where === 'products' ? 'properties' : where
        const text = `{"__proto__":{"polluted":"yes"},"type":"${type}","userId":"u1","event":"Order Completed","groupId":"g","previousId":"p","${slotName}":${inner}}`
        check(JSON.parse(text), overrides)
      }),
      { numRuns: 100 }
    )
  })
})

describe('sizes in UTF-8 bytes, as Braze counts them (the sandbox has no TextEncoder or Buffer)', () => {
  test('property: utf8Length and jsonSize agree with Node, lone surrogates included', () => {
    const anyCodeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes))
    fc.assert(
      fc.property(fc.oneof(anyCodeUnits, fc.string({ unit: 'grapheme' })), (text) => {
        expect(utf8Length(text)).toBe(Buffer.byteLength(text))
        expect(jsonSize({ text })).toBe(Buffer.byteLength(JSON.stringify({ text })))
      }),
      { numRuns: 500, seed: 21 }
    )
  })
})
