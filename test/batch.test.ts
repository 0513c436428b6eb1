// onBatch from the sources: one status per event in input order, merged
// attributes, the fewest requests, and every Braze answer traced back to
// exactly the events behind it.
import nock from 'nock'
import { onBatch } from '../functions/braze-destination'
import { segmentErrorClass } from '../src/destination/errors'
import { BRAZE_HOST, SETTINGS, expectNoKey, mockBraze, plannedBodies, trackObjects, useNock } from './helpers/braze-nock'
import { alias, at, deletion, identify, lowerBoundOf, mixedBatch, page, track } from './helpers/events'
import { planFor, settingsFor } from './helpers/settings'
import { deliver } from '../src/destination/deliver'

const BATCH_SETTINGS = { ...SETTINGS, sendPageEvents: true }

const statuses = (results: Array<{ status: number }>) => results.map((result) => result.status)
const indexesWith = (results: Array<{ status: number }>, status: number) =>
  results.flatMap((result, index) => (result.status === status ? [index] : []))

useNock()
// onBatch logs its warnings, one line each (test/built-batch.test.ts checks them): silenced here.
beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined))
afterAll(() => jest.restoreAllMocks())

describe('400 mixed events', () => {
  const batch = mixedBatch(400, 60)

  test('one 200 per event in input order, the fewest requests, attributes merged per user', async () => {
    const braze = mockBraze()
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    expect(statuses(results)).toEqual(batch.events.map(() => 200))

    const sent = trackObjects(braze.requests)
    const { counts } = batch
    expect(sent.attributes).toHaveLength(counts.attributeUsers)
    expect(sent.events).toHaveLength(counts.tracks + counts.pages)
    expect(sent.purchases).toHaveLength(counts.products)
    const bound = lowerBoundOf(sent.attributes.length, sent.events.length, sent.purchases.length, 75)
    expect(braze.to('/users/track')).toHaveLength(bound)
    expect(braze.requests).toHaveLength(bound)
    for (const request of braze.requests) {
      const { attributes = [], events = [], purchases = [] } = request.body
      expect(Math.max(attributes.length, events.length, purchases.length)).toBeLessThanOrEqual(75)
      expect(attributes.length + events.length + purchases.length).toBeLessThanOrEqual(75)
    }
    // Every event object and purchase exactly once.
    expect(sent.events.map((event) => event.properties.n).sort((a, b) => a - b)).toEqual(
      batch.events.flatMap((event, index) =>
        (event.type === 'track' && event.event !== 'Order Completed') || event.type === 'page' ? [index] : []
      )
    )
    expect(new Set(sent.purchases.map((purchase) => purchase.product_id)).size).toBe(counts.products)
  })

  test('merged attribute objects: later timestamp wins, every trait and group kept', async () => {
    const braze = mockBraze()
    await onBatch(batch.events, BATCH_SETTINGS)
    const attributes = trackObjects(braze.requests).attributes
    expect(new Set(attributes.map((object) => object.external_id)).size).toBe(attributes.length)
    for (const object of attributes) {
      const mine = batch.attributeEvents.get(object.external_id)!
      const identifies = mine.map((index) => batch.events[index]!).filter((event) => event.type === 'identify')
      const groups = mine.map((index) => batch.events[index]!).filter((event) => event.type === 'group')
      const expected: Record<string, unknown> = { external_id: object.external_id }
      const byTime = [...identifies].sort((a, b) => Date.parse(a.timestamp as string) - Date.parse(b.timestamp as string))
      for (const event of byTime) Object.assign(expected, event.traits)
      for (const event of groups) expected[`ab_segment_group_${event.groupId}`] = true
      expect(object).toEqual(expected)
    }
  })

  test('with maxObjectsPerRequest 50 no request has over 50 objects, and the count is still the bound', async () => {
    const braze = mockBraze()
    const results = await onBatch(batch.events, { ...BATCH_SETTINGS, maxObjectsPerRequest: '50' })
    expect(statuses(results).every((status) => status === 200)).toBe(true)
    const sent = trackObjects(braze.requests)
    for (const request of braze.requests) {
      const { attributes = [], events = [], purchases = [] } = request.body
      expect(attributes.length + events.length + purchases.length).toBeLessThanOrEqual(50)
    }
    expect(braze.requests).toHaveLength(lowerBoundOf(sent.attributes.length, sent.events.length, sent.purchases.length, 50))
  })

  test('a 201 errors[] entry fails exactly the event behind it; a refused merged object is resent per event, so only the bad one fails', async () => {
    let hit: { attributes: any; event: any } | undefined
    const message = 'Invalid value for custom attribute'
    const braze = mockBraze((request) => {
      const { attributes = [], events = [] } = request.body
      if (request.path !== '/users/track') return undefined
      // The resend: each event's own attributes alone; Braze refuses only the first event's.
      if (hit && events.length === 0) {
        const first = Math.min(...batch.attributeEvents.get(hit.attributes.external_id)!)
        const index = attributes.findIndex(
          (object: any) => object.external_id === hit!.attributes.external_id && object.plan === `plan-${first}`
        )
        return index < 0
          ? undefined
          : { status: 201, body: { message: 'success', errors: [{ type: message, input_array: 'attributes', index }] } }
      }
      if (hit || attributes.length < 3 || events.length < 2) return undefined
      hit = { attributes: attributes[2], event: events[1] }
      return {
        status: 201,
        body: {
          message: 'success',
          errors: [
            { type: message, input_array: 'attributes', index: 2 },
            { type: "'name' is invalid", input_array: 'events', index: 1 }
          ]
        }
      }
    })
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    expect(hit).toBeDefined()
    const behindAttributes = batch.attributeEvents.get(hit!.attributes.external_id)!
    expect(behindAttributes.length).toBeGreaterThan(1)
    const resent = braze.requests.filter((request) => request.path === '/users/track' && !request.body.events && !request.body.purchases)
    expect(resent).toHaveLength(1)
    expect(resent[0]!.body.attributes).toHaveLength(behindAttributes.length)
    const bad = Math.min(...behindAttributes)
    const behindEvent = hit!.event.properties.n as number
    expect(indexesWith(results, 400).sort((a, b) => a - b)).toEqual([bad, behindEvent].sort((a, b) => a - b))
    expect(results[bad]!.errormessage).toContain(message)
    expect(results[behindEvent]!.errormessage).toContain("'name' is invalid")
    expect(indexesWith(results, 500)).toEqual([])
  })
})

describe('request failures map to exactly their events', () => {
  // 200 events → three /users/track requests.
  const batch = mixedBatch(200, 40)
  const bodies = plannedBodies(batch.events, BATCH_SETTINGS)

  test('the plan has three requests', () => {
    expect(bodies).toHaveLength(3)
  })

  test('the second of three answers 503 → exactly its events get 500, the rest 200', async () => {
    const second = JSON.stringify(bodies[1])
    const braze = mockBraze((request) =>
      JSON.stringify(request.body) === second ? { status: 503, body: { message: 'Service Unavailable' } } : undefined
    )
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    expect(braze.requests).toHaveLength(3)
    const behind = batch.eventsBehind(bodies[1])
    expect(behind.length).toBeGreaterThan(0)
    expect(indexesWith(results, 500)).toEqual(behind)
    expect(indexesWith(results, 200)).toEqual(batch.events.map((_, i) => i).filter((i) => !behind.includes(i)))
    for (const index of behind) expect(results[index]!.errormessage).toMatch(/HTTP 503/)
  })

  test('the second answers 400 naming no object → its users go again one request each, and what Braze then takes is delivered', async () => {
    const second = JSON.stringify(bodies[1])
    const braze = mockBraze((request) =>
      JSON.stringify(request.body) === second ? { status: 400, body: { message: 'Bad Request' } } : undefined
    )
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    expect(indexesWith(results, 400)).toEqual([])
    // The refused request, then one per user it held.
    const body = bodies[1] as Record<'attributes' | 'events' | 'purchases', Array<{ external_id?: unknown }> | undefined>
    const users = new Set(
      [...(body.attributes ?? []), ...(body.events ?? []), ...(body.purchases ?? [])].map((o) => JSON.stringify(o.external_id))
    )
    expect(braze.to('/users/track')).toHaveLength(bodies.length + users.size)
  })

  test("a user whose objects Braze refuses even alone: only that user's events get 400, with Braze's message", async () => {
    const second = bodies[1] as Record<'attributes' | 'events', Array<{ external_id: string }> | undefined>
    const culprit = (second.events ?? second.attributes)![0]!.external_id
    mockBraze((request) =>
      request.path === '/users/track' &&
      JSON.stringify(request.body).includes(`"external_id":${JSON.stringify(culprit)}`) &&
      JSON.stringify(request.body) !== JSON.stringify(bodies[0])
        ? { status: 400, body: { message: 'Bad Request' } }
        : undefined
    )
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    const refused = indexesWith(results, 400)
    expect(refused.length).toBeGreaterThan(0)
    for (const index of refused) {
      expect(results[index]!.errormessage).toMatch(/Bad Request/)
      expect((batch.events[index] as { userId?: string }).userId).toBe(culprit)
    }
    expect(refused.length).toBeLessThan(batch.eventsBehind(bodies[1]).length)
  })

  test('a request that never answers within the deadline → its events 500, the rest delivered, at the deadline', async () => {
    const third = JSON.stringify(bodies[2])
    const slow = nock(BRAZE_HOST)
      .post('/users/track', (body) => JSON.stringify(body) === third)
      .delay(1500)
      .reply(201, { message: 'success' })
    const braze = mockBraze()
    const overrides = { sendPageEvents: true, ecommerceMode: 'purchases' }
    const settings = settingsFor(overrides)
    const plans = batch.events.map((event) => planFor(event, overrides))
    // The deadline is the connection's: 300 ms here, 4 s from the handlers.
    const connection = { dataCenter: settings.dataCenter, apiKey: settings.apiKey, deadline: Date.now() + 300 }
    const started = Date.now()
    const report = await deliver(plans, { connection, maxObjectsPerRequest: 75, skipUnchangedAttributes: false })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(slow.isDone()).toBe(true)
    expect(braze.requests).toHaveLength(2)
    const behind = batch.eventsBehind(bodies[2])
    const failed = report.failures.flatMap((failures, index) => (failures.length > 0 ? [index] : []))
    expect(failed).toEqual(behind)
    for (const index of behind)
      expect(report.failures[index]).toEqual([{ kind: 'retry', message: expect.stringMatching(/did not answer/) }])
  })

  test('a connection reset on every request → every event 500', async () => {
    nock(BRAZE_HOST).persist().post('/users/track').replyWithError({ code: 'ECONNRESET' })
    const results = await onBatch(batch.events, BATCH_SETTINGS)
    expect(statuses(results)).toEqual(batch.events.map(() => 500))
    expectNoKey(results)
  })
})

describe('an email lead and a user taking its email in one batch', () => {
  // Braze gives an email-keyed object to whoever has the email when it applies it (src/destination/contact-links.ts).
  const events = [
    identify('u1', { plan: 'free' }, { timestamp: at(0) }),
    identify(undefined, { email: 'p1@example.com', plan: 'lead' }, { anonymousId: 'a-1', timestamp: at(1) }),
    identify('u1', { email: 'p1@example.com' }, { timestamp: at(2) })
  ]

  test.each([
    ['in time order', events],
    ['listed in another order', [events[2]!, events[0]!, events[1]!]]
  ])(
    "%s: one request, in time order, the user's later email not folded ahead of the lead's object; then the merge",
    async (_order, batch) => {
      const braze = mockBraze()
      const results = await onBatch(batch, SETTINGS)
      expect(statuses(results)).toEqual([200, 200, 200])
      expect(braze.requests.map((request) => [request.path, request.body])).toEqual([
        [
          '/users/track',
          {
            attributes: [
              { external_id: 'u1', plan: 'free' },
              { email: 'p1@example.com', plan: 'lead' },
              { external_id: 'u1', email: 'p1@example.com' }
            ]
          }
        ],
        [
          '/users/merge',
          {
            merge_updates: [
              {
                identifier_to_merge: { email: 'p1@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
                identifier_to_keep: { external_id: 'u1' }
              }
            ]
          }
        ]
      ])
    }
  )
})

describe('an event keyed by an email, then a user given that email, in one batch', () => {
  // Braze applies a request's attributes before its events (src/destination/contact-rounds.ts): the user waits for a second round.
  const events = [
    track(undefined, 'Viewed', {}, { anonymousId: 'a-1', context: { traits: { email: 'p1@example.com' } }, timestamp: at(0) }),
    identify('u1', { email: 'p1@example.com' }, { timestamp: at(1) })
  ]

  test('two rounds: the event first, then the user and its merge of the email lead', async () => {
    const braze = mockBraze()
    const results = await onBatch(events, SETTINGS)
    expect(statuses(results)).toEqual([200, 200])
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/track', '/users/merge'])
    expect(braze.requests[0]!.body).toEqual({ events: [expect.objectContaining({ email: 'p1@example.com', name: 'Viewed' })] })
    expect(braze.requests[1]!.body).toEqual({ attributes: [{ external_id: 'u1', email: 'p1@example.com' }] })
  })

  test('no time left for the second round: its event is retried and nothing of it is sent', async () => {
    // 1.15 s at the start, enough for a round (1 s); the first round's 200 ms leave less.
    const slow = nock(BRAZE_HOST)
      .post('/users/track', (body) => body.events?.[0]?.name === 'Viewed')
      .delay(200)
      .reply(201, { message: 'success' })
    const braze = mockBraze()
    const plans = events.map((event) => planFor(event, {}))
    const settings = settingsFor({})
    const connection = { dataCenter: settings.dataCenter, apiKey: settings.apiKey, deadline: Date.now() + 1150 }
    const report = await deliver(plans, { connection, maxObjectsPerRequest: 75, skipUnchangedAttributes: false })
    expect(slow.isDone()).toBe(true)
    expect(braze.requests).toEqual([])
    expect(report.failures).toEqual([
      [],
      [{ kind: 'retry', message: expect.stringMatching(/^The invocation ran out of time before this event could be sent/) }]
    ])
  })
})

describe('bad events and bad settings', () => {
  test('invalid events get their own 400; the others are delivered', async () => {
    const braze = mockBraze()
    const events = [
      identify('u1', { plan: 'pro' }),
      track('u1', undefined),
      track(undefined, 'Anonymous Thing', {}, { anonymousId: 'anon-1' }),
      page('u2', 'Home'),
      null,
      { type: 'screen', userId: 'u3', name: 'Home' },
      { type: 'unknown', userId: 'u4' },
      track('u4', 'Order Completed', { products: [] }),
      track('u5', 'Signed Up')
    ]
    const results = await onBatch(events, { ...SETTINGS, sendPageEvents: true })
    expect(statuses(results)).toEqual([200, 400, 400, 200, 400, 400, 400, 400, 200])
    expect(results[1]!.errormessage).toMatch(/event/)
    expect(results[2]!.errormessage).toMatch(/userId.*anonymousAliasLabel/s)
    expect(results[5]!.errormessage).toMatch(/sendScreenEvents/)
    expect(results[0]).toEqual({ status: 200 })
    expect(trackObjects(braze.requests).events.map((event) => event.name)).toEqual(['Viewed Home Page', 'Signed Up'])
  })

  test('invalid settings → onBatch throws ValidationError and sends nothing', async () => {
    const braze = mockBraze()
    for (const settings of [null, {}, { ...SETTINGS, dataCenter: 'US-09' }, { ...SETTINGS, maxObjectsPerRequest: 'lots' }]) {
      const error = await onBatch([identify('u1')], settings).catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(segmentErrorClass('ValidationError'))
    }
    expect(braze.requests).toHaveLength(0)
  })

  test('not an array → InvalidEventPayload; an empty batch → [] with no request', async () => {
    const braze = mockBraze()
    await expect(onBatch({ type: 'identify' }, SETTINGS)).rejects.toBeInstanceOf(segmentErrorClass('InvalidEventPayload'))
    await expect(onBatch([], SETTINGS)).resolves.toEqual([])
    expect(braze.requests).toHaveLength(0)
  })
})

describe('user endpoints in chunks of 50', () => {
  const LABELLED = { ...SETTINGS, anonymousAliasLabel: 'segment_anonymous_id' }

  test('120 identifies with anonymousId → after the tracks, /users/merge 50 + 50 + 20 of each alias into its user', async () => {
    const braze = mockBraze()
    const events = Array.from({ length: 120 }, (_, i) => identify(`u${i}`, { n: i }, { anonymousId: `anon-${i}`, timestamp: at(i) }))
    const results = await onBatch(events, LABELLED)
    expect(statuses(results)).toEqual(events.map(() => 200))
    const merges = braze.to('/users/merge')
    expect(merges.map((request) => request.body.merge_updates.length).sort((a, b) => b - a)).toEqual([50, 50, 20])
    const updates = merges.flatMap((request) => request.body.merge_updates)
    expect(updates).toHaveLength(120)
    for (const update of updates) {
      expect(update.identifier_to_merge).toEqual({
        user_alias: { alias_name: update.identifier_to_keep.external_id.replace('u', 'anon-'), alias_label: 'segment_anonymous_id' }
      })
    }
    expect(braze.to('/users/track')).toHaveLength(2)
    // Every merge went out after every /users/track had its answer.
    expect(braze.requests.slice(0, 2).map((request) => request.path)).toEqual(['/users/track', '/users/track'])
  })

  test('the same anonymousId → userId link seen on several identifies is sent once, for all of them', async () => {
    const braze = mockBraze((request) => (request.path === '/users/merge' ? { status: 400, body: { message: 'bad alias' } } : undefined))
    const events = [1, 2, 3].map((n) => identify('u1', { n }, { anonymousId: 'anon-1', timestamp: at(n) }))
    const results = await onBatch([...events, identify('u2', {})], LABELLED)
    expect(braze.to('/users/merge')[0]!.body.merge_updates).toHaveLength(1)
    expect(statuses(results)).toEqual([400, 400, 400, 200])
    expect(results[0]!.errormessage).toMatch(/bad alias/)
  })

  test('60 aliases → the 60 profiles to keep in one /users/track, then /users/merge 50 + 10', async () => {
    const braze = mockBraze()
    const events = Array.from({ length: 60 }, (_, i) => alias(`new-${i}`, `old-${i}`))
    expect(statuses(await onBatch(events, SETTINGS))).toEqual(events.map(() => 200))
    const merges = braze.to('/users/merge')
    expect(merges.map((request) => request.body.merge_updates.length).sort((a, b) => b - a)).toEqual([50, 10])
    expect(merges.flatMap((request) => request.body.merge_updates)).toContainEqual({
      identifier_to_merge: { external_id: 'old-7' },
      identifier_to_keep: { external_id: 'new-7' }
    })
    expect(braze.requests.map((request) => request.path)).toEqual(['/users/track', '/users/merge', '/users/merge'])
    expect(braze.requests[0]!.body.attributes).toHaveLength(60)
  })

  test('server-side aliases (no anonymousId) with the alias label merge both the old alias and the old userId', async () => {
    const braze = mockBraze()
    const events = Array.from({ length: 30 }, (_, i) => alias(`u${i}`, `old-${i}`))
    await onBatch(events, LABELLED)
    const updates = braze.to('/users/merge').flatMap((request) => request.body.merge_updates)
    expect(updates).toHaveLength(60)
    expect(updates).toContainEqual({
      identifier_to_merge: { user_alias: { alias_name: 'old-3', alias_label: 'segment_anonymous_id' } },
      identifier_to_keep: { external_id: 'u3' }
    })
    expect(updates).toContainEqual({ identifier_to_merge: { external_id: 'old-3' }, identifier_to_keep: { external_id: 'u3' } })
  })

  test('110 deletes as Segment sends them (context: []) → /users/delete 50 + 50 + 10; anonymous ones by alias', async () => {
    const braze = mockBraze()
    const events = [
      ...Array.from({ length: 110 }, (_, i) => deletion(`u${i}`)),
      { type: 'delete', anonymousId: 'anon-9', messageId: 'd-anon', context: [], integrations: [] }
    ]
    const results = await onBatch(events, LABELLED)
    expect(statuses(results)).toEqual(events.map(() => 200))
    const deletes = braze.to('/users/delete')
    const byIds = deletes.filter((request) => 'external_ids' in request.body)
    expect(byIds.map((request) => request.body.external_ids.length).sort((a, b) => b - a)).toEqual([50, 50, 10])
    expect(byIds.flatMap((request) => request.body.external_ids).sort()).toEqual(
      events
        .slice(0, 110)
        .map((event) => event.userId)
        .sort()
    )
    expect(deletes.filter((request) => 'user_aliases' in request.body).map((request) => request.body)).toEqual([
      { user_aliases: [{ alias_name: 'anon-9', alias_label: 'segment_anonymous_id' }] }
    ])
    for (const request of deletes) expect(Object.keys(request.body)).toHaveLength(1)
  })

  test('a mixed batch with deletes, aliases and tracks: statuses in input order', async () => {
    mockBraze((request) => (request.path === '/users/delete' ? { status: 404, body: { message: 'Not Found' } } : undefined))
    const results = await onBatch([track('u1', 'A'), deletion('u2'), alias('u3', 'old-3'), deletion('u4'), identify('u5')], SETTINGS)
    expect(statuses(results)).toEqual([200, 400, 200, 400, 200])
    expect(results[1]!.errormessage).toMatch(/Not Found/)
  })
})
