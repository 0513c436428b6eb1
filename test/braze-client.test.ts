// The Braze client: what goes over the wire, and how every kind of answer
// (or its absence) becomes an outcome, and through the handlers a Segment error.
import nock from 'nock'
import { callBraze, INVOCATION_BUDGET_MS, type BrazeConnection, type CallOutcome } from '../src/destination/braze-client'
import { resolveDataCenter } from '../src/destination/data-centers'
import { segmentErrorClass } from '../src/destination/errors'
import { onTrack, onIdentify } from '../functions/braze-destination'
import { API_KEY, BRAZE_HOST, SETTINGS, expectNoKey, mockBraze, useNock } from './helpers/braze-nock'
import { identify, track } from './helpers/events'

const TRACK_BODY = {
  attributes: [{ external_id: 'u1', first_name: 'Ada' }],
  events: [{ external_id: 'u1', name: 'Signed Up', time: '2024-05-01T10:00:00.000Z' }]
}

function connection(dataCenter = 'US-01', budget = INVOCATION_BUDGET_MS): BrazeConnection {
  return { dataCenter: resolveDataCenter(dataCenter)!, apiKey: API_KEY, deadline: Date.now() + budget }
}

/** One scripted answer to /users/track on US-01. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}): nock.Scope {
  const payload = typeof body === 'string' ? body : JSON.stringify(body)
  return nock(BRAZE_HOST)
    .post('/users/track')
    .reply(status, payload, { 'Content-Type': 'application/json', ...headers })
}

async function outcomeOf(status: number, body: unknown, headers: Record<string, string> = {}): Promise<CallOutcome> {
  const scope = answer(status, body, headers)
  const outcome = await callBraze('/users/track', TRACK_BODY, connection())
  expect(scope.isDone()).toBe(true)
  expectNoKey(outcome)
  return outcome
}

const RetryError = segmentErrorClass('RetryError')
const ValidationError = segmentErrorClass('ValidationError')

useNock()

describe('the request', () => {
  test.each([
    ['US-01', 'https://rest.iad-01.braze.com'],
    ['us 05', 'https://rest.iad-05.braze.com'],
    ['US-10', 'https://rest.us-10.braze.com'],
    ['eu02', 'https://rest.fra-02.braze.eu'],
    ['https://rest.au-01.braze.com/', 'https://rest.au-01.braze.com'],
    ['https://dashboard-03.braze.com/', 'https://rest.iad-03.braze.com']
  ])('dataCenter %s → POST %s/users/track with the key as Bearer and the body as JSON', async (dataCenter, host) => {
    let seen: { headers: Record<string, unknown>; body: unknown } | undefined
    const scope = nock(host, { badheaders: ['cookie'] })
      .post('/users/track', TRACK_BODY)
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .matchHeader('content-type', /^application\/json\b/)
      .reply(function (_uri, body) {
        seen = { headers: this.req.headers, body }
        return [201, { message: 'success', attributes_processed: 1, events_processed: 1 }]
      })
    const outcome = await callBraze('/users/track', TRACK_BODY, connection(dataCenter))
    expect(scope.isDone()).toBe(true)
    expect(outcome).toMatchObject({ kind: 'accepted', status: 201, rejected: [], unattributed: [] })
    expect(seen!.body).toEqual(TRACK_BODY)
    expect(seen!.headers['content-type']).toBe('application/json')
    expect(seen!.headers.authorization).toBe(`Bearer ${API_KEY}`)
  })

  test.each(['/users/merge', '/users/delete'] as const)('%s goes to the same host with the same headers', async (path) => {
    const body = { external_ids: ['u1'] }
    const scope = nock(BRAZE_HOST)
      .post(path, body)
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .matchHeader('content-type', 'application/json')
      .reply(202, { message: 'success' })
    expect(await callBraze(path, body, connection())).toMatchObject({ kind: 'accepted', status: 202 })
    expect(scope.isDone()).toBe(true)
  })

  test('/users/delete answered as Braze documents it, {"deleted": 1} without a message: accepted', async () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_delete/ ("deleted": number of user ids queued for deletion)
    nock(BRAZE_HOST).post('/users/delete').reply(202, { deleted: 1 })
    expect(await callBraze('/users/delete', { external_ids: ['u1'] }, connection())).toMatchObject({ kind: 'accepted', status: 202 })
    nock(BRAZE_HOST).post('/users/track').reply(201, { deleted: 1 })
    expect(await callBraze('/users/track', TRACK_BODY, connection())).toMatchObject({ kind: 'retry' })
  })

  test('a 400 whose errors[] name objects refuses those objects and took none; a 2xx that is no "success" stays unknown', async () => {
    const errors = [{ type: 'Invalid', input_array: 'events', index: 0 }]
    nock(BRAZE_HOST).post('/users/track').reply(400, { message: 'Bad.', errors })
    expect(await callBraze('/users/track', TRACK_BODY, connection())).toMatchObject({
      kind: 'accepted',
      rejected: [{ array: 'events', index: 0, message: 'Invalid' }],
      tookNone: 'Braze rejected /users/track (HTTP 400): Bad'
    })
    // No Braze document says what a 2xx with another message took: retried, as any answer of unknown outcome.
    nock(BRAZE_HOST).post('/users/track').reply(201, { message: 'Something else', errors })
    expect(await callBraze('/users/track', TRACK_BODY, connection())).toMatchObject({ kind: 'retry' })
  })

  test('a redirect is not followed: user data and key never leave the Braze host; the event is retried', async () => {
    const elsewhere = nock('https://collector.example.com').post(/.*/).reply(201, { message: 'success' })
    answer(307, { message: 'moved' }, { Location: 'https://collector.example.com/users/track' })
    const outcome = await callBraze('/users/track', TRACK_BODY, connection())
    expect(elsewhere.isDone()).toBe(false)
    expect(outcome).toMatchObject({ kind: 'retry', status: 307 })
    expect((outcome as { message: string }).message).toMatch(/redirect/)
    expectNoKey(outcome)
  })

  test('a key with characters no HTTP header can carry → ValidationError naming apiKey, no request', async () => {
    const catchAll = mockBraze()
    for (const apiKey of [`${API_KEY}\u200b`, `ключ-${API_KEY}`, `${API_KEY}\u0007`, `${API_KEY.slice(0, 10)} ${API_KEY.slice(10)}`]) {
      const error = await onTrack(track('u1', 'Signed Up'), { ...SETTINGS, apiKey }).catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as Error).message).toMatch(/apiKey/)
      expectNoKey(error)
    }
    expect(catchAll.requests).toHaveLength(0)
  })

  test('no request at all once the deadline has passed', async () => {
    const catchAll = mockBraze()
    const outcome = await callBraze('/users/track', TRACK_BODY, connection('US-01', -1))
    expect(outcome).toMatchObject({ kind: 'retry', status: undefined })
    expect(catchAll.requests).toHaveLength(0)
  })
})

describe('Braze answers → outcomes', () => {
  test('201 success → accepted with the response', async () => {
    const body = { message: 'success', attributes_processed: 1, events_processed: 1 }
    expect(await outcomeOf(201, body)).toEqual({ kind: 'accepted', status: 201, response: body, rejected: [], unattributed: [] })
  })

  test('201 with a partial errors[] → accepted, naming the rejected objects by array and index', async () => {
    const outcome = await outcomeOf(201, {
      message: 'success',
      attributes_processed: 1,
      events_processed: 0,
      errors: [{ type: "'name' is required", input_array: 'events', index: 0 }, { type: 'something went wrong' }]
    })
    expect(outcome).toMatchObject({
      kind: 'accepted',
      rejected: [{ array: 'events', index: 0, message: "'name' is required" }],
      unattributed: ['something went wrong']
    })
  })

  test('201 with an errors[] far longer than any request (5,000 entries, under 1 MB): the first 1,000 read, the rest counted', async () => {
    const errors = Array.from({ length: 5000 }, (_, index) => ({ type: `bad ${index}`, input_array: 'events', index }))
    const outcome = await outcomeOf(201, { message: 'success', errors })
    expect(outcome.kind).toBe('accepted')
    if (outcome.kind !== 'accepted') return
    expect(outcome.rejected).toHaveLength(1000)
    expect(outcome.rejected[999]).toEqual({ array: 'events', index: 999, message: 'bad 999' })
    expect(outcome.unattributed).toEqual(['4000 more errors, not read'])
  })

  test.each([
    [201, { message: 'queued' }],
    [200, { message: 'failure' }],
    [201, {}],
    [202, { message: null }]
  ])('%i with message other than "success" → retry', async (status, body) => {
    const outcome = await outcomeOf(status, body)
    expect(outcome).toMatchObject({ kind: 'retry', status })
    expect((outcome as { message: string }).message).toMatch(/instead of "success"|not Braze's JSON/)
  })

  test.each([
    ['HTML', '<html><body>Gateway says hi</body></html>'],
    ['empty', ''],
    ['JSON that is not an object', '"success"'],
    ['null', 'null']
  ])('2xx with a %s body → retry (outcome unknown)', async (_label, body) => {
    const outcome = await outcomeOf(201, body)
    expect(outcome).toMatchObject({ kind: 'retry', status: 201 })
  })

  test.each([
    [400, 'Max Input Length Exceeded'],
    [401, 'Invalid API Key'],
    [403, 'Access Denied'],
    [404, 'Not Found']
  ])("%i → reject with Braze's message", async (status, message) => {
    const outcome = await outcomeOf(status, { message })
    expect(outcome).toMatchObject({ kind: 'reject', status })
    expect((outcome as { message: string }).message).toContain(message)
    expect((outcome as { message: string }).message).toContain(`HTTP ${status}`)
  })

  test('401 hints at the apiKey and dataCenter settings', async () => {
    const outcome = await outcomeOf(401, { message: 'Invalid API Key' })
    const message = (outcome as { message: string }).message
    expect(message).toMatch(/apiKey/)
    expect(message).toMatch(/dataCenter US-01/)
    expect(message).toContain('rest.iad-01.braze.com')
  })

  test('429 with X-RateLimit-Reset → retry, saying until when', async () => {
    const reset = Math.floor(Date.parse('2030-01-01T00:00:03Z') / 1000)
    const outcome = await outcomeOf(
      429,
      { message: 'Too Many Requests' },
      { 'X-RateLimit-Reset': String(reset), 'X-RateLimit-Remaining': '0' }
    )
    expect(outcome).toMatchObject({ kind: 'retry', status: 429 })
    expect((outcome as { message: string }).message).toContain('2030-01-01T00:00:03.000Z')
    // A number too small to be a date: the seconds left, not 1970.
    const soon = await outcomeOf(429, { message: 'Too Many Requests' }, { 'X-RateLimit-Reset': '27' })
    expect((soon as { message: string }).message).toBe('Braze rate limit reached (HTTP 429) for 27 s: Too Many Requests.')
  })

  test('429 on current contracts: X-Ratelimit-Retry-After replaces the X-RateLimit-* headers → retry, saying for how long', async () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/#rate-limit-headers-for-monthly-active-users-cy-24-25-universal-mau-web-mau-and-mobile-mau
    const outcome = await outcomeOf(429, { message: 'Too Many Requests' }, { 'X-Ratelimit-Retry-After': '12' })
    expect(outcome).toMatchObject({
      kind: 'retry',
      status: 429,
      message: 'Braze rate limit reached (HTTP 429) for 12 s: Too Many Requests.'
    })
  })

  test('429 without headers or body → retry', async () => {
    expect(await outcomeOf(429, '')).toMatchObject({ kind: 'retry', status: 429 })
  })

  test.each([500, 502, 503, 504])('%i → retry', async (status) => {
    expect(await outcomeOf(status, status === 502 ? '<html>Bad Gateway</html>' : { message: 'Internal Server Error' })).toMatchObject({
      kind: 'retry',
      status
    })
  })

  test('connection reset → retry naming the host and the code', async () => {
    nock(BRAZE_HOST)
      .post('/users/track')
      .replyWithError({ code: 'ECONNRESET', message: `socket hang up ${API_KEY}` })
    const outcome = await callBraze('/users/track', TRACK_BODY, connection())
    expect(outcome).toMatchObject({ kind: 'retry', status: undefined })
    expect((outcome as { message: string }).message).toContain('rest.iad-01.braze.com')
    expectNoKey(outcome)
  })
})

describe('through the handlers', () => {
  const event = track('u1', 'Signed Up', { plan: 'pro' })

  test.each([
    [400, { message: 'Invalid request' }, 'ValidationError', 'Invalid request'],
    [401, { message: 'Invalid API Key' }, 'ValidationError', 'apiKey'],
    [403, { message: 'Access Denied' }, 'ValidationError', 'Access Denied'],
    [404, { message: 'Not Found' }, 'ValidationError', 'Not Found'],
    [429, { message: 'Too Many Requests' }, 'RetryError', 'HTTP 429'],
    [500, { message: 'Internal Server Error' }, 'RetryError', 'HTTP 500'],
    [503, '<html>unavailable</html>', 'RetryError', 'HTTP 503'],
    [201, 'not json', 'RetryError', "not Braze's JSON"],
    [201, { message: 'queued' }, 'RetryError', 'instead of "success"']
  ])('%i %j → %s', async (status, body, errorName, text) => {
    const scope = answer(status, body)
    const error = await onTrack(event, SETTINGS).catch((thrown: unknown) => thrown)
    expect(scope.isDone()).toBe(true)
    expect(error).toBeInstanceOf(segmentErrorClass(errorName as 'RetryError'))
    expect((error as Error).message).toContain(text)
    expectNoKey(error)
  })

  test('connection reset → RetryError', async () => {
    nock(BRAZE_HOST).post('/users/track').replyWithError({ code: 'ECONNRESET' })
    await expect(onIdentify(identify('u1', { plan: 'pro' }), SETTINGS)).rejects.toBeInstanceOf(RetryError)
  })

  test('a Braze slower than the deadline → retry at the deadline, not later', async () => {
    // The deadline is the connection's: 300 ms here, INVOCATION_BUDGET_MS (4 s) from the handlers.
    const scope = nock(BRAZE_HOST).post('/users/track').delay(1500).reply(201, { message: 'success' })
    const started = Date.now()
    const outcome = await callBraze('/users/track', TRACK_BODY, connection('US-01', 300))
    const elapsed = Date.now() - started
    expect(scope.isDone()).toBe(true)
    expect(outcome).toMatchObject({ kind: 'retry', message: expect.stringMatching(/did not answer \/users\/track within 0\.3 s/) })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1500)
    expect(INVOCATION_BUDGET_MS).toBeLessThanOrEqual(4000)
  })
})

describe('the API key never leaves the Authorization header', () => {
  const echo = `Invalid API key "${API_KEY}" for this instance`

  test('a 401 that echoes the key: outcome, error and message are clean', async () => {
    const outcome = await outcomeOf(401, { message: echo, key: API_KEY, nested: { list: [API_KEY] } })
    expect(JSON.stringify(outcome)).toContain('[redacted]')
    answer(401, { message: echo })
    const error = await onTrack(track('u1', 'Signed Up'), SETTINGS).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expectNoKey(error)
  })

  test('a 201 whose errors[] and extra fields echo the key: the summary is clean', async () => {
    answer(201, { message: 'success', events_processed: 1, echo: API_KEY })
    const summary = await onTrack(track('u1', 'Signed Up'), SETTINGS)
    expectNoKey(summary)
    answer(201, { message: 'success', errors: [{ type: `bad key ${API_KEY}`, input_array: 'events', index: 0 }] })
    const error = await onTrack(track('u1', 'Signed Up'), SETTINGS).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expectNoKey(error)
  })

  test('a non-JSON body with the key anywhere, even across the 300-character cut', async () => {
    for (const before of [0, 100, 280, 290, 299, 320]) {
      const body = `${'x'.repeat(before)}${API_KEY}${'y'.repeat(50)}`
      for (const status of [201, 401, 500]) {
        const outcome = await outcomeOf(status, body)
        expect(outcome.kind).not.toBe('accepted')
      }
    }
  })

  test('a 429 or 503 that echoes the key, and a network error that names it', async () => {
    await outcomeOf(429, { message: echo }, { 'X-RateLimit-Reset': API_KEY })
    await outcomeOf(503, { message: echo })
    nock(BRAZE_HOST).post('/users/track').replyWithError({ code: API_KEY, message: API_KEY })
    expectNoKey(await callBraze('/users/track', TRACK_BODY, connection()))
  })

  test('redaction never spoils a good answer, whatever the key looks like', async () => {
    const scope = nock(BRAZE_HOST)
      .post('/users/track')
      .reply(201, '{"message":"success","events_processed":1234,"attributes_processed":1}', {
        'Content-Type': 'application/json'
      })
    const outcome = await callBraze('/users/track', TRACK_BODY, { ...connection(), apiKey: '1234' })
    expect(scope.isDone()).toBe(true)
    expect(outcome).toMatchObject({ kind: 'accepted', status: 201, response: { message: 'success', events_processed: 1234 } })
  })

  test('a key pasted with quotes and spaces is sent trimmed and redacted in the same form', async () => {
    const scope = nock(BRAZE_HOST).post('/users/track').matchHeader('authorization', `Bearer ${API_KEY}`).reply(401, { message: echo })
    const error = await onTrack(track('u1', 'Signed Up'), { ...SETTINGS, apiKey: ` "${API_KEY}" ` }).catch((thrown: unknown) => thrown)
    expect(scope.isDone()).toBe(true)
    expect(error).toBeInstanceOf(ValidationError)
    expectNoKey(error)
  })
})
