// The delivery planner, pure: plans in, requests out. Every object once, every
// request within Braze's limits, every event's objects in one request whenever
// they fit one, split events as parts in sequence, and what the memory says
// Braze already has left out.
import fc from 'fast-check'
import { fits, smallerRequests } from '../src/destination/batch-packer'
import { DELIVERED, DeliveryMemory } from '../src/destination/delivery-memory'
import { planDelivery, requestLimits } from '../src/destination/delivery-plan'
import { mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { itemsOf, sizeOf, type Bundle } from '../src/destination/track-bundle'
import { at } from './helpers/events'
import { settingsFor } from './helpers/settings'

const SETTINGS = settingsFor({ ecommerceMode: 'purchases', audienceAttribute: 'segment_audiences' })

function plansOf(events: unknown[]): EventPlan[] {
  return events.map((event) => {
    const plan = mapEvent(event, SETTINGS)
    if ('kind' in plan) throw new Error(plan.message)
    return plan
  })
}

const identify = (user: number, n: number) => ({
  type: 'identify',
  userId: `u${user}`,
  messageId: `i${n}`,
  timestamp: at(n),
  traits: { n, [`t${n}`]: true }
})
const track = (user: number, n: number) => ({
  type: 'track',
  userId: `u${user}`,
  messageId: `t${n}`,
  timestamp: at(n),
  event: 'Viewed',
  properties: { n }
})
const audience = (user: number, n: number) => ({
  type: 'track',
  userId: `u${user}`,
  messageId: `a${n}`,
  timestamp: at(n),
  event: 'Audience Entered',
  properties: { audience_key: 'vip', vip: true, n },
  context: { personas: { computation_class: 'audience', computation_key: 'vip' } }
})
const order = (user: number, n: number, products: number) => ({
  type: 'track',
  userId: `u${user}`,
  messageId: `o${n}`,
  timestamp: at(n),
  event: 'Order Completed',
  properties: { order_id: `o${n}`, n, products: Array.from({ length: products }, (_, k) => ({ product_id: `p${n}-${k}`, price: 1 })) }
})

/** A visitor's track (messageId "seen") and, timed before it, an Engage computed trait for the same anonymousId's alias. */
function visitorWithEngageTrait(extra: Record<string, unknown> = {}): EventPlan[] {
  const settings = settingsFor({ anonymousAliasLabel: 'anon', ...extra })
  return [
    { type: 'track', anonymousId: 'a1', event: 'Viewed', messageId: 'seen', timestamp: at(1) },
    {
      type: 'identify',
      anonymousId: 'a1',
      timestamp: at(0),
      traits: { ltv: 3 },
      context: { personas: { computation_class: 'trait', computation_key: 'ltv' } }
    }
  ].map((event) => mapEvent(event, settings) as EventPlan)
}

/** Which requests (round 1, then chains) hold each event's events and purchases. */
function whereEvents(requests: Bundle[]): Map<number, Set<number>> {
  const places = new Map<number, Set<number>>()
  requests.forEach((request, index) => {
    for (const { array, item } of itemsOf(request)) {
      if (array === 'attributes') continue
      for (const owner of item.owners) {
        if (!places.has(owner)) places.set(owner, new Set())
        places.get(owner)!.add(index)
      }
    }
  })
  return places
}

describe('planDelivery', () => {
  test('an order of 150 products: the first 75 in the first round, the rest a later part in sequence', () => {
    const plan = planDelivery(plansOf([order(1, 1, 150), track(2, 2)]), { limits: requestLimits(75) })
    expect(plan.requests.map((request) => request.purchases.length).sort()).toEqual([0, 75])
    expect(plan.chains).toEqual([{ owner: 0, parts: [expect.objectContaining({ purchases: expect.any(Array) })] }])
    expect(plan.chains[0]!.parts[0]!.purchases).toHaveLength(75)
    expect(plan.expected[0]).toEqual(new Set([0, 1]))
  })

  test('a delivered value counts for a day from its own delivery, whatever was delivered for the user since', () => {
    let now = 0
    const hour = 60 * 60 * 1000
    const memory = new DeliveryMemory(() => now)
    const deliver = (attribute: string, json: string) => {
      memory.sendingValues('external_id:u1', [attribute])
      memory.sentValues('external_id:u1', [[attribute, json]])
    }
    deliver('plan', '"pro"')
    now = 20 * hour
    deliver('seats', '3')
    now = 30 * hour
    expect(memory.deliveredValue('external_id:u1', 'seats')).toBe('3')
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBeUndefined()
  })

  test('what the memory says Braze accepted is left out: a delivered message entirely, a split one from its first missing part', () => {
    const memory = new DeliveryMemory()
    memory.remember('o1', [0], false, undefined, 75)
    memory.remember('t2', [], true, undefined, 75)
    const plan = planDelivery(plansOf([order(1, 1, 150), track(2, 2)]), { limits: requestLimits(75), memory })
    expect(plan.alreadyDelivered).toEqual([false, true])
    expect(plan.requests).toHaveLength(1)
    expect(plan.requests[0]!.purchases[0]!.object.product_id).toBe('p1-75')
    expect(plan.chains).toEqual([])
  })

  test('a message Braze refused an object of, retried for another reason: the parts it took stay out, and the refusal is recalled to reject it', () => {
    const memory = new DeliveryMemory()
    memory.remember('o1', [0], false, undefined, 75, "Braze rejected the purchase object: 'price' is invalid")
    memory.remember('o1', [1], false, undefined, 75)
    const plan = planDelivery(plansOf([order(1, 1, 150), track(2, 2)]), { limits: requestLimits(75), memory })
    expect(plan.refusedBefore).toEqual(new Map([[0, "Braze rejected the purchase object: 'price' is invalid"]]))
    expect(plan.requests.flatMap((request) => request.purchases)).toEqual([])
  })

  test('a redelivery under another maxObjectsPerRequest is cut as the parts Braze took were: only what it lacks goes, each part whole', () => {
    // 180 purchases at 75: parts of 75, 75 and 30; Braze took the first two. At 50, the third is still those 30.
    const memory = new DeliveryMemory()
    memory.remember('o1', [0, 1], false, undefined, 75)
    const plan = planDelivery(plansOf([order(1, 1, 180)]), { limits: requestLimits(50), memory })
    expect(plan.requests).toEqual([])
    expect(plan.chains[0]!.parts.map((part) => part.purchases.map((entry) => entry.object.product_id))).toEqual([
      Array.from({ length: 30 }, (_, i) => `p1-${150 + i}`)
    ])
    expect(plan.cuts).toEqual([75])
  })

  test('a redelivery whose first part Braze took but not its attributes: the attributes alone first, then every other part in sequence', () => {
    const memory = new DeliveryMemory()
    memory.remember('o1', [0], false, undefined, 75)
    const [split] = plansOf([order(1, 1, 150)])
    split!.attributes.push({ external_id: 'u1', vip: true })
    const plan = planDelivery([split], { limits: requestLimits(75), memory })
    expect(plan.requests.map((request) => [request.attributes.length, request.purchases.length])).toEqual([[1, 0]])
    expect(plan.chains[0]!.parts.map((part) => [part.attributes.length, part.purchases.length])).toEqual([
      [0, 75],
      [0, 1]
    ])
  })

  test('skipUnchangedAttributes: a remembered value is still sent when an earlier object of the batch changed it', () => {
    const memory = new DeliveryMemory()
    memory.sendingValues('external_id:u1', ['logins'])
    memory.sentValues('external_id:u1', [['logins', '5']])
    const identifyWith = (n: number, traits: Record<string, unknown>) => ({ ...identify(1, n), traits })
    const plan = planDelivery(
      plansOf([identifyWith(1, { logins: 5 }), identifyWith(2, { logins: { inc: 1 } }), identifyWith(3, { logins: 5 })]),
      {
        limits: requestLimits(75),
        memory,
        skipUnchangedAttributes: true
      }
    )
    // The first is what the profile holds; after the increment, 5 must be set again.
    expect(plan.requests.flatMap((request) => request.attributes.map(({ object }) => object))).toEqual([
      { external_id: 'u1', logins: { inc: 1 } },
      { external_id: 'u1', logins: 5 }
    ])
  })

  test('the values memory is bounded: at most 4,000 characters of names and values per user, each entry counting 48 more; the rest is always sent', () => {
    const memory = new DeliveryMemory()
    const many = Array.from({ length: 200 }, (_, i): [string, string] => [`trait_${i}`, JSON.stringify(`value ${i}`)])
    const delivered: Array<[string, string | undefined]> = [['plan', '"pro"'], ['bio', JSON.stringify('x'.repeat(4500))], ...many]
    memory.sendingValues(
      'external_id:u1',
      delivered.map(([name]) => name)
    )
    memory.sentValues('external_id:u1', delivered)
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBe('"pro"')
    expect(memory.deliveredValue('external_id:u1', 'bio')).toBeUndefined()
    const kept = many.filter(([name]) => memory.deliveredValue('external_id:u1', name) !== undefined)
    expect(kept.length).toBeGreaterThan(50)
    expect(kept.length).toBeLessThan(many.length)
    expect(kept.reduce((chars, [name, json]) => chars + name.length + json.length + 48, 'plan'.length + 5 + 48)).toBeLessThanOrEqual(4000)
  })

  test('a messageId over 1,024 characters is not remembered (20,000 of them would hold gigabytes): its redelivery is sent again', () => {
    const memory = new DeliveryMemory()
    const long = `m-${'x'.repeat(1024)}`
    memory.remember(long, [0], true, undefined, 75)
    memory.remember('m-short', [0], true, undefined, 75)
    expect(memory.recall(long)).toBeUndefined()
    expect(memory.recall('m-short')).toBe(DELIVERED)
  })

  test('a write through another identifier voids the values sent before it, of that attribute only; a value sent after it counts', () => {
    const memory = new DeliveryMemory()
    const deliver = (user: string, values: Array<[string, string]>) => {
      memory.sendingValues(
        user,
        values.map(([name]) => name)
      )
      memory.sentValues(user, values)
    }
    deliver('external_id:u1', [
      ['plan', '"pro"'],
      ['seats', '3']
    ])
    memory.sendingValues('external_id:u2', ['plan'])
    memory.writtenElsewhere(['plan'])
    memory.sentValues('external_id:u2', [['plan', '"max"']])
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBeUndefined()
    expect(memory.deliveredValue('external_id:u1', 'seats')).toBe('3')
    // u2's request went out before the write elsewhere was sent: Braze may have applied them in either order.
    expect(memory.deliveredValue('external_id:u2', 'plan')).toBeUndefined()
    deliver('external_id:u1', [['plan', '"pro"']])
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBe('"pro"')
  })

  test('past 10,000 attribute names written elsewhere the record is emptied: a value sent before that no longer counts', () => {
    const memory = new DeliveryMemory()
    memory.sendingValues('external_id:u1', ['plan'])
    memory.writtenElsewhere(Array.from({ length: 10_001 }, (_, i) => `trait_${i}`))
    memory.sentValues('external_id:u1', [['plan', '"pro"']])
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBeUndefined()
    memory.sendingValues('external_id:u1', ['plan'])
    memory.sentValues('external_id:u1', [['plan', '"pro"']])
    expect(memory.deliveredValue('external_id:u1', 'plan')).toBe('"pro"')
  })

  test('a merge answered after something was sent to its profile is not remembered (the profile exists again)', () => {
    const memory = new DeliveryMemory()
    memory.mergeSending('user_alias:tab')
    memory.forgetMerge('user_alias:tab')
    memory.mergeAnswered('user_alias:tab', 'merge-key')
    expect(memory.mergeDone('user_alias:tab', 'merge-key')).toBe(false)
    memory.mergeSending('user_alias:tab')
    memory.mergeAnswered('user_alias:tab', 'merge-key')
    expect(memory.mergeDone('user_alias:tab', 'merge-key')).toBe(true)
  })

  test('merges already done are not planned again; deletes by kind in chunks of 50', () => {
    const memory = new DeliveryMemory()
    const plans = plansOf([
      { type: 'alias', userId: 'new', previousId: 'old', messageId: 'al' },
      ...Array.from({ length: 51 }, (_, i) => ({ type: 'delete', userId: `d${i}`, messageId: `d${i}` }))
    ])
    memory.rememberMerge('external_id:old', JSON.stringify(plans[0]!.merges[0]))
    const plan = planDelivery(plans, { limits: requestLimits(75), memory })
    expect(plan.merges).toEqual([])
    expect(plan.deletes.map((request) => [request.field, request.targets.length])).toEqual([
      ['external_ids', 50],
      ['external_ids', 1]
    ])
    // A late event of the old userId in the same batch creates that profile again: the merge is planned again.
    const late = plansOf([
      { type: 'alias', userId: 'new', previousId: 'old', messageId: 'al' },
      { type: 'track', userId: 'old', event: 'Late' }
    ])
    expect(planDelivery(late, { limits: requestLimits(75), memory }).merges).toHaveLength(1)
  })

  test.each([
    ["the visitor's track creates the alias profile: the Engage trait creates it too", {}, [false, false]],
    ['updateExistingOnly: nothing creates a profile, nothing changes', { updateExistingOnly: true }, [true, true]]
  ])("an Engage trait for an anonymousId's alias beside the visitor's own track in one batch: %s", (_name, extra, flags) => {
    const plans = visitorWithEngageTrait(extra)
    // Braze applies a request's attributes before its events (https://www.braze.com/docs/api/api_limits/).
    expect(plans[1]!.attributes[0]).toHaveProperty('_update_existing_only', true)
    const [request] = planDelivery(plans, { limits: requestLimits(75) }).requests
    expect([request!.attributes[0]!.object._update_existing_only, request!.events[0]!.object._update_existing_only]).toEqual(flags)
  })

  test("an Engage trait for an alias stays update-only beside a visitor's track Braze already has (redelivered): nothing in this invocation creates the profile", () => {
    const plans = visitorWithEngageTrait()
    const memory = new DeliveryMemory()
    memory.remember('seen', new Set([0]), true, undefined, 75)
    const [request] = planDelivery(plans, { limits: requestLimits(75), memory }).requests
    expect(request!.events).toEqual([])
    expect(request!.attributes[0]!.object._update_existing_only).toBe(true)
  })

  test('an Engage alias plan whose first part fills a request to the byte, flipped to create the profile: the part still travels whole', () => {
    const visitor = { alias_name: 'v1', alias_label: 'anon' }
    const time = '2024-05-01T10:00:00.000Z'
    const purchase = (id: string, pad: number) => ({
      user_alias: visitor,
      product_id: id,
      currency: 'USD',
      price: 1,
      quantity: 1,
      time,
      properties: { pad: 'x'.repeat(pad) },
      _update_existing_only: true
    })
    const base = { events: [], merges: [], deletes: [], warnings: [], epoch: 1 }
    const engage = (pad: number): EventPlan => ({
      ...base,
      attributes: [{ user_alias: visitor, _update_existing_only: true, ltv: 3 }],
      purchases: [purchase('p1', pad), purchase('p2', pad), purchase('p3', pad), purchase('p4', 300_000)],
      messageId: 'E',
      engage: true
    })
    const creator: EventPlan = {
      ...base,
      attributes: [{ user_alias: visitor, _update_existing_only: false }],
      purchases: [],
      messageId: 'C'
    }
    const other: EventPlan = {
      ...base,
      attributes: [],
      purchases: [],
      events: [{ external_id: 'u9', name: 'Big', time, properties: { pad: 'y'.repeat(360_000) } }],
      messageId: 'O'
    }
    const limits = requestLimits(75)
    // The largest padding at which the first part holds three purchases: that part fills its 1 MB request to the byte.
    const firstPart = (pad: number) =>
      planDelivery([engage(pad)], { limits })
        .requests.flatMap((request) => request.purchases)
        .filter((entry) => entry.part === 0).length
    let [low, high] = [300_000, 400_000]
    while (high - low > 1) [low, high] = firstPart((low + high) >> 1) === 3 ? [(low + high) >> 1, high] : [low, (low + high) >> 1]
    const plan = planDelivery([engage(low), creator, other], { limits })
    const requestsOf = new Map<string, Set<number>>()
    plan.requests.forEach((request, index) => {
      for (const { item: one } of itemsOf(request))
        if (one.part !== 'attributes')
          requestsOf.set(`${one.owners[0]}:${one.part}`, (requestsOf.get(`${one.owners[0]}:${one.part}`) ?? new Set()).add(index))
    })
    expect([...requestsOf.values()].every((requests) => requests.size === 1)).toBe(true)
    expect(plan.requests.every((request) => fits(sizeOf(request), limits))).toBe(true)
    expect(plan.requests.flatMap((request) => request.purchases).every((entry) => entry.object._update_existing_only === false)).toBe(true)
  })

  test('smallerRequests: a refused request of 75 as requests of 50 at most, every object once, no part split, a part over 50 unsendable', () => {
    const events = [order(1, 0, 53), ...Array.from({ length: 22 }, (_, i) => track(2 + (i % 3), 1 + i))]
    const [request] = planDelivery(plansOf(events), { limits: requestLimits(75) }).requests
    expect(sizeOf(request!).total).toBe(75)
    const { lanes, unsendable } = smallerRequests(request!, requestLimits(50))
    expect(lanes.flat().every((smaller) => sizeOf(smaller).total <= 50)).toBe(true)
    expect(unsendable.map((bundle) => sizeOf(bundle).total)).toEqual([53])
    const sent = [...lanes.flat(), ...unsendable].flatMap(itemsOf).map(({ item: one }) => one.object)
    expect(new Set(sent)).toEqual(new Set(itemsOf(request!).map(({ item: one }) => one.object)))
    expect(sent).toHaveLength(75)
  })

  test("smallerRequests: a user over 50 objects goes in order, one request after another: its attributes (in time order) before its events' parts", () => {
    const events = [identify(1, 30), identify(1, 10), ...Array.from({ length: 60 }, (_, i) => track(1, 100 + i))]
    const [request] = planDelivery(plansOf(events), { limits: requestLimits(75) }).requests
    const { lanes, unsendable } = smallerRequests(request!, requestLimits(50))
    expect(unsendable).toEqual([])
    expect(lanes).toHaveLength(1)
    expect(lanes[0]!.map((smaller) => sizeOf(smaller).total)).toEqual([50, 11])
    expect(lanes[0]!.flatMap((smaller) => smaller.attributes.map(({ object }) => object))).toEqual(
      request!.attributes.map(({ object }) => object)
    )
    expect(lanes[0]![0]!.attributes.length).toBeGreaterThan(0)
  })

  test('a user whose objects do not fit one request: events keep their own attributes, each event whole', () => {
    const events = [...Array.from({ length: 60 }, (_, i) => audience(1, i)), ...Array.from({ length: 30 }, (_, i) => identify(1, 100 + i))]
    const plan = planDelivery(plansOf(events), { limits: requestLimits(75) })
    for (const request of plan.requests) expect(fits(sizeOf(request), requestLimits(75))).toBe(true)
    // Each audience event: its custom event and its own attributes update in the same request.
    plan.requests.forEach((request) => {
      const withEvents = new Set(request.events.flatMap((entry) => entry.owners))
      for (const entry of request.attributes)
        if (entry.owners.length === 1 && entry.owners[0]! < 60) expect(withEvents.has(entry.owners[0]!)).toBe(true)
    })
  })
})

describe('planDelivery (property-based)', () => {
  const kinds = fc.constantFrom('identify', 'track', 'audience', 'order')
  const stream = fc.array(fc.tuple(kinds, fc.nat({ max: 6 }), fc.integer({ min: 1, max: 160 })), { minLength: 1, maxLength: 120 })

  test("every object planned once, every request within the limits, each event's first part in one request, at most 4 per event", () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 225 }), (shapes, combined) => {
        const events = shapes.map(([kind, user, products], n) =>
          kind === 'identify'
            ? identify(user, n)
            : kind === 'track'
              ? track(user, n)
              : kind === 'audience'
                ? audience(user, n)
                : order(user, n, products % 20)
        )
        const settings = { ...SETTINGS, maxObjectsPerRequest: combined }
        const mapped = events.map((event) => mapEvent(event, settings)).map((plan) => ('kind' in plan ? undefined : plan))
        const limits = requestLimits(combined)
        // An event is refused only when its objects cannot fit the 4 requests it may make (these are small).
        const objectsOf = (one: EventPlan) => one.attributes.length + one.events.length + one.purchases.length
        const refused = planDelivery(mapped, { limits }).rejected
        mapped.forEach((one, owner) => expect(refused.has(owner)).toBe(one !== undefined && objectsOf(one) > 4 * Math.min(75, combined)))
        const plans = mapped.map((one, owner) => (refused.has(owner) ? undefined : one))
        const plan = planDelivery(plans, { limits })
        const all = [...plan.requests, ...plan.deferred, ...plan.chains.flatMap((chain) => chain.parts)]
        for (const request of all) {
          const size = sizeOf(request)
          expect(fits(size, limits) || size.total === 1).toBe(true)
        }
        // Every event and purchase object exactly once.
        const sent = all.flatMap((request) => [...request.events, ...request.purchases].map((entry) => entry.object))
        const planned = plans.flatMap((one) => [...(one?.events ?? []), ...(one?.purchases ?? [])])
        expect(sent).toHaveLength(planned.length)
        expect(new Set(sent).size).toBe(sent.length)
        // Every event with attributes is behind some attributes object.
        const covered = new Set(all.flatMap((request) => request.attributes.flatMap((entry) => entry.owners)))
        plans.forEach((one, owner) => {
          if (one && one.attributes.length > 0) expect(covered.has(owner)).toBe(true)
        })
        // An event's first part (in the first round, or in the second behind the attributes it is tied to) is one request.
        for (const places of whereEvents([...plan.requests, ...plan.deferred]).values()) expect(places.size).toBe(1)
        // No part of an event is spread over two requests.
        const partPlaces = new Map<string, Set<number>>()
        all.forEach((request, index) => {
          for (const entry of [...request.events, ...request.purchases]) {
            const key = `${entry.owners[0]}:${String(entry.part)}`
            partPlaces.set(key, (partPlaces.get(key) ?? new Set()).add(index))
          }
        })
        for (const places of partPlaces.values()) expect(places.size).toBe(1)
        for (const chain of plan.chains) expect(chain.parts.length).toBeLessThan(4)
      }),
      { numRuns: 120, seed: 42 }
    )
  })
})
