// The embedded Braze stand-in over HTTP, with Node's own fetch against
// 127.0.0.1 only, and its in-process answer(): authentication, limits, partial errors, what profiles
// become, the user endpoints, and every scripted fault.
import { type EmbeddedBraze, startEmbeddedBraze } from '../src/tools/embedded-braze'
import { useEmbeddedBraze } from './helpers/embedded-braze'

const API_KEY = 'test-rest-api-key'

interface PostOptions {
  key?: string | null
  contentType?: string | null
  rawBody?: string
  method?: string
}

interface PostResult {
  status: number
  headers: Headers
  text: string
  json: any
}

async function post(baseUrl: string, path: string, body?: unknown, options: PostOptions = {}): Promise<PostResult> {
  const headers: Record<string, string> = {}
  const key = options.key === undefined ? API_KEY : options.key
  if (key !== null) headers.authorization = `Bearer ${key}`
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType
  if (contentType !== null) headers['content-type'] = contentType
  const method = options.method ?? 'POST'
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : (options.rawBody ?? JSON.stringify(body))
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

const alias = (name: string, label = 'segment_anonymous_id') => ({ alias_name: name, alias_label: label })
const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00Z`
const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i))

let braze: EmbeddedBraze
const track = (body: unknown, options?: PostOptions) => post(braze.url, '/users/track', body, options)

useEmbeddedBraze({ apiKey: API_KEY }, (started) => (braze = started))

describe('plumbing', () => {
  test('listens on loopback only', () => {
    expect(braze.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  test.each<[string, PostOptions]>([
    ['a wrong key', { key: 'wrong-key' }],
    ['no Authorization header', { key: null }],
    ['the key in quotes', { key: `"${API_KEY}"` }]
  ])('401 for %s, without echoing any key, nothing applied', async (_name, options) => {
    const result = await track({ attributes: [{ external_id: 'u1', a: 1 }] }, options)
    expect(result.status).toBe(401)
    expect(result.json.message).toMatch(/^Invalid API key: /)
    expect(result.text).not.toContain(API_KEY)
    expect(result.text).not.toContain('wrong-key')
    expect(braze.profiles()).toEqual([])
  })

  test('401 on every endpoint', async () => {
    for (const path of ['/users/identify', '/users/merge', '/users/delete', '/users/alias/new']) {
      expect((await post(braze.url, path, {}, { key: 'nope' })).status).toBe(401)
    }
  })

  test('404 for an unknown path, 405 for a GET', async () => {
    const notFound = await post(braze.url, '/users/trak', { attributes: [] })
    expect(notFound.status).toBe(404)
    expect(notFound.json.message).toEqual(expect.any(String))
    const get = await post(braze.url, '/users/track', undefined, { method: 'GET' })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  test('400 for a body that is not JSON, 415 for a missing JSON content type (https://www.braze.com/docs/api/errors/)', async () => {
    const broken = await track(undefined, { rawBody: '{"attributes": [' })
    expect(broken.status).toBe(400)
    expect(broken.json.message).toMatch(/not valid JSON/)
    const noType = await track({ attributes: [{ external_id: 'u1' }] }, { contentType: 'text/plain' })
    expect(noType.status).toBe(415)
    expect(noType.json.message).toMatch(/Content-Type/)
    expect(braze.profiles()).toEqual([])
  })

  test('answers carry plausible X-RateLimit headers', async () => {
    const before = Math.floor(Date.now() / 1000)
    const first = await track({ attributes: [{ external_id: 'u1' }] })
    const second = await track({ attributes: [{ external_id: 'u1' }] })
    expect(first.headers.get('x-ratelimit-limit')).toBe('3000')
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(Number(second.headers.get('x-ratelimit-remaining')))
    const reset = Number(first.headers.get('x-ratelimit-reset'))
    expect(reset).toBeGreaterThanOrEqual(before)
    expect(reset).toBeLessThanOrEqual(before + 4)
    const identify = await post(braze.url, '/users/identify', { aliases_to_identify: [] })
    expect(identify.headers.get('x-ratelimit-limit')).toBe('20000')
  })

  test('records every request in order, with body, status and answer', async () => {
    await track({ attributes: [{ external_id: 'u1' }] })
    await post(braze.url, '/users/delete', { external_ids: ['u1'] }, { key: 'bad' })
    await track(undefined, { rawBody: 'not json' })
    expect(braze.requests).toEqual([
      {
        method: 'POST',
        path: '/users/track',
        headers: expect.objectContaining({ authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }),
        body: { attributes: [{ external_id: 'u1' }] },
        status: 201,
        response: { message: 'success', attributes_processed: 1 }
      },
      expect.objectContaining({ path: '/users/delete', status: 401, body: { external_ids: ['u1'] } }),
      expect.objectContaining({ path: '/users/track', status: 400, body: 'not json' })
    ])
  })

  test('reset forgets requests, profiles and queued answers, keeping the same requests array', async () => {
    const requests = braze.requests
    braze.enqueue({ status: 500 })
    await track({ attributes: [{ external_id: 'u1' }] })
    braze.enqueue({ status: 500 })
    braze.reset()
    expect(requests).toHaveLength(0)
    expect(braze.profiles()).toEqual([])
    expect((await track({ attributes: [{ external_id: 'u1' }] })).status).toBe(201)
    expect(braze.requests).toBe(requests)
  })

  test('profiles() and profile() return copies', async () => {
    await track({ attributes: [{ external_id: 'u1', a: 1 }] })
    braze.profile({ external_id: 'u1' })!.attributes.a = 2
    braze.profiles()[0]!.events.push({ name: 'x', time: at(0) })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({ attributes: { a: 1 }, events: [] })
  })
})

describe('answer(): the same Braze without HTTP (what a replay uses)', () => {
  test('answers a call as the server would, and records it', async () => {
    const body = { attributes: [{ external_id: 'in-process', plan: 'pro' }] }
    const call = (key: string) => ({
      method: 'POST',
      path: '/users/track',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      text: JSON.stringify(body)
    })
    const reply = braze.answer(call(API_KEY))
    expect(reply).toMatchObject({ status: 201, delayMs: 0, destroySocket: false })
    expect(JSON.parse(reply.payload)).toEqual({ message: 'success', attributes_processed: 1 })
    expect(reply.headers['x-ratelimit-limit']).toBeDefined()
    expect(braze.profile({ external_id: 'in-process' })!.attributes).toEqual({ plan: 'pro' })
    expect(braze.requests.map((request) => request.status)).toEqual([201])

    const overHttp = await track(body, { key: 'wrong-key' })
    expect(braze.answer(call('wrong-key'))).toMatchObject({ status: overHttp.status, payload: overHttp.text })
  })
})

describe('/users/track limits', () => {
  test.each([
    ['76 attributes', { attributes: many(76, (i) => ({ external_id: `u${i}` })) }],
    ['76 events', { events: many(76, (i) => ({ external_id: `u${i}`, name: 'E', time: at(0) })) }],
    ['76 purchases', { purchases: many(76, (i) => ({ external_id: `u${i}`, product_id: 'p', currency: 'USD', price: 1, time: at(0) })) }]
  ])('400 Max Input Length Exceeded for %s, nothing applied', async (_name, body) => {
    const result = await track(body)
    expect(result.status).toBe(400)
    expect(result.json.message).toBe('Max Input Length Exceeded')
    expect(braze.profiles()).toEqual([])
  })

  // https://www.braze.com/docs/api/api_limits/: "Up to 75 total objects combined across attributes, events, and
  // purchases per API request. Customers on legacy rate limits can include up to 75 objects per array independently."
  test('75 objects combined by default; 75 of each type with maxObjectsPerRequest 225 (legacy rate limits)', async () => {
    const body = {
      attributes: many(75, (i) => ({ external_id: `u${i}` })),
      events: many(75, (i) => ({ external_id: `u${i}`, name: 'E', time: at(0) })),
      purchases: many(75, (i) => ({ external_id: `u${i}`, product_id: 'p', currency: 'USD', price: 1, time: at(0) }))
    }
    const current = await track({ attributes: body.attributes.slice(0, 25), events: body.events.slice(0, 50) })
    expect(current.json).toEqual({ message: 'success', attributes_processed: 25, events_processed: 50 })
    const over = await track({ attributes: body.attributes.slice(0, 25), events: body.events.slice(0, 51) })
    expect(over.status).toBe(400)
    expect(over.json).toEqual({ message: 'Max Input Length Exceeded', errors: ['76 objects combined (at most 75 per request)'] })

    const legacy = await startEmbeddedBraze({ apiKey: API_KEY, maxObjectsPerRequest: 225 })
    try {
      const result = await post(legacy.url, '/users/track', body)
      expect(result.status).toBe(201)
      expect(result.json).toEqual({ message: 'success', attributes_processed: 75, events_processed: 75, purchases_processed: 75 })
    } finally {
      await legacy.close()
    }
  })

  test('maxObjectsPerRequest: 50 mimics MAU contracts', async () => {
    const mau = await startEmbeddedBraze({ apiKey: API_KEY, maxObjectsPerRequest: 50 })
    try {
      const attributes = many(25, (i) => ({ external_id: `u${i}` }))
      const events = many(25, (i) => ({ external_id: `u${i}`, name: 'E', time: at(0) }))
      const purchase = { external_id: 'u0', product_id: 'p', currency: 'USD', price: 1, time: at(0) }
      expect((await post(mau.url, '/users/track', { attributes, events })).status).toBe(201)
      const over = await post(mau.url, '/users/track', { attributes, events, purchases: [purchase] })
      expect(over.status).toBe(400)
      expect(over.json).toEqual({
        message: 'Max Input Length Exceeded',
        errors: ['51 objects combined (at most 50 per request)']
      })
      expect(mau.profile({ external_id: 'u0' })!.purchases).toEqual([])
    } finally {
      await mau.close()
    }
  })
})

describe('/users/track partial errors', () => {
  test('a mixed request: 201, errors at the indexes as sent, valid objects applied', async () => {
    const result = await track({
      attributes: [
        { external_id: 'u1', first_name: 'Ann' },
        { first_name: 'nobody' },
        { external_id: 'u2', $bad: 1 },
        { external_id: 'u3', plan: 'pro' }
      ],
      events: [
        { external_id: 'u1', name: 'Signed Up', time: at(1), properties: { time: 'reserved' } },
        { external_id: 'u1', name: 'Logged In', time: at(2) }
      ],
      purchases: [
        { external_id: 'u1', product_id: 'p', currency: 'usd', price: 1, time: at(3) },
        { external_id: 'u1', product_id: 'p', currency: 'USD', price: 1, time: at(3) },
        { external_id: 'u1', product_id: 'p', currency: 'USD', price: 1, quantity: 101, time: at(3) }
      ]
    })
    expect(result.status).toBe(201)
    expect(result.json).toEqual({
      message: 'success',
      attributes_processed: 2,
      events_processed: 1,
      purchases_processed: 1,
      errors: [
        {
          type: 'missing identifier: one of external_id, user_alias, braze_id, email or phone is required',
          input_array: 'attributes',
          index: 1
        },
        { type: "attribute key '$bad' must not start with '$'", input_array: 'attributes', index: 2 },
        { type: "property key 'time' is reserved", input_array: 'events', index: 0 },
        { type: 'currency must be a three-letter upper-case ISO 4217 code', input_array: 'purchases', index: 0 },
        { type: 'quantity must be an integer from 1 to 100', input_array: 'purchases', index: 2 }
      ]
    })
    expect(braze.profiles().map((p) => p.identifiers.external_id)).toEqual(['u1', 'u3'])
    const u1 = braze.profile({ external_id: 'u1' })!
    expect(u1.events.map((e) => e.name)).toEqual(['Logged In'])
    expect(u1.purchases).toHaveLength(1)
  })

  test('omits errors when there are none, and *_processed for absent arrays', async () => {
    const result = await track({ events: [{ external_id: 'u1', name: 'E', time: at(0) }] })
    expect(result.json).toEqual({ message: 'success', events_processed: 1 })
  })

  test('a non-object entry is reported, not a crash', async () => {
    const result = await track({ attributes: ['u1', null, { external_id: 'u1', plan: 'pro' }] })
    expect(result.status).toBe(201)
    expect(result.json.errors).toEqual([
      { type: 'attributes object must be a JSON object', input_array: 'attributes', index: 0 },
      { type: 'attributes object must be a JSON object', input_array: 'attributes', index: 1 }
    ])
  })

  test('no valid object at all: 400, naming each refused object', async () => {
    const result = await track({ attributes: [{ external_id: 'u1', $bad: 1 }], events: [{ external_id: 'u1' }] })
    expect(result.status).toBe(400)
    expect(result.json).toEqual({
      message: "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.",
      errors: [
        { type: "attribute key '$bad' must not start with '$'", input_array: 'attributes', index: 0 },
        { type: expect.any(String), input_array: 'events', index: 0 }
      ]
    })
    expect(braze.profile({ external_id: 'u1' })).toBeUndefined()
  })

  test('400 when an array is not an array', async () => {
    const result = await track({ attributes: { external_id: 'u1' } })
    expect(result.status).toBe(400)
    expect(result.json).toEqual({ message: 'Invalid request', errors: ['attributes must be an array'] })
  })
})

describe('profiles built by /users/track', () => {
  test('attribute updates in order: set, add/remove, inc, $time, null unsets', async () => {
    await track({
      attributes: [
        { external_id: 'u1', first_name: 'Ann', tags: ['a'], visits: 1, gone: 'soon' },
        { external_id: 'u1', tags: { add: ['b', 'c'] }, visits: { inc: 2 } }
      ]
    })
    await track({
      attributes: [
        {
          external_id: 'u1',
          tags: { remove: ['a'] },
          gone: null,
          last_seen: { $time: '2024-05-01T10:00:00Z' },
          pet: { name: 'Rex', born: { $time: '2020-01-01T00:00:00Z' } }
        }
      ]
    })
    expect(braze.profile({ external_id: 'u1' })!.attributes).toEqual({
      first_name: 'Ann',
      tags: ['b', 'c'],
      visits: 3,
      last_seen: '2024-05-01T10:00:00Z',
      pet: { name: 'Rex', born: '2020-01-01T00:00:00Z' }
    })
  })

  test('nested objects replace, or merge with _merge_objects', async () => {
    await track({ attributes: [{ external_id: 'u1', pet: { name: 'Rex', age: 3 } }] })
    await track({ attributes: [{ external_id: 'u1', pet: { age: 4 } }] })
    expect(braze.profile({ external_id: 'u1' })!.attributes.pet).toEqual({ age: 4 })
    await track({ attributes: [{ external_id: 'u1', _merge_objects: true, pet: { name: 'Bo' } }] })
    expect(braze.profile({ external_id: 'u1' })!.attributes.pet).toEqual({ age: 4, name: 'Bo' })
  })

  test("a null inside one nested attribute drops every nested update of the request, other users' too; the rest applies", async () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/ ("How does /users/track handle invalid nested custom attributes?")
    const { status, json } = await track({
      attributes: [
        { external_id: 'u1', plan: 'pro', pet: { name: 'Rex' } },
        { external_id: 'u2', prefs: { color: null }, seats: 3 }
      ]
    })
    expect(status).toBe(201)
    expect(json).toMatchObject({ message: 'success' })
    expect(braze.profile({ external_id: 'u1' })!.attributes).toEqual({ plan: 'pro' })
    expect(braze.profile({ external_id: 'u2' })!.attributes).toEqual({ seats: 3 })
  })

  test('events and purchases are stored as sent, quantity defaults to 1, duplicates are kept', async () => {
    const event = { external_id: 'u1', app_id: 'app-1', name: 'Played', time: at(5), properties: { level: 2 } }
    await track({
      events: [event, event],
      purchases: [
        { external_id: 'u1', product_id: 'sku-1', currency: 'EUR', price: 9.5, time: at(6), properties: { size: 'M' } },
        { external_id: 'u1', product_id: 'sku-2', currency: 'EUR', price: 1, quantity: 3, time: at(6), app_id: 'app-1' }
      ]
    })
    const u1 = braze.profile({ external_id: 'u1' })!
    expect(u1.events).toEqual([
      { name: 'Played', time: at(5), app_id: 'app-1', properties: { level: 2 } },
      { name: 'Played', time: at(5), app_id: 'app-1', properties: { level: 2 } }
    ])
    expect(u1.purchases).toEqual([
      { product_id: 'sku-1', currency: 'EUR', price: 9.5, quantity: 1, time: at(6), properties: { size: 'M' } },
      { product_id: 'sku-2', currency: 'EUR', price: 1, quantity: 3, time: at(6), app_id: 'app-1' }
    ])
  })

  test('attributes are applied before events, whatever the order in the body', async () => {
    // The update-existing-only attributes come first, when u1 does not exist yet: they are dropped.
    await track({
      events: [{ external_id: 'u1', name: 'First', time: at(0) }],
      attributes: [{ external_id: 'u1', _update_existing_only: true, plan: 'pro' }]
    })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({ attributes: {}, events: [{ name: 'First' }] })
  })

  test('_update_existing_only: true on an unknown external_id is ignored, not an error', async () => {
    const result = await track({ attributes: [{ external_id: 'u1', _update_existing_only: true, a: 1 }] })
    expect(result.json).toEqual({ message: 'success', attributes_processed: 1 })
    expect(braze.profiles()).toEqual([])
    await track({ attributes: [{ external_id: 'u1' }] })
    await track({ attributes: [{ external_id: 'u1', _update_existing_only: true, a: 1 }] })
    expect(braze.profile({ external_id: 'u1' })!.attributes).toEqual({ a: 1 })
  })

  test('alias-only attributes create no profile unless _update_existing_only is false', async () => {
    const anon = alias('anon-1')
    const ignored = await track({ attributes: [{ user_alias: anon, plan: 'free' }] })
    expect(ignored.json).toEqual({ message: 'success', attributes_processed: 1 })
    expect(braze.profiles()).toEqual([])

    await track({ attributes: [{ user_alias: anon, _update_existing_only: false, plan: 'free' }] })
    await track({ attributes: [{ user_alias: anon, visits: 1 }] }) // now it exists, so the default updates it
    expect(braze.profile({ user_alias: anon })).toMatchObject({
      identifiers: { user_aliases: [anon] },
      attributes: { plan: 'free', visits: 1 }
    })
    expect(braze.profile({ user_alias: anon })!.identifiers.external_id).toBeUndefined()
  })

  test('events for an unknown alias create the profile only with _update_existing_only: false', async () => {
    // https://www.braze.com/docs/api/objects_filters/event_object/ says both: 'When using a "user_alias", "Update Only"
    // mode is always true', and that an alias-only profile created through /users/track needs _update_existing_only: false.
    await track({ events: [{ user_alias: alias('a1'), name: 'E', time: at(0), _update_existing_only: false }] })
    await track({ events: [{ user_alias: alias('a2'), name: 'E', time: at(0) }] })
    expect(braze.profiles().map((p) => p.identifiers.user_aliases)).toEqual([[alias('a1')]])
  })

  test('email and phone: identifiers when alone, attributes next to an external_id', async () => {
    await track({ attributes: [{ email: 'ann@example.com', first_name: 'Ann' }] })
    expect(braze.profile({ email: 'ANN@example.com' })).toMatchObject({
      identifiers: { email: 'ann@example.com' },
      attributes: { first_name: 'Ann' }
    })
    await track({ attributes: [{ external_id: 'u2', email: 'bo@example.com', phone: '+15550000' }] })
    expect(braze.profile({ email: 'bo@example.com', phone: '+15550000' })).toMatchObject({
      identifiers: { external_id: 'u2', email: 'bo@example.com', phone: '+15550000' },
      attributes: { email: 'bo@example.com', phone: '+15550000' }
    })
    await track({ attributes: [{ external_id: 'u2', email: null }] })
    expect(braze.profile({ external_id: 'u2' })!.identifiers.email).toBeUndefined()
  })

  test('braze_id updates a known profile and never creates one', async () => {
    await track({ attributes: [{ external_id: 'u1' }] })
    const { braze_id } = braze.profile({ external_id: 'u1' })!.identifiers
    expect(braze_id).toMatch(/^[0-9a-f]{24}$/)
    await track({
      attributes: [
        { braze_id, a: 1 },
        { braze_id: 'ffffffffffffffffffffffff', a: 2 }
      ]
    })
    expect(braze.profiles()).toEqual([expect.objectContaining({ attributes: { a: 1 } })])
  })
})

describe('/users/identify', () => {
  const anon = alias('anon-1')

  test('merges the alias-only profile into the existing external_id profile, which wins conflicts', async () => {
    await track({
      attributes: [
        { user_alias: anon, _update_existing_only: false, plan: 'free', color: 'red' },
        { external_id: 'u1', plan: 'pro' }
      ],
      events: [
        { user_alias: anon, name: 'Anonymous Visit', time: at(0) },
        { external_id: 'u1', name: 'Signed Up', time: at(1) }
      ]
    })
    const result = await post(braze.url, '/users/identify', {
      aliases_to_identify: [{ external_id: 'u1', user_alias: anon }]
    })
    expect(result.status).toBe(201)
    expect(result.json).toEqual({ aliases_processed: 1, message: 'success' })
    expect(braze.profiles()).toHaveLength(1)
    const u1 = braze.profile({ external_id: 'u1', user_alias: anon })!
    expect(u1.attributes).toEqual({ plan: 'pro', color: 'red' })
    expect(u1.events.map((e) => e.name).sort()).toEqual(['Anonymous Visit', 'Signed Up'])
  })

  test('with no external_id profile yet, the alias profile becomes identified (same braze_id)', async () => {
    await track({ attributes: [{ user_alias: anon, _update_existing_only: false, plan: 'free' }] })
    const { braze_id } = braze.profile({ user_alias: anon })!.identifiers
    await post(braze.url, '/users/identify', { aliases_to_identify: [{ external_id: 'u1', user_alias: anon }] })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: { braze_id, external_id: 'u1', user_aliases: [anon] },
        attributes: { plan: 'free' }
      })
    ])
  })

  test('with no alias profile, nothing happens: "If there is no match for the alias after processing, the request is stopped"', async () => {
    // https://www.braze.com/docs/api/errors/#server-responses
    const answer = await post(braze.url, '/users/identify', { aliases_to_identify: [{ external_id: 'u1', user_alias: anon }] })
    expect(answer.status).toBe(201)
    expect(braze.profiles()).toEqual([])
  })

  test.each([
    ['over 50 entries', { aliases_to_identify: many(51, (i) => ({ external_id: `u${i}`, user_alias: anon })) }],
    ['a malformed entry', { aliases_to_identify: [{ external_id: 'u1', user_alias: { alias_name: 'a' } }] }],
    ['no list', {}]
  ])('400 for %s', async (_name, body) => {
    expect((await post(braze.url, '/users/identify', body)).status).toBe(400)
  })
})

describe('/users/merge', () => {
  test('merges attributes (kept wins), events and purchases into the kept profile and deletes the other', async () => {
    await track({
      attributes: [
        { external_id: 'old', plan: 'free', color: 'red' },
        { external_id: 'new', plan: 'pro' }
      ],
      events: [{ external_id: 'old', name: 'Old Event', time: at(0) }],
      purchases: [{ external_id: 'old', product_id: 'p', currency: 'USD', price: 1, time: at(0) }]
    })
    const result = await post(braze.url, '/users/merge', {
      merge_updates: [{ identifier_to_merge: { external_id: 'old' }, identifier_to_keep: { external_id: 'new' } }]
    })
    expect(result.status).toBe(202)
    expect(result.json).toEqual({ message: 'success' })
    expect(braze.profile({ external_id: 'old' })).toBeUndefined()
    expect(braze.profile({ external_id: 'new' })).toMatchObject({
      attributes: { plan: 'pro', color: 'red' },
      events: [{ name: 'Old Event' }],
      purchases: [{ product_id: 'p' }]
    })
  })

  test('accepts user_alias identifiers; a missing user makes it a no-op', async () => {
    await track({ attributes: [{ user_alias: alias('a'), _update_existing_only: false, x: 1 }, { external_id: 'u1' }] })
    await post(braze.url, '/users/merge', {
      merge_updates: [
        { identifier_to_merge: { user_alias: alias('a') }, identifier_to_keep: { external_id: 'u1' } },
        { identifier_to_merge: { external_id: 'ghost' }, identifier_to_keep: { external_id: 'u1' } }
      ]
    })
    expect(braze.profiles()).toEqual([expect.objectContaining({ attributes: { x: 1 } })])
  })

  test.each([
    [
      'over 50 entries',
      { merge_updates: many(51, () => ({ identifier_to_merge: { external_id: 'a' }, identifier_to_keep: { external_id: 'b' } })) }
    ],
    [
      'two identifiers in one reference',
      { merge_updates: [{ identifier_to_merge: { external_id: 'a', email: 'a@x' }, identifier_to_keep: { external_id: 'b' } }] }
    ],
    ['a missing identifier_to_keep', { merge_updates: [{ identifier_to_merge: { external_id: 'a' } }] }]
  ])('400 for %s', async (_name, body) => {
    expect((await post(braze.url, '/users/merge', body)).status).toBe(400)
  })
})

describe('/users/delete', () => {
  beforeEach(async () => {
    await track({
      attributes: [
        // The email-only profile first: an email identifier finds any profile with that email.
        { email: 'shared@example.com' },
        { external_id: 'u1' },
        { external_id: 'u2', email: 'shared@example.com' },
        { user_alias: alias('a'), _update_existing_only: false }
      ]
    })
    expect(braze.profiles()).toHaveLength(4)
  })

  test('by external_ids: 202 with the number of ids queued', async () => {
    const result = await post(braze.url, '/users/delete', { external_ids: ['u1', 'unknown'] })
    expect(result.status).toBe(202)
    expect(result.json).toEqual({ deleted: 2 })
    expect(braze.profile({ external_id: 'u1' })).toBeUndefined()
    expect(braze.profiles()).toHaveLength(3)
  })

  test('by email removes every profile with that email; by alias and braze_id too', async () => {
    await post(braze.url, '/users/delete', { email_addresses: ['shared@example.com'] })
    expect(braze.profiles()).toHaveLength(2)
    await post(braze.url, '/users/delete', { user_aliases: [alias('a')] })
    const [last] = braze.profiles()
    await post(braze.url, '/users/delete', { braze_ids: [last!.identifiers.braze_id] })
    expect(braze.profiles()).toEqual([])
  })

  test.each([
    ['two kinds of id', { external_ids: ['u1'], braze_ids: ['b'] }],
    ['no ids', {}],
    ['51 ids', { external_ids: many(51, (i) => `u${i}`) }],
    ['an empty id', { external_ids: [''] }]
  ])('400 for %s, nothing deleted', async (_name, body) => {
    expect((await post(braze.url, '/users/delete', body)).status).toBe(400)
    expect(braze.profiles()).toHaveLength(4)
  })
})

describe('/users/alias/new', () => {
  test('creates alias-only users, adds aliases to known users', async () => {
    await track({ attributes: [{ external_id: 'u1' }] })
    const result = await post(braze.url, '/users/alias/new', {
      user_aliases: [
        { alias_name: 'a1', alias_label: 'crm' },
        { external_id: 'u1', ...alias('a2') }
      ]
    })
    expect(result.status).toBe(201)
    expect(result.json).toEqual({ message: 'success', aliases_processed: 2 })
    expect(braze.profile({ user_alias: alias('a1', 'crm') })!.identifiers.external_id).toBeUndefined()
    expect(braze.profile({ user_alias: alias('a2') })!.identifiers.external_id).toBe('u1')
  })

  test('400 over 50 or malformed', async () => {
    const tooMany = { user_aliases: many(51, (i) => alias(`a${i}`)) }
    expect((await post(braze.url, '/users/alias/new', tooMany)).status).toBe(400)
    expect((await post(braze.url, '/users/alias/new', { user_aliases: [{ alias_name: 'x' }] })).status).toBe(400)
  })
})

describe('scripted answers (enqueue)', () => {
  const body = { attributes: [{ external_id: 'u1', a: 1 }] }

  test('status and JSON body, in queue order, replacing the normal behaviour', async () => {
    braze.enqueue({ status: 503, body: { message: 'Service Unavailable' } }, { status: 400, body: { message: 'bad', errors: ['x'] } })
    const first = await track(body)
    expect([first.status, first.json]).toEqual([503, { message: 'Service Unavailable' }])
    const second = await track(body, { key: 'wrong' }) // scripted answers win even over a bad key
    expect([second.status, second.json]).toEqual([400, { message: 'bad', errors: ['x'] }])
    expect(braze.profiles()).toEqual([])
    expect(braze.requests.map((r) => r.status)).toEqual([503, 400])
    expect(braze.requests[0]!.response).toEqual({ message: 'Service Unavailable' })
    expect((await track(body)).status).toBe(201) // the queue is empty again
  })

  test('429 with the reset header given, remaining 0', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 2)
    braze.enqueue({ status: 429, headers: { 'X-RateLimit-Reset': reset } })
    const result = await track(body)
    expect(result.status).toBe(429)
    expect(result.headers.get('x-ratelimit-reset')).toBe(reset)
    expect(result.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(result.text).toBe('')
  })

  test('raw bodies: an HTML page and truncated JSON', async () => {
    braze.enqueue({ status: 502, rawBody: '<html><body>Bad Gateway</body></html>' }, { status: 201, rawBody: '{"message":"succ' })
    const html = await track(body)
    expect(html.status).toBe(502)
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(html.text).toBe('<html><body>Bad Gateway</body></html>')
    const cut = await track(body)
    expect(cut.status).toBe(201)
    expect(cut.text).toBe('{"message":"succ')
    expect(cut.json).toBeUndefined()
    expect(braze.requests[1]!.response).toBe('{"message":"succ')
  })

  test('destroySocket resets the connection without an answer', async () => {
    braze.enqueue({ status: 200, destroySocket: true })
    await expect(track(body)).rejects.toThrow()
    expect(braze.requests).toEqual([expect.objectContaining({ status: 0, response: undefined, body })])
    expect((await track(body)).status).toBe(201) // the server is still fine
  })

  test('delayMs answers late', async () => {
    braze.enqueue({ status: 201, body: { message: 'success' }, delayMs: 300 })
    const started = Date.now()
    const result = await track(body)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(result.json).toEqual({ message: 'success' })
  })

  test('a client that gives up on a late answer leaves the server usable', async () => {
    braze.enqueue({ status: 201, delayMs: 2000 })
    await expect(
      fetch(`${braze.url}/users/track`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(100)
      })
    ).rejects.toThrow()
    expect((await track(body)).status).toBe(201)
  })
})

describe('timing', () => {
  test('latencyMs delays every answer', async () => {
    const slow = await startEmbeddedBraze({ apiKey: API_KEY, latencyMs: 200 })
    try {
      const started = Date.now()
      expect((await post(slow.url, '/users/track', { attributes: [{ external_id: 'u1' }] })).status).toBe(201)
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    } finally {
      await slow.close()
    }
  })

  test('close() returns promptly while a late answer is pending, and the client sees a failure', async () => {
    const server = await startEmbeddedBraze({ apiKey: API_KEY })
    server.enqueue({ status: 201, body: { message: 'success' }, delayMs: 60_000 })
    const pending = post(server.url, '/users/track', { attributes: [{ external_id: 'u1' }] })
    const outcome = pending.then(
      () => 'answered',
      () => 'failed'
    )
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await outcome).toBe('failed')
    await server.close() // closing twice is harmless
  })
})

test.each([
  [{ apiKey: '' }],
  [{ apiKey: 'k', latencyMs: -1 }],
  [{ apiKey: 'k', maxObjectsPerRequest: 0 }],
  [{ apiKey: 'k', maxObjectsPerRequest: 2.5 }]
])('startEmbeddedBraze refuses bad options %j', async (options) => {
  await expect(startEmbeddedBraze(options)).rejects.toThrow()
})
