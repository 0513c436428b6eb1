/**
 * Hostile input through the built function in Segment's runtime, in each
 * runtime profile: absurd nesting and sizes, every JSON type in every field,
 * prototype keys, broken UTF-16, numbers that aren't, far-away times, one
 * user flooding a batch.
 * Whatever comes in, the function settles within the deadline with one of
 * Segment's outcomes, loses nothing, and pollutes no prototype.
 */
import fc from 'fast-check'
import { mapEvent } from '../src/destination/map-event'
import { type EmbeddedBraze } from '../src/tools/embedded-braze'
import { HANDLER_FOR_TYPE, type RuntimeProfile, type SegmentRuntime } from '../src/tools/segment-runtime'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { useNock } from './helpers/braze-nock'
import { lowerBoundOf } from './helpers/events'
import { builtCode, loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'
import {
  acceptAll,
  acceptedSignatures,
  type Exchange,
  expectBatchShape,
  expectNothingLost,
  expectSegmentOutcome,
  expectSingleNothingLost,
  inProcessRuntime,
  type Outcome,
  parsedSettings,
  runIsolated,
  settle,
  thrownClass
} from './adversarial-support'

const KEY = 'brz-INPUT-8c1f3a7e5b2d9046-key'
// Legacy purchases: the Order Completed events here test the purchase path (recommended events: built-ecommerce.test.ts).
const SETTINGS = { apiKey: KEY, dataCenter: 'EU-01', ecommerceMode: 'purchases' }
/** Everything on: more code paths for hostile input to reach. */
const ALL_ON = {
  ...SETTINGS,
  appId: 'app-1',
  anonymousAliasLabel: 'segment_anonymous_id',
  audienceAttribute: 'segment_audiences',
  sendPageEvents: true,
  sendScreenEvents: 'true',
  purchaseEvents: ['Order Completed', 'Purchase']
}
const DEADLINE_MS = 5000

const code = builtCode()
let braze: EmbeddedBraze
let runtime: SegmentRuntime
let profile: RuntimeProfile

useNock({ loopback: true })
useEmbeddedBraze({ apiKey: KEY }, (started) => (braze = started))

/** One event through the handler its type names (Segment's routing), checked for the invariant and the deadline. */
async function single(
  type: string,
  event: unknown,
  settings: unknown = SETTINGS,
  on: SegmentRuntime = runtime,
  exchanges: Exchange[] = braze.requests
): Promise<Outcome> {
  const outcome = await settle(on, () => on.handlers[HANDLER_FOR_TYPE[type]!]!(event, settings))
  expectSettled(outcome)
  expectSingleNothingLost(event, type, outcome, settings, exchanges)
  return outcome
}

/** Within the deadline, and no stack overflow. Plain checks: this runs thousands of times, and jest's expect is costly per call. */
function expectSettled(outcome: Outcome): void {
  if (outcome.ms >= DEADLINE_MS) throw new Error(`settled after ${Math.round(outcome.ms)} ms, past the ${DEADLINE_MS} ms deadline`)
  if (outcome.kind === 'thrown' && outcome.name === 'RangeError') throw new Error(`threw RangeError: ${outcome.message}`)
}

async function batch(
  events: unknown[],
  settings: unknown = SETTINGS,
  on: SegmentRuntime = runtime,
  exchanges: Exchange[] = braze.requests
) {
  const outcome = await settle(on, () => on.handlers.onBatch!(events, settings))
  expectSettled(outcome)
  if (outcome.kind === 'thrown') throw new Error(`onBatch threw ${outcome.name}: ${outcome.message}`)
  return expectNothingLost(events, outcome.value, settings, exchanges)
}

function nest(depth: number, leaf: unknown = 'bottom'): Record<string, unknown> {
  let value: unknown = leaf
  for (let i = 0; i < depth; i++) value = { level: value }
  return value as Record<string, unknown>
}

function nestArray(depth: number): unknown[] {
  let value: unknown[] = ['bottom']
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  let deepest = 0
  for (const item of Object.values(value)) deepest = Math.max(deepest, depthOf(item))
  return deepest + 1
}

const DANGEROUS = ['__proto__', 'constructor', 'prototype']
function dangerousKeysIn(value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return []
  const found: string[] = []
  for (const key of Object.keys(value)) {
    if (DANGEROUS.includes(key)) found.push(`${path}.${key}`)
    found.push(...dangerousKeysIn((value as Record<string, unknown>)[key], `${path}.${key}`))
  }
  for (const key of DANGEROUS)
    if (Object.prototype.hasOwnProperty.call(value, key) && !found.includes(`${path}.${key}`)) found.push(`${path}.${key}`)
  return found
}

const at = (minute: number) => `2024-05-01T10:${String(minute % 60).padStart(2, '0')}:00.000Z`
// Segment gives every event its own messageId (and the function remembers what Braze accepted per messageId).
let sequence = 0
const messageId = (kind: string) => `m-${kind}-${++sequence}`
const identify = (traits: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'identify',
  userId: 'hostile-user',
  messageId: messageId('i'),
  timestamp: at(1),
  traits,
  ...extra
})
const track = (properties: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'hostile-user',
  messageId: messageId('t'),
  timestamp: at(2),
  event: 'Hostile Event',
  properties,
  ...extra
})
const order = (products: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'hostile-user',
  messageId: messageId('o'),
  timestamp: at(3),
  event: 'Order Completed',
  properties: { order_id: 'o-1', currency: 'USD', products },
  ...extra
})
const warningsOf = (outcome: Outcome): string[] =>
  outcome.kind === 'returned' ? ((outcome.value as { warnings?: string[] }).warnings ?? []) : []

// Arbitrary hostile events, for the property tests below.
const nasty = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  '$set',
  'a.b',
  'a b',
  'time',
  'event_name',
  'NaN',
  'Infinity',
  '1e400',
  '-0',
  '\uD800',
  'x\uDC00',
  'x'.repeat(300),
  '2024-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'Order Completed',
  'order completed',
  'audience',
  'true',
  'false'
)
const text = fc.oneof(
  nasty,
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.nat(0xffff).map((code) => String.fromCharCode(code)), maxLength: 12 })
)
const key = fc.oneof(nasty, fc.string({ maxLength: 8 }))
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-0))
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries))
  )
}))
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const product = fc.record(
  {
    product_id: maybe(fc.oneof(text, fc.integer())),
    sku: maybe(text),
    price: maybe(fc.oneof(leaf, fc.constantFrom('9.99', '1e3', ' 12 '))),
    quantity: maybe(fc.oneof(leaf, fc.integer({ min: -5, max: 500 }))),
    currency: maybe(text),
    extra: maybe(value)
  },
  { requiredKeys: [] }
)
const event = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias', 'delete'), leaf),
      userId: fc.oneof(fc.constantFrom('u-1', 'u-2', 'u-3'), leaf, value),
      anonymousId: fc.oneof(fc.constantFrom('a-1', 'a-2'), leaf),
      previousId: fc.oneof(fc.constantFrom('a-1', 'u-2'), leaf),
      event: fc.oneof(fc.constantFrom('Order Completed', 'Audience Entered', 'Viewed'), leaf, value),
      name: maybe(text),
      groupId: maybe(fc.oneof(text, value)),
      timestamp: fc.oneof(fc.constantFrom('2024-05-01T10:00:00Z', '2024-05-01T09:00:00Z'), text, leaf),
      traits: fc.oneof(
        value,
        fc.array(fc.tuple(key, value), { maxLength: 6 }).map((entries) => Object.fromEntries(entries))
      ),
      properties: fc.oneof(
        value,
        fc.record(
          {
            products: fc.oneof(fc.array(product, { maxLength: 4 }), value),
            currency: maybe(text),
            audience_key: maybe(text),
            extra: maybe(value)
          },
          { requiredKeys: [] }
        )
      ),
      context: fc.oneof(
        value,
        fc.record(
          {
            personas: fc.record({
              computation_class: fc.oneof(fc.constantFrom('audience', 'journey_step', 'trait'), text),
              computation_key: fc.oneof(fc.constantFrom('vip', 'constructor', '$x'), text)
            }),
            traits: value,
            timezone: maybe(text),
            locale: maybe(text)
          },
          { requiredKeys: [] }
        )
      ),
      integrations: maybe(value)
    },
    { requiredKeys: ['type'] }
  )
  .map((record) => JSON.parse(JSON.stringify(record)) as Record<string, unknown>)

/** The hostile-input suite in one runtime profile. */
function hostileInputSuite(name: RuntimeProfile): void {
  // What an input does to the mapping does not depend on the profile (the profiles differ in globals,
  // not in how JSON is read): the combinatorial and random parts run whole in Segment's profile and
  // sampled in the others.
  const thorough = name === 'segment'
  describe(`in the ${name} runtime profile`, () => {
    // A fresh instance per test: what one test's events leave in the delivery memory (Segment's cache) must not change the next test's requests.
    beforeEach(() => {
      profile = name
      runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
    })

    describe('nesting 10,000 levels deep never overflows the stack', () => {
      const DEPTH = 10_000
      const cases: Array<[string, string, () => unknown]> = [
        ['identify traits', 'identify', () => identify({ plan: 'pro', deep: nest(DEPTH) })],
        ['identify trait that is nested arrays', 'identify', () => identify({ plan: 'pro', deep: nestArray(DEPTH) })],
        ['track properties', 'track', () => track({ ok: 1, deep: nest(DEPTH) })],
        ['order product field', 'track', () => order([{ product_id: 'p', price: 1, details: nest(DEPTH) }])],
        [
          'context.traits and context.personas',
          'identify',
          () => identify({ plan: 'pro' }, { context: { traits: nest(DEPTH), personas: nest(DEPTH) } })
        ],
        ['integrations', 'track', () => track({ ok: 1 }, { integrations: { Braze: nest(DEPTH), Appboy: nest(DEPTH) } })],
        ['the userId itself', 'identify', () => identify({ plan: 'pro' }, { userId: nest(DEPTH), traits: { email: 'deep@example.com' } })],
        ['page properties', 'page', () => ({ type: 'page', userId: 'hostile-user', name: 'Home', properties: { deep: nest(DEPTH) } })]
      ]

      test.each(cases)('%s: single handler', async (_name, type, make) => {
        await single(type, make(), ALL_ON)
        for (const request of braze.requests) expect(depthOf(request.body)).toBeLessThan(64)
      })

      test('all of them in one onBatch', async () => {
        const events = cases.map(([, , make]) => make())
        const results = await batch(events, ALL_ON)
        expect(results.filter((result) => result.status === 200).length).toBeGreaterThan(0)
      })

      test('the identify is delivered without the part that is too deep, and says so', async () => {
        const outcome = await single('identify', identify({ plan: 'pro', deep: nest(DEPTH) }))
        expect(outcome.kind).toBe('returned')
        expect(warningsOf(outcome).join('\n')).toMatch(/deep/)
        const sent = braze.requests[0]!.body as { attributes: Array<Record<string, unknown>> }
        expect(sent.attributes[0]!.plan).toBe('pro')
      })
    })

    describe("sizes over Braze's limits", () => {
      const bigNested = () => Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`field_${i}`, 'v'.repeat(200)]))

      test('a nested trait over 100 KB is dropped with a warning; the other traits are sent', async () => {
        const outcome = await single('identify', identify({ plan: 'pro', profile: bigNested() }))
        expect(outcome.kind).toBe('returned')
        expect(warningsOf(outcome).join('\n')).toMatch(/100 KB/)
        const attributes = (braze.requests[0]!.body as { attributes: Array<Record<string, unknown>> }).attributes[0]!
        expect(attributes.plan).toBe('pro')
        expect(attributes).not.toHaveProperty('profile')
      })

      test('a 300 KB string trait is cut to 255 characters', async () => {
        const outcome = await single('identify', identify({ bio: 'b'.repeat(300_000) }))
        expect(outcome.kind).toBe('returned')
        const attributes = (braze.requests[0]!.body as { attributes: Array<Record<string, unknown>> }).attributes[0]!
        expect(attributes.bio).toHaveLength(255)
      })

      test('properties over 50 KB: InvalidEventPayload alone, 400 in a batch', async () => {
        const event = track(bigNested())
        const outcome = await single('track', event)
        expect(thrownClass(outcome)).toBe('InvalidEventPayload')
        if (outcome.kind === 'thrown') expect(outcome.message).toMatch(/KB/)
        const results = await batch([event, track({ small: true })])
        expect(results.map((result) => result.status)).toEqual([400, 200])
      })

      test('a product whose merged properties exceed 50 KB is skipped, the order is refused when nothing is left', async () => {
        const outcome = await single('track', order([{ product_id: 'p', price: 1, blob: bigNested() }]))
        expect(thrownClass(outcome)).toBe('InvalidEventPayload')
      })

      test('10,000-element arrays in traits and properties: bounded', async () => {
        const { runtime: fast, exchanges } = inProcessRuntime(profile)
        const numbers = Array.from({ length: 10_000 }, (_, i) => i)
        await single('identify', identify({ scores: numbers, tags: { add: numbers.map((n) => `t${n}`) } }), SETTINGS, fast, exchanges)
        await single('track', track({ ids: numbers.slice(0, 5_000) }), SETTINGS, fast, exchanges)
        const results = await batch([identify({ scores: numbers }), track({ ids: numbers.slice(0, 5_000) })], SETTINGS, fast, exchanges)
        expect(results.map((result) => result.status)).toEqual([200, 200])
      })

      test('an order with 10,000 products: refused whole (bounded fan-out), nothing sent', async () => {
        const { runtime: fast, exchanges } = inProcessRuntime(profile, acceptAll)
        const products = Array.from({ length: 10_000 }, (_, i) => ({ product_id: `p-${i}`, price: 1 }))
        const outcome = await single('track', order(products), SETTINGS, fast, exchanges)
        expect(thrownClass(outcome)).toBe('InvalidEventPayload')
        if (outcome.kind === 'thrown') expect(outcome.message).toMatch(/10000 Braze objects .*at most 300/)
        expect(exchanges).toHaveLength(0)
      })

      test('an order with 300 products: one purchase each, in 4 requests sent one after another', async () => {
        const { runtime: fast, exchanges } = inProcessRuntime(profile, acceptAll)
        const products = Array.from({ length: 300 }, (_, i) => ({ product_id: `p-${i}`, price: 1 }))
        const outcome = await single('track', order(products), SETTINGS, fast, exchanges)
        expect(outcome.kind).toBe('returned')
        expect(exchanges.map((exchange) => (exchange.body as { purchases: unknown[] }).purchases.length)).toEqual([75, 75, 75, 75])
      })

      // These run in a worker thread that is stopped after 5 s: on the current code they would hold the suite for minutes.
      test('two identifies of one user whose traits add 10,000 values each, in one batch: bounded (isolated)', async () => {
        const values = (prefix: string) => Array.from({ length: 10_000 }, (_, i) => `${prefix}${i}`)
        const events = [
          identify({ tags: { add: values('a') } }, { messageId: 'q-1', timestamp: at(1) }),
          identify({ tags: { add: values('b') } }, { messageId: 'q-2', timestamp: at(2) })
        ]
        const outcome = await runIsolated(code, profile, 'onBatch', events, SETTINGS, DEADLINE_MS)
        expect(outcome).toMatchObject({ kind: 'returned' })
        expect(outcome.ms).toBeLessThan(DEADLINE_MS)
      }, 20_000)

      test('a batch of 400 built to cost CPU: 31,000-character numbers and a country, 300 identifies that never fold, 96 orders whose purchases would copy 25 KB each: bounded (isolated)', async () => {
        const digits = `${'1'.repeat(31_000)}x`
        const traits = (n: number) => ({
          _merge_objects: true,
          ...Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`t${n}_${k}`, 1]))
        })
        const big = Object.fromEntries(Array.from({ length: 97 }, (_, k) => [`k${k}`, 'x'.repeat(250)]))
        const products = Array.from({ length: 300 }, (_, j) => ({ id: String(j), price: 1 }))
        const events = [
          order([{ product_id: 'p', price: 1, quantity: digits }]),
          { ...order([{ product_id: 'p', price: 1 }]), properties: { order_id: 'o', currency: 'USD', revenue: digits, products: [] } },
          identify({ visits: { inc: digits } }),
          identify({ country: `a${' '.repeat(31_000)}b` }),
          ...Array.from({ length: 300 }, (_, n) =>
            identify(traits(n), { timestamp: new Date(Date.UTC(2024, 4, 1, 10, 0, 0, n)).toISOString() })
          ),
          ...Array.from({ length: 96 }, (_, n) =>
            order(products, { userId: `buyer-${n}`, properties: { ...big, order_id: `o${n}`, currency: 'USD', products } })
          )
        ]
        const outcome = await runIsolated(code, profile, 'onBatch', events, { ...SETTINGS, ecommerceMode: 'both' }, DEADLINE_MS)
        expect(outcome).toMatchObject({ kind: 'returned' })
        expect(outcome.ms).toBeLessThan(DEADLINE_MS)
      }, 20_000)

      test('an absurd quantity ("1e12") in an order: bounded (isolated)', async () => {
        const outcome = await runIsolated(
          code,
          profile,
          'onTrack',
          order([{ product_id: 'p', price: 1, quantity: '1e12' }]),
          SETTINGS,
          DEADLINE_MS
        )
        expect(['returned', 'thrown']).toContain(outcome.kind)
        if (outcome.kind === 'thrown') expect(outcome.segment).toBe(true)
        expect(outcome.ms).toBeLessThan(DEADLINE_MS)
      }, 20_000)

      test('a large quantity (1,000,000) does not fan out into thousands of requests', async () => {
        const { runtime: fast, exchanges } = inProcessRuntime(profile)
        const outcome = await single('track', order([{ product_id: 'p', price: 1, quantity: 1_000_000 }]), SETTINGS, fast, exchanges)
        expectSegmentOutcome(outcome)
        // Braze takes at most 100 per purchase object; 1,000,000 would be 10,000 objects and 134 requests for one event.
        expect(exchanges.length).toBeLessThanOrEqual(10)
      })
    })

    describe('every JSON type in every field', () => {
      const ALL_VALUES: unknown[] = [
        null,
        true,
        false,
        0,
        -1,
        1.5,
        1e308,
        -0,
        '',
        '   ',
        'x',
        '0',
        'NaN',
        [],
        ['a', 1],
        {},
        { a: 1 },
        [[[]]]
      ]
      const VALUES = thorough ? ALL_VALUES : [null, false, 1e308, '', 'NaN', [], { a: 1 }]
      const BASES: Record<string, () => Record<string, unknown>> = {
        identify: () => ({
          type: 'identify',
          userId: 'u-1',
          anonymousId: 'a-1',
          timestamp: at(1),
          traits: { plan: 'pro', email: 'u1@example.com' },
          context: { personas: { computation_class: 'audience', computation_key: 'vip' } }
        }),
        track: () => ({ type: 'track', userId: 'u-1', timestamp: at(2), event: 'Viewed', properties: { sku: 's' } }),
        order: () => ({
          type: 'track',
          userId: 'u-1',
          timestamp: at(3),
          event: 'Order Completed',
          properties: { currency: 'EUR', products: [{ product_id: 'p', price: 2, quantity: 1 }] }
        }),
        page: () => ({ type: 'page', userId: 'u-1', timestamp: at(4), name: 'Home', category: 'Docs', properties: { path: '/' } }),
        group: () => ({ type: 'group', userId: 'u-1', timestamp: at(5), groupId: 'g-1', traits: { name: 'Acme' } }),
        alias: () => ({ type: 'alias', userId: 'u-1', previousId: 'a-1', timestamp: at(6) }),
        delete: () => ({ type: 'delete', userId: 'u-1', timestamp: at(7), context: [], integrations: [] })
      }
      const FIELDS: string[][] = [
        ['userId'],
        ['anonymousId'],
        ['event'],
        ['traits'],
        ['properties'],
        ['properties', 'products'],
        ['properties', 'products', '0'],
        ['properties', 'products', '0', 'price'],
        ['properties', 'products', '0', 'quantity'],
        ['properties', 'products', '0', 'product_id'],
        ['properties', 'currency'],
        ['context'],
        ['context', 'traits'],
        ['context', 'personas'],
        ['context', 'personas', 'computation_class'],
        ['context', 'personas', 'computation_key'],
        ['context', 'timezone'],
        ['context', 'locale'],
        ['integrations'],
        ['integrations', 'Braze'],
        ['integrations', 'Braze', 'braze_id'],
        ['timestamp'],
        ['originalTimestamp'],
        ['messageId'],
        ['type'],
        ['traits', 'email'],
        ['traits', 'phone'],
        ['traits', 'birthday'],
        ['traits', 'gender'],
        ['traits', 'address'],
        ['traits', 'subscription_groups'],
        ['traits', 'firstName'],
        ['traits', 'name'],
        ['traits', 'avatar'],
        ['traits', 'vip'],
        ['groupId'],
        ['previousId'],
        ['name'],
        ['category']
      ]

      function withField(event: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
        const copy = structuredClone(event)
        let target: Record<string, unknown> = copy
        for (const key of path.slice(0, -1)) {
          if (target[key] === null || typeof target[key] !== 'object') target[key] = {}
          target = target[key] as Record<string, unknown>
        }
        target[path[path.length - 1]!] = structuredClone(value)
        return copy
      }

      test.each(FIELDS.map((path) => [path.join('.'), path]))(
        "%s: onBatch of every event type × every value (Braze's rules, in-process)",
        async (_name, path) => {
          const { runtime: fast, exchanges } = inProcessRuntime(profile)
          const events = Object.values(BASES).flatMap((base) => VALUES.map((value) => withField(base(), path as string[], value)))
          await batch(events, ALL_ON, fast, exchanges)
        }
      )

      test("single handlers: identify and order × every field × every value (Braze's rules, in-process)", async () => {
        const { runtime: fast, exchanges } = inProcessRuntime(profile)
        // What Braze took from this instance so far: a merge it took is remembered, and not sent again.
        const earlier = new Set<string>()
        for (const path of FIELDS) {
          for (const value of VALUES) {
            for (const [type, base] of [
              ['identify', BASES.identify!],
              ['track', BASES.order!]
            ] as const) {
              const event = withField(base(), path, value)
              const outcome = await settle(fast, () => fast.handlers[HANDLER_FOR_TYPE[type]!]!(event, ALL_ON))
              expectSettled(outcome)
              expectSingleNothingLost(event, type, outcome, ALL_ON, exchanges, earlier)
              for (const signature of acceptedSignatures(exchanges)) earlier.add(signature)
              exchanges.length = 0
            }
          }
        }
      }, 30_000)

      test('onBatch with something that is not a list of events', async () => {
        for (const events of [null, undefined, {}, 'events', 42, { length: 2, 0: {}, 1: {} }]) {
          const outcome = await settle(runtime, () => runtime.handlers.onBatch!(events, SETTINGS))
          expectSegmentOutcome(outcome)
          expect(thrownClass(outcome)).not.toBe('RetryError')
        }
        const results = await batch([null, 1, 'x', [], {}, true, [{ type: 'identify', userId: 'u' }]], SETTINGS)
        expect(results.every((result) => result.status === 400)).toBe(true)
      })

      test('hostile settings: a Segment error, never a crash', async () => {
        const hostile: unknown[] = [
          null,
          [],
          'settings',
          { apiKey: 42, dataCenter: 'US-01' },
          { apiKey: KEY, dataCenter: { host: 'x' } },
          { apiKey: KEY, dataCenter: ['US-01'] },
          { ...SETTINGS, maxObjectsPerRequest: '0' },
          { ...SETTINGS, maxObjectsPerRequest: '1e3' },
          { ...SETTINGS, maxObjectsPerRequest: 'NaN' },
          { ...SETTINGS, maxObjectsPerRequest: 226 },
          { ...SETTINGS, purchaseEvents: nestArray(10_000) },
          { ...SETTINGS, purchaseEvents: { a: 1 } },
          { ...SETTINGS, updateExistingOnly: 'yes' },
          { ...SETTINGS, audienceAttribute: '$bad' }
        ]
        for (const settings of hostile) {
          for (const call of [
            () => runtime.handlers.onIdentify!(identify({ plan: 'pro' }), settings),
            () => runtime.handlers.onBatch!([identify({ plan: 'pro' })], settings)
          ]) {
            const outcome = await settle(runtime, call)
            expect(thrownClass(outcome)).toBe('ValidationError')
            expect(outcome.ms).toBeLessThan(DEADLINE_MS)
          }
        }
        expect(braze.requests).toHaveLength(0)
      })
    })

    describe('__proto__, constructor and prototype keys', () => {
      const HOSTILE_JSON = `{
      "type": "identify", "userId": "proto-user", "timestamp": "2024-05-01T10:00:00Z",
      "__proto__": { "polluted": "event" },
      "constructor": { "prototype": { "polluted": "constructor" } },
      "traits": {
        "__proto__": { "polluted": "traits" }, "constructor": { "prototype": { "polluted": "traits" } }, "prototype": { "polluted": 1 },
        "plan": "pro", "nested": { "__proto__": { "polluted": "nested" }, "constructor": { "polluted": true }, "ok": 1 },
        "list": [{ "__proto__": { "polluted": "list" } }]
      },
      "context": { "__proto__": { "polluted": "context" }, "traits": { "__proto__": { "polluted": "context.traits" } },
                   "personas": { "computation_class": "audience", "computation_key": "constructor" } },
      "integrations": { "__proto__": { "polluted": "integrations" }, "Braze": { "__proto__": { "braze_id": "hijacked" } } }
    }`
      const HOSTILE_TRACK = `{
      "type": "track", "userId": "proto-user", "event": "Order Completed", "timestamp": "2024-05-01T10:00:01Z",
      "properties": { "__proto__": { "polluted": "properties" }, "constructor": { "prototype": { "polluted": 2 } }, "currency": "USD",
                      "products": [ { "__proto__": { "price": 5, "polluted": "product" }, "product_id": "p", "price": 3, "constructor": { "polluted": 3 } } ] }
    }`
      const HOSTILE_AUDIENCE = `{
      "type": "track", "userId": "proto-user", "event": "Audience Entered", "timestamp": "2024-05-01T10:00:02Z",
      "properties": { "audience_key": "__proto__", "__proto__": true, "constructor": true },
      "context": { "personas": { "computation_class": "audience", "computation_key": "__proto__" } }
    }`

      function snapshot(realm: { Object: ObjectConstructor; Array: ArrayConstructor; Function: FunctionConstructor }) {
        return [realm.Object.prototype, realm.Array.prototype, realm.Function.prototype].map((proto) =>
          Object.getOwnPropertyNames(proto).sort().join(',')
        )
      }
      function expectClean(before: { outer: string[]; inner: string[] }) {
        const inner = runtime.global as any
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined()
        expect(inner.Function('return ({}).polluted')()).toBeUndefined()
        expect(snapshot(globalThis as never)).toEqual(before.outer)
        expect(snapshot(inner)).toEqual(before.inner)
      }

      test('no prototype is polluted and no such key is sent to Braze (single, batch, pure mapping)', async () => {
        const before = { outer: snapshot(globalThis as never), inner: snapshot(runtime.global as any) }
        const events = [HOSTILE_JSON, HOSTILE_TRACK, HOSTILE_AUDIENCE].map((text) => JSON.parse(text))
        await single('identify', JSON.parse(HOSTILE_JSON), ALL_ON)
        await single('track', JSON.parse(HOSTILE_TRACK), ALL_ON)
        await single('track', JSON.parse(HOSTILE_AUDIENCE), ALL_ON)
        const results = await batch(events, ALL_ON)
        expect(results.map((result) => result.status)).toEqual([200, 200, 200])
        for (const event of events) mapEvent(event, parsedSettings(ALL_ON))
        expectClean(before)
        // Attributes never carry such keys; event and purchase properties carry constructor and prototype as the data they
        // are (Braze drops only "$" keys there: https://www.braze.com/docs/api/objects_filters/event_object/), never __proto__.
        for (const request of braze.requests) {
          const { attributes, ...rest } = request.body as { attributes?: unknown }
          expect(dangerousKeysIn(attributes ?? [])).toEqual([])
          expect(dangerousKeysIn(rest).filter((path) => path.endsWith('.__proto__'))).toEqual([])
        }
        const identified = braze.requests.find((request) => JSON.stringify(request.body).includes('"plan"'))!.body as {
          attributes: Array<Record<string, unknown>>
        }
        expect(identified.attributes[0]).toMatchObject({ external_id: 'proto-user', plan: 'pro' })
        expect(JSON.stringify(braze.requests.map((request) => request.body))).not.toMatch(/hijacked/)
        expect(JSON.stringify(braze.requests.map((request) => (request.body as { attributes?: unknown }).attributes ?? []))).not.toMatch(
          /polluted/
        )
      })

      test('an inherited price does not price a product', async () => {
        const outcome = await single(
          'track',
          JSON.parse(
            `{"type":"track","userId":"u","event":"Order Completed","properties":{"products":[{"__proto__":{"price":5},"product_id":"p"}]}}`
          )
        )
        expect(thrownClass(outcome)).toBe('InvalidEventPayload')
      })
    })

    describe('broken UTF-16', () => {
      const LONE = ['\uD800', '\uDFFF', 'a\uD83Db', '\uDE00x', 'end\uD83D']
      const wellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
      function strings(value: unknown, out: string[] = []): string[] {
        if (typeof value === 'string') out.push(value)
        else if (value !== null && typeof value === 'object') {
          for (const [key, item] of Object.entries(value)) {
            out.push(key)
            strings(item, out)
          }
        }
        return out
      }

      test('lone surrogates in ids, names, keys and values: valid JSON reaches Braze, nothing lost', async () => {
        const events = LONE.flatMap((text, i) => [
          { type: 'identify', userId: `u${text}`, timestamp: at(i), traits: { [`k${text}`]: `v${text}`, plain: text } },
          { type: 'track', userId: `u${text}`, timestamp: at(i), event: `E${text}`, properties: { [`p${text}`]: text } },
          order([{ product_id: `p${text}`, price: 1, name: text }], { userId: `u${text}`, timestamp: at(i) })
        ])
        for (const event of events) {
          braze.reset()
          await single(event.type, event, ALL_ON)
          for (const request of braze.requests) expect(typeof request.body).toBe('object')
        }
        braze.reset()
        // A new instance: this one remembers that Braze took these events already.
        runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
        await batch(events, ALL_ON)
        for (const request of braze.requests) expect(typeof request.body).toBe('object')
      })

      test('cutting a long string never splits a surrogate pair', async () => {
        for (const offset of [253, 254, 255]) {
          braze.reset()
          const text = `${'a'.repeat(offset)}${'😀'.repeat(40)}`
          await single('identify', identify({ bio: text, nested: { bio: text } }))
          await single('track', track({ bio: text }, { event: `${'E'.repeat(offset)}😀😀😀` }))
          for (const request of braze.requests) {
            for (const value of strings(request.body)) expect(wellFormed(value)).toBe(true)
          }
        }
      })
    })

    describe('numbers that are not numbers', () => {
      test('"NaN", "Infinity", "1e400" as prices and quantities: those products are skipped with a warning', async () => {
        const products = [
          { product_id: 'a', price: 'NaN' },
          { product_id: 'b', price: 'Infinity' },
          { product_id: 'c', price: '1e400' },
          { product_id: 'd', price: '-Infinity' },
          { product_id: 'e', price: '12.5', quantity: '1e400' },
          { product_id: 'f', price: '12.5', quantity: 'NaN' },
          { product_id: 'g', price: '12.5', quantity: 'Infinity' },
          { product_id: 'h', price: '9.99', quantity: '2' }
        ]
        const outcome = await single('track', order(products))
        expect(outcome.kind).toBe('returned')
        expect(warningsOf(outcome).filter((warning) => /skipped/.test(warning))).toHaveLength(7)
        const purchases = (braze.requests[0]!.body as { purchases: Array<Record<string, unknown>> }).purchases
        expect(purchases).toEqual([expect.objectContaining({ product_id: 'h', price: 9.99, quantity: 2 })])
        for (const purchase of purchases) expect(Number.isFinite(purchase.price)).toBe(true)
      })

      test('an order with nothing but such products is refused', async () => {
        const outcome = await single(
          'track',
          order([
            { product_id: 'a', price: 'NaN' },
            { product_id: 'b', price: '1e400' }
          ])
        )
        expect(thrownClass(outcome)).toBe('InvalidEventPayload')
      })

      test.each(['NaN', 'Infinity', '1e400', '-1e400', '', 'yesterday', '2024-13-45T99:99:99Z'])(
        'timestamp %p: the event is still sent, with a valid time',
        async (timestamp) => {
          const before = Date.now()
          const outcome = await single('track', track({ ok: 1 }, { timestamp, originalTimestamp: timestamp, receivedAt: timestamp }))
          expect(outcome.kind).toBe('returned')
          const sent = (braze.requests[0]!.body as { events: Array<{ time: string }> }).events[0]!
          expect(Math.abs(Date.parse(sent.time) - before)).toBeLessThan(60_000)
        }
      )
    })

    describe('timestamps far in the past or future', () => {
      const TIMES = [
        '0001-01-01T00:00:00Z',
        '1900-01-01T00:00:00Z',
        '1970-01-01T00:00:00Z',
        '2999-12-31T23:59:59Z',
        '9999-12-31T23:59:59.999Z',
        '+010000-01-01T00:00:00Z',
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '-000001-01-01T00:00:00Z'
      ]

      test.each(TIMES)('%s: settles, nothing lost (single and batch)', async (timestamp) => {
        await single('track', track({ ok: 1 }, { timestamp }))
        await single('identify', identify({ plan: 'pro' }, { timestamp }))
        await single('track', order([{ product_id: 'p', price: 1 }], { timestamp }))
        braze.reset()
        await batch([
          identify({ plan: 'a' }, { timestamp }),
          identify({ plan: 'b' }, { timestamp: at(5) }),
          track({ ok: 1 }, { timestamp })
        ])
      })

      // Date.parse takes years past 9999 (and before 0), toISOString then writes "+010000-…": not the ISO 8601 form Braze
      // documents, so the event is rejected and discarded. A client clock that far off should not cost the event.
      test('timestamps beyond 4-digit years: the events are still delivered, with a 4-digit-year time', async () => {
        const seen: Record<string, string> = {}
        for (const timestamp of [
          '+010000-01-01T00:00:00Z',
          '+275760-09-13T00:00:00.000Z',
          '-000001-01-01T00:00:00Z',
          '-271821-04-20T00:00:00.000Z'
        ]) {
          braze.reset()
          const outcome = await single('track', track({ ok: 1 }, { timestamp }))
          const sent = (braze.requests[0]!.body as { events: Array<{ time: string }> }).events[0]!
          seen[timestamp] = `${outcome.kind}: ${sent.time}`
        }
        expect(seen).toEqual(
          Object.fromEntries(Object.keys(seen).map((timestamp) => [timestamp, expect.stringMatching(/^returned: \d{4}-\d{2}-\d{2}T/)]))
        )
      })
    })

    describe('one user floods a batch', () => {
      test('400 events for one user: all delivered, one attributes object (latest wins), requests at the lower bound', async () => {
        const events: Record<string, unknown>[] = []
        // Deterministic shuffle of timestamps: arrival order is not time order.
        const minutes = Array.from({ length: 200 }, (_, i) => (i * 37) % 200)
        minutes.forEach((minute, i) =>
          events.push({
            type: 'identify',
            userId: 'solo',
            messageId: `s-i-${i}`,
            timestamp: new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString(),
            traits: { counter: minute, [`t_${i % 7}`]: i }
          })
        )
        for (let i = 0; i < 150; i++)
          events.push({ type: 'track', userId: 'solo', messageId: `s-t-${i}`, timestamp: at(i), event: 'Clicked', properties: { i } })
        for (let i = 0; i < 50; i++)
          events.push(
            order(
              [
                { product_id: `p${i}`, price: 1 },
                { product_id: `q${i}`, price: 2 }
              ],
              { userId: 'solo', messageId: `s-o-${i}`, timestamp: at(i) }
            )
          )
        expect(events).toHaveLength(400)
        const results = await batch(events)
        expect(results.every((result) => result.status === 200)).toBe(true)

        const counts = { attributes: 0, events: 0, purchases: 0 }
        for (const request of braze.requests) {
          const body = request.body as Record<string, unknown[] | undefined>
          for (const name of ['attributes', 'events', 'purchases'] as const) counts[name] += body[name]?.length ?? 0
        }
        expect(counts).toEqual({ attributes: 1, events: 150, purchases: 100 })
        expect(braze.requests).toHaveLength(lowerBoundOf(counts.attributes, counts.events, counts.purchases, 75))
        const attributes = braze.requests.flatMap(
          (request) => (request.body as { attributes?: Array<Record<string, unknown>> }).attributes ?? []
        )
        expect(attributes[0]!.counter).toBe(199)
      })

      test('duplicate messageIds: each input gets its own status; nothing is silently dropped', async () => {
        const event = track({ n: 1 }, { messageId: 'dup-1' })
        const results = await batch([
          event,
          structuredClone(event),
          { ...track({ n: 2 }, { messageId: 'dup-1' }), event: 'Other' },
          identify({ a: 1 }, { messageId: 'dup-1' })
        ])
        expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200])
      })
    })

    describe('property-based: arbitrary hostile events', () => {
      test('single handlers: a Segment outcome within the deadline, never 200 for what Braze refused', async () => {
        const before = Object.getOwnPropertyNames(Object.prototype).join(',')
        await fc.assert(
          fc.asyncProperty(event, async (hostile) => {
            // A new instance each run, answered by Braze's rules in-process: nothing remembered from another run.
            const { runtime: fast, exchanges } = inProcessRuntime(profile)
            runtime = fast
            const type = typeof hostile.type === 'string' && Object.hasOwn(HANDLER_FOR_TYPE, hostile.type) ? hostile.type : 'track'
            await single(type, hostile, ALL_ON, fast, exchanges)
          }),
          { numRuns: thorough ? 150 : 50, seed: 20240501 }
        )
        expect(Object.getOwnPropertyNames(Object.prototype).join(',')).toBe(before)
        expect((runtime.global as any).Function('return ({}).polluted')()).toBeUndefined()
      }, 30_000)

      test('onBatch: one well-formed status per event, nothing lost', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (events) => {
            const { runtime: fast, exchanges } = inProcessRuntime(profile)
            await batch(events, ALL_ON, fast, exchanges)
          }),
          { numRuns: thorough ? 40 : 15, seed: 20240502 }
        )
      }, 30_000)
    })
  })
}

/** Pure mapping and the helpers' own checks: the same in every runtime profile, so run once. */
function profileFreeChecks(): void {
  test('pure mapEvent on any JSON value: never throws', () => {
    const settings = parsedSettings(ALL_ON)
    fc.assert(
      fc.property(fc.oneof(value, event), (hostile) => {
        const plan = mapEvent(hostile, settings)
        expect(plan).toBeDefined()
      }),
      { numRuns: 500, seed: 20240503 }
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('expectBatchShape is the shape onBatch promises', () => {
    expect(() => expectBatchShape([{ status: 200 }, { status: 500, errormessage: 'later' }], 2)).not.toThrow()
  })
}

for (const profile of RUNTIME_PROFILES) hostileInputSuite(profile)
profileFreeChecks()
