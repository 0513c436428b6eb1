/**
 * The API key: only ever in the Authorization header of requests to the
 * resolved Braze host; never in an error (message or stack), a log line, a
 * warning, a return value or a batch status, whatever Braze or the network
 * echoes back. And settings live only as long as one call: interleaved calls
 * with different keys and data centers each go to their own host with their
 * own key.
 */
import nock from 'nock'
import type { ObservedRequest, RuntimeProfile, SegmentRuntime } from '../src/tools/segment-runtime'
import { loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'
import { expectBatchShape, expectSegmentOutcome, type Outcome, settle, sleep, thrownClass } from './adversarial-support'
import { useNock } from './helpers/braze-nock'

const KEY = 'sk-ADVERSARIAL-9a41f0c3e7b25d68-SECRET'
const KEY_A = 'sk-TENANT-A-3f9b2c7d1e8a4065-SECRET'
const KEY_B = 'sk-TENANT-B-6c0e5a9f2b7d3184-SECRET'
const US01 = 'https://rest.iad-01.braze.com'
const EU02 = 'https://rest.fra-02.braze.eu'
const SETTINGS = { apiKey: KEY, dataCenter: 'US-01' }

const IDENTIFY = { type: 'identify', userId: 'alice', messageId: 's-1', timestamp: '2024-05-01T10:00:00Z', traits: { plan: 'pro' } }
const TRACK = {
  type: 'track',
  userId: 'alice',
  messageId: 's-2',
  timestamp: '2024-05-01T10:01:00Z',
  event: 'Signed In',
  properties: { method: 'sso' }
}
const BATCH = [IDENTIFY, TRACK, { type: 'track', userId: 'alice', messageId: 's-3' }]

let runtime: SegmentRuntime
let observed: ObservedRequest[]
let profile: RuntimeProfile

useNock()

/** A leak is any 10 characters of the key in a row: a cut through the key must not leave most of it behind. */
function leaked(text: string, key: string): string | undefined {
  for (let start = 0; start + 10 <= key.length; start++) {
    const piece = key.slice(start, start + 10)
    if (text.includes(piece)) return piece
  }
  return undefined
}

/** Every place Segment or a user could see: errors (message, stack, own fields), return values, batch statuses, logs. */
function visibleText(outcome: Outcome, on: SegmentRuntime): string {
  const parts: string[] = [...on.logs]
  if (outcome.kind === 'returned') parts.push(JSON.stringify(outcome.value) ?? '')
  else {
    const error = outcome.error as Error & { cause?: unknown }
    parts.push(String(error), error?.message ?? '', error?.stack ?? '', JSON.stringify(error) ?? '', String(error?.cause ?? ''))
    try {
      parts.push(JSON.stringify(Object.getOwnPropertyNames(error).map((name) => (error as unknown as Record<string, unknown>)[name])))
    } catch {
      parts.push('(unserialisable error fields)')
    }
  }
  return parts.join('\n')
}

function expectNoKey(outcome: Outcome, key = KEY, on: SegmentRuntime = runtime): void {
  expect(leaked(visibleText(outcome, on), key)).toBeUndefined()
}

type Answer = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }

/** Braze (any endpoint) answers `answer`; the request must carry the key in the header and nowhere else. */
function brazeSays(answer: Answer, origin = US01) {
  const seen: Array<{ authorization: unknown; path: string; body: string }> = []
  nock(origin)
    .post(/.*/)
    .times(10)
    .reply(function (path, body) {
      seen.push({ authorization: this.req.headers.authorization, path, body: JSON.stringify(body) })
      return [answer.status, answer.raw ?? JSON.stringify(answer.body ?? ''), answer.headers ?? { 'Content-Type': 'application/json' }]
    })
  return seen
}

function expectKeyOnlyInHeader(seen: Array<{ authorization: unknown; path: string; body: string }>, key = KEY): void {
  expect(seen.length).toBeGreaterThan(0)
  for (const request of seen) {
    expect(request.authorization).toBe(`Bearer ${key}`)
    expect(leaked(request.body, key)).toBeUndefined()
    expect(leaked(request.path, key)).toBeUndefined()
  }
}

const ECHOES: Array<[string, Answer, 'RetryError' | 'ValidationError' | 'returned']> = [
  ['401 that echoes the key', { status: 401, body: { message: `Invalid API key: ${KEY}` } }, 'ValidationError'],
  [
    '401 that echoes the Authorization header',
    { status: 401, body: { message: 'unauthorised', errors: [`Authorization: Bearer ${KEY}`] } },
    'ValidationError'
  ],
  [
    '400 with the key in errors',
    { status: 400, body: { message: `key ${KEY} is not allowed here`, errors: [KEY, { key: KEY }] } },
    'ValidationError'
  ],
  [
    '201 whose errors[] type is the key',
    {
      status: 201,
      body: {
        message: 'success',
        errors: [
          { type: `rejected for ${KEY}`, input_array: 'attributes', index: 0 },
          { type: KEY, input_array: 'events', index: 0 }
        ]
      }
    },
    'ValidationError'
  ],
  [
    '500 HTML page that prints the key',
    { status: 500, raw: `<html><body><pre>Authorization: Bearer ${KEY}</pre></body></html>`, headers: { 'Content-Type': 'text/html' } },
    'RetryError'
  ],
  [
    '201 non-JSON body that starts with the key',
    { status: 201, raw: `${KEY} ok`, headers: { 'Content-Type': 'text/plain' } },
    'RetryError'
  ],
  [
    '201 success that echoes the key in a field',
    { status: 201, body: { message: 'success', echo: { header: `Bearer ${KEY}`, [KEY]: KEY } } },
    'returned'
  ],
  [
    '429 whose message crosses the 300-character cut with the key',
    { status: 429, body: { message: `${'x'.repeat(290)}${KEY}` } },
    'RetryError'
  ],
  [
    '400 whose raw text crosses the 300-character cut with the key',
    { status: 400, raw: `${'y'.repeat(295)}${KEY}`, headers: { 'Content-Type': 'text/plain' } },
    'ValidationError'
  ],
  ['202 with message "queued: <key>"', { status: 202, body: { message: `queued: ${KEY}` } }, 'RetryError']
]

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (name) => {
  beforeEach(() => {
    profile = name
    observed = []
    runtime = loadBuilt({ profile, onRequest: (exchange) => observed.push(exchange) })
  })

  describe('Braze echoes the key back: it never reaches Segment', () => {
    test.each(ECHOES)('%s: single handlers', async (_name, answer, expected) => {
      for (const [handler, event] of [
        ['onIdentify', IDENTIFY],
        ['onTrack', TRACK]
      ] as const) {
        nock.cleanAll()
        const seen = brazeSays(answer)
        const outcome = await settle(runtime, () => runtime.handlers[handler]!(event, SETTINGS))
        expectSegmentOutcome(outcome)
        expect(thrownClass(outcome)).toBe(expected)
        expectNoKey(outcome)
        expectKeyOnlyInHeader(seen)
      }
    })

    test.each(ECHOES)('%s: onBatch', async (_name, answer) => {
      const seen = brazeSays(answer)
      const outcome = await settle(runtime, () => runtime.handlers.onBatch!(BATCH, SETTINGS))
      expect(outcome.kind).toBe('returned')
      if (outcome.kind === 'returned') expectBatchShape(outcome.value, BATCH.length)
      expectNoKey(outcome)
      expectKeyOnlyInHeader(seen)
    })
  })

  describe('the network echoes the key', () => {
    test.each([
      [
        'an error message with the header in it',
        { message: `Request to ${US01} failed, headers: Authorization: Bearer ${KEY}`, code: 'ECONNREFUSED' }
      ],
      ['an error code that is the key', { message: 'weird', code: KEY }],
      ['an error with only a message', { message: `socket closed (Bearer ${KEY})` }]
    ])('%s', async (_name, error) => {
      nock(US01)
        .post(/.*/)
        .times(10)
        .replyWithError(Object.assign(new Error(error.message), error))
      for (const call of [() => runtime.handlers.onIdentify!(IDENTIFY, SETTINGS), () => runtime.handlers.onBatch!(BATCH, SETTINGS)]) {
        const outcome = await settle(runtime, call)
        expectSegmentOutcome(outcome)
        expectNoKey(outcome)
      }
    })
  })

  describe('settings that carry the key somewhere else', () => {
    test.each([
      ['the key pasted into dataCenter', { apiKey: KEY, dataCenter: KEY }],
      ['the key as a URL path in dataCenter', { apiKey: KEY, dataCenter: `https://rest.iad-01.braze.com.${KEY}.example` }],
      ['the key in maxObjectsPerRequest', { ...SETTINGS, maxObjectsPerRequest: KEY }],
      ['the key in audienceAttribute', { ...SETTINGS, audienceAttribute: `$${KEY}` }],
      ['the key in updateExistingOnly', { ...SETTINGS, updateExistingOnly: KEY }],
      ['the key in purchaseEvents', { ...SETTINGS, purchaseEvents: { [KEY]: KEY } }],
      ['the key as a number-looking apiKey of the wrong type', { apiKey: [KEY], dataCenter: 'US-01' }]
    ])('%s: ValidationError without the key, and no request', async (_name, settings) => {
      for (const call of [() => runtime.handlers.onIdentify!(IDENTIFY, settings), () => runtime.handlers.onBatch!(BATCH, settings)]) {
        const outcome = await settle(runtime, call)
        expect(thrownClass(outcome)).toBe('ValidationError')
        expectNoKey(outcome)
      }
      expect(observed).toEqual([])
    })

    test('a quoted key with spaces is sent bare, and is redacted in bare form when Braze echoes it', async () => {
      const seen = brazeSays({ status: 401, body: { message: `Invalid API key: ${KEY}` } })
      const outcome = await settle(runtime, () => runtime.handlers.onIdentify!(IDENTIFY, { apiKey: `  "${KEY}" `, dataCenter: 'US-01' }))
      expect(thrownClass(outcome)).toBe('ValidationError')
      expectNoKey(outcome)
      expect(seen[0]!.authorization).toBe(`Bearer ${KEY}`)
    })

    test("a key of 1 to 3 characters (no real Braze key, but no setting refuses it) echoed by Braze: Braze's text is left out", async () => {
      for (const apiKey of ['Zq7', 'k']) {
        nock.cleanAll()
        brazeSays({ status: 401, body: { message: `Invalid API key: ${apiKey}` } })
        const outcome = await settle(runtime, () => runtime.handlers.onIdentify!(IDENTIFY, { apiKey, dataCenter: 'US-01' }))
        expect(thrownClass(outcome)).toBe('ValidationError')
        if (outcome.kind === 'thrown') {
          expect(outcome.message).not.toContain(`Invalid API key: ${apiKey}`)
          expect(outcome.message).toContain("Braze's text left out")
          expect(outcome.message).toMatch(/HTTP 401/)
        }
      }
    })

    test('a key that cannot be sent in an HTTP header (pasted with a zero-width space) is a ValidationError naming apiKey, not a retry', async () => {
      for (const apiKey of [`${KEY}\u200b`, `ключ-${KEY}`, `${KEY}\n`.replace('\n', '\u0007')]) {
        const outcome = await settle(runtime, () => runtime.handlers.onIdentify!(IDENTIFY, { apiKey, dataCenter: 'US-01' }))
        expectNoKey(outcome)
        // Retrying for 4 hours cannot fix a bad setting.
        expect(thrownClass(outcome)).toBe('ValidationError')
        if (outcome.kind === 'thrown') expect(outcome.message).toMatch(/apiKey/)
      }
    })
  })

  describe('successful calls', () => {
    test('return values and logs never hold the key', async () => {
      brazeSays({ status: 201, body: { message: 'success', attributes_processed: 1, events_processed: 1 } })
      for (const call of [
        () => runtime.handlers.onIdentify!(IDENTIFY, SETTINGS),
        () => runtime.handlers.onTrack!(TRACK, SETTINGS),
        () => runtime.handlers.onBatch!(BATCH, SETTINGS)
      ]) {
        const outcome = await settle(runtime, call)
        expect(outcome.kind).toBe('returned')
        expectNoKey(outcome)
      }
      expect(leaked(runtime.logs.join('\n'), KEY)).toBeUndefined()
    })
  })

  describe('requests only go to the resolved Braze host', () => {
    test.each([
      'https://rest.iad-01.braze.com.evil.example',
      'http://rest.iad-01.braze.com',
      'https://evil.example/rest.iad-01.braze.com',
      'https://rest.iad-01.braze.com@evil.example',
      'https://user:pass@rest.iad-01.braze.com',
      'https://rest.iad-01.braze.com:8443',
      'https://rest.iad-09.braze.com',
      'US-09',
      'rest.iad-01.braze.co',
      '//evil.example'
    ])('dataCenter %p: ValidationError, nothing sent', async (dataCenter) => {
      const outcome = await settle(runtime, () => runtime.handlers.onIdentify!(IDENTIFY, { apiKey: KEY, dataCenter }))
      expect(thrownClass(outcome)).toBe('ValidationError')
      if (outcome.kind === 'thrown') expect(outcome.message).toMatch(/dataCenter/)
      expectNoKey(outcome)
      expect(observed).toEqual([])
    })

    test('a redirect to another host is not followed: neither the key nor the user data leave for it', async () => {
      const evil = nock('https://evil.example').post(/.*/).times(10).reply(201, { message: 'success' })
      nock(US01).post(/.*/).times(10).reply(307, '', { Location: 'https://evil.example/users/track' })
      for (const call of [() => runtime.handlers.onIdentify!(IDENTIFY, SETTINGS), () => runtime.handlers.onBatch!(BATCH, SETTINGS)]) {
        const outcome = await settle(runtime, call)
        expectSegmentOutcome(outcome)
        expectNoKey(outcome)
        if (outcome.kind === 'returned' && Array.isArray(outcome.value))
          expect(outcome.value.filter((result) => result.status === 200)).toEqual([])
        else expect(outcome.kind).toBe('thrown')
      }
      expect(evil.isDone()).toBe(false)
    })
  })

  describe('settings are per call, never module state', () => {
    const A = {
      apiKey: KEY_A,
      dataCenter: 'US-01',
      appId: 'app-A',
      updateExistingOnly: true,
      audienceAttribute: 'audiences_a',
      purchaseEvents: ['Bought']
    }
    const B = { apiKey: KEY_B, dataCenter: 'EU-02' }
    const alice = (n: number) => ({
      type: 'track',
      userId: `alice-${n}`,
      messageId: `a-${n}`,
      timestamp: '2024-05-01T10:00:00Z',
      event: 'Bought',
      properties: { products: [{ product_id: 'p', price: 1 }] }
    })
    const bob = (n: number) => ({
      type: 'track',
      userId: `bob-${n}`,
      messageId: `b-${n}`,
      timestamp: '2024-05-01T10:00:00Z',
      event: 'Bought',
      properties: { k: n }
    })
    const aliceIdentify = (n: number) => ({
      type: 'identify',
      userId: `alice-${n}`,
      traits: { plan: 'a', vip: true },
      context: { personas: { computation_class: 'audience', computation_key: 'vip' } }
    })
    const bobIdentify = (n: number) => ({
      type: 'identify',
      userId: `bob-${n}`,
      traits: { plan: 'b', vip: true },
      context: { personas: { computation_class: 'audience', computation_key: 'vip' } }
    })

    function tenant(origin: string, key: string, delayMs: number) {
      const bodies: string[] = []
      const scope = nock(origin, { reqheaders: { authorization: `Bearer ${key}` } })
        .post(/^\/users\/(track|identify|merge|delete)$/)
        .times(200)
        .delay(delayMs)
        .reply((_path, body) => {
          bodies.push(JSON.stringify(body))
          return [201, { message: 'success' }]
        })
      return { scope, bodies }
    }

    test('interleaved calls (US-01 key A, EU-02 key B) each reach their own host with their own key and settings', async () => {
      const a = tenant(US01, KEY_A, 25)
      const b = tenant(EU02, KEY_B, 5)
      const calls: Array<() => Promise<unknown>> = []
      for (let n = 0; n < 6; n++) {
        calls.push(() => runtime.handlers.onTrack!(alice(n), A))
        calls.push(() =>
          runtime.handlers.onTrack!(bob(n), {
            ...B,
            dataCenter: ['EU-02', 'eu02', 'https://rest.fra-02.braze.eu/', 'https://dashboard-02.braze.eu', 'EU 02', 'eu-02'][n]!
          })
        )
        calls.push(() => runtime.handlers.onIdentify!(n % 2 ? aliceIdentify(n) : bobIdentify(n), n % 2 ? A : B))
        calls.push(() => runtime.handlers.onBatch!([alice(n + 10), aliceIdentify(n + 10)], A))
        calls.push(() => runtime.handlers.onBatch!([bob(n + 10), bobIdentify(n + 10)], B))
      }
      // Start them all before any answers: every call is in flight while the others run.
      const outcomes = await Promise.all(calls.map((call, i) => sleep(i % 3).then(() => settle(runtime, call))))
      for (const outcome of outcomes) {
        expect(outcome.kind).toBe('returned')
        if (outcome.kind === 'returned' && Array.isArray(outcome.value))
          expect(outcome.value.map((result) => result.status)).toEqual([200, 200])
        expectNoKey(outcome, KEY_A)
        expectNoKey(outcome, KEY_B)
      }
      expect(nock.pendingMocks().length).toBe(2) // the two .times(200) interceptors, never exhausted, never mismatched
      const aText = a.bodies.join('\n')
      const bText = b.bodies.join('\n')
      expect(aText).toMatch(/alice-/)
      expect(aText).not.toMatch(/bob-/)
      expect(bText).toMatch(/bob-/)
      expect(bText).not.toMatch(/alice-/)
      // A's settings shape A's requests only.
      expect(aText).toMatch(/"app_id":"app-A"/)
      expect(aText).toMatch(/audiences_a/)
      expect(bText).not.toMatch(/app-A|audiences_a|_update_existing_only/)
      // B does not treat "Bought" as a purchase event: that was A's setting.
      expect(b.bodies.some((body) => /"purchases"/.test(body))).toBe(false)
      expect(a.bodies.some((body) => /"purchases"/.test(body))).toBe(true)
    })

    test('a call without a key (or data center) after calls with one fails: nothing is remembered', async () => {
      tenant(US01, KEY_A, 0)
      const ok = await settle(runtime, () => runtime.handlers.onIdentify!(aliceIdentify(1), A))
      expect(ok.kind).toBe('returned')
      const sent = observed.length
      for (const settings of [{ dataCenter: 'US-01' }, { apiKey: KEY_A }, {}, { ...A, apiKey: '' }, { ...A, dataCenter: ' ' }]) {
        for (const call of [
          () => runtime.handlers.onIdentify!(aliceIdentify(2), settings),
          () => runtime.handlers.onBatch!([aliceIdentify(2)], settings)
        ]) {
          const outcome = await settle(runtime, call)
          expect(thrownClass(outcome)).toBe('ValidationError')
          expectNoKey(outcome, KEY_A)
        }
      }
      expect(observed.length).toBe(sent)
    })
  })
})
