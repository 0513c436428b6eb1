// track → one Braze custom event: name, time, properties, app_id,
// and the payloads Braze would refuse.
import { NOW_ISO, plan, planFor, problemFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const EPOCH = Date.parse(T)

function track(event: unknown, properties: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'track', userId: 'u1', event, properties, timestamp: T, ...extra }
}

/** The single custom event of a track, and the plan's warnings. */
function eventOf(event: unknown, overrides: Record<string, unknown> = {}) {
  const result = planFor(event, overrides)
  expect(result.events).toHaveLength(1)
  expect(result.attributes).toEqual([])
  expect(result.purchases).toEqual([])
  return { event: result.events[0]!, warnings: result.warnings }
}

describe('the custom event', () => {
  test('a name with spaces around it is sent trimmed: Braze tells "Signed Up" and " Signed Up " apart', () => {
    expect(eventOf(track('  Signed Up  ', {})).event.name).toBe('Signed Up')
  })

  test('properties named constructor or prototype are sent, at any depth (Braze drops only $ keys); __proto__ never is', () => {
    // https://www.braze.com/docs/api/objects_filters/event_object/: "Property names must be non-empty strings less
    // than or equal to 255 characters, with no leading dollar signs ($)."
    const properties = JSON.parse('{"constructor":"Bob","prototype":"v2","nested":{"constructor":"Wendy","__proto__":{"x":1}}}')
    const { event, warnings } = eventOf(track('Built House', properties))
    expect(event.properties).toEqual({ constructor: 'Bob', prototype: 'v2', nested: { constructor: 'Wendy' } })
    expect(Object.getPrototypeOf(event.properties!.nested)).toBe(Object.prototype)
    expect(warnings).toEqual(['property "nested".__proto__ was dropped: a reserved JavaScript key.'])
  })

  test('a nested property holding a date after the year 3000 is sent, with a warning: Braze does not store it', () => {
    // https://www.braze.com/docs/user_guide/data/activation/events/custom_events/nested_objects/
    const { event, warnings } = eventOf(track('Booked', { stay: { check_out: '3024-01-01T00:00:00Z' } }))
    expect(event.properties).toEqual({ stay: { check_out: '3024-01-01T00:00:00Z' } })
    expect(warnings).toEqual([
      'property "stay".check_out is a date after the year 3000, which Braze does not store in a nested event property.'
    ])
  })

  test.each([
    ['an array', [1, 2]],
    ['a string', 'cart'],
    ['a number', 7]
  ])('properties that are %s: the event without them, and a warning saying why', (kind, properties) => {
    const { event, warnings } = eventOf(track('Cart Viewed Again', properties))
    expect(event).toEqual({ external_id: 'u1', name: 'Cart Viewed Again', time: T })
    expect(warnings).toEqual([`"properties" was ignored: it is ${kind}, not an object.`])
  })

  test('identify traits that are not an object: the profile is still created (as for no traits), with a warning', () => {
    expect(planFor({ type: 'identify', userId: 'u1', traits: [1], timestamp: T })).toEqual(
      plan({ attributes: [{ external_id: 'u1' }], warnings: ['"traits" was ignored: it is an array, not an object.'], epoch: EPOCH })
    )
  })

  test('name, time and properties', () => {
    expect(planFor(track('Course Clicked', { title: 'Intro to Analytics', index: 3, free: true, tags: ['a'] }))).toEqual(
      plan({
        events: [
          {
            external_id: 'u1',
            name: 'Course Clicked',
            time: T,
            properties: { title: 'Intro to Analytics', index: 3, free: true, tags: ['a'] }
          }
        ],
        epoch: EPOCH
      })
    )
  })

  test('no properties: no properties key', () => {
    expect(eventOf(track('Signed Up', {})).event).toEqual({ external_id: 'u1', name: 'Signed Up', time: T })
    expect(eventOf(track('Signed Up', undefined)).event).toEqual({ external_id: 'u1', name: 'Signed Up', time: T })
  })

  test.each([
    ['an array', ['a']],
    ['a string', 'a=1'],
    ['null', null],
    ['a number', 5]
  ])('properties that are %s count as none', (_name, properties) => {
    expect(eventOf(track('Signed Up', properties)).event).toEqual({ external_id: 'u1', name: 'Signed Up', time: T })
  })

  test('properties named kind and message are properties, not a problem', () => {
    expect(eventOf(track('Message Sent', { kind: 'sms', message: 'hello' })).event).toEqual({
      external_id: 'u1',
      name: 'Message Sent',
      time: T,
      properties: { kind: 'sms', message: 'hello' }
    })
  })

  test('a numeric event name is text', () => {
    expect(eventOf(track(404, {})).event.name).toBe('404')
  })

  test('an event name over 255 characters is cut with a warning', () => {
    const { event, warnings } = eventOf(track('E'.repeat(300), {}))
    expect(event.name).toBe('E'.repeat(255))
    expect(warnings).toEqual([expect.stringMatching(/event name.*cut to 255/)])
  })
})

describe('time', () => {
  // The last column: the warning, when the event has a timestamp Braze cannot log it at ('' for none).
  const at = (other: string) => (shown: string) =>
    `timestamp ${shown} is not an ISO 8601 date between the years 0000 and 9999: Braze logs the event at ${other}.`
  const atOriginal = at('its originalTimestamp')
  const atReceived = at('its receivedAt')
  const atNow = at('the time the function ran')
  test.each<[string, Record<string, unknown>, string, string]>([
    [
      'timestamp',
      { timestamp: '2024-05-01T10:00:00.000Z', originalTimestamp: '2024-05-01T09:00:00.000Z', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T10:00:00.000Z',
      ''
    ],
    [
      'originalTimestamp when there is no timestamp',
      { originalTimestamp: '2024-05-01T09:00:00.000Z', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T09:00:00.000Z',
      ''
    ],
    ['receivedAt when there is neither', { receivedAt: '2024-05-01T11:00:00.000Z' }, '2024-05-01T11:00:00.000Z', ''],
    ['now when there is no time at all (no warning: the Test tab sends such events)', {}, NOW_ISO, ''],
    ['a null timestamp is no timestamp', { timestamp: null }, NOW_ISO, ''],
    [
      'an unparseable timestamp is skipped',
      { timestamp: 'yesterday-ish', originalTimestamp: '2024-05-01T09:00:00.000Z' },
      '2024-05-01T09:00:00.000Z',
      atOriginal('"yesterday-ish"')
    ],
    // Date.parse takes these for dates; Segment's timestamps are ISO 8601 (https://segment.com/docs/connections/spec/common/#timestamps).
    [
      '"0" is no date (Date.parse: 2000-01-01)',
      { timestamp: '0', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T11:00:00.000Z',
      atReceived('"0"')
    ],
    [
      '"Order 5" is no date (Date.parse: 2001-05-01)',
      { timestamp: 'Order 5', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T11:00:00.000Z',
      atReceived('"Order 5"')
    ],
    [
      'a day the month does not have is no date (Date.parse: March 1st)',
      { timestamp: '2024-02-30T10:00:00Z', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T11:00:00.000Z',
      atReceived('"2024-02-30T10:00:00Z"')
    ],
    ["a time without an offset is UTC, whatever the machine's zone", { timestamp: '2024-05-01T10:00:00' }, '2024-05-01T10:00:00.000Z', ''],
    ['an offset without a colon', { timestamp: '2024-05-01T10:00:00+0200' }, '2024-05-01T08:00:00.000Z', ''],
    [
      'an offset no zone has is no date',
      { timestamp: '2024-05-01T10:00:00+99:99', receivedAt: '2024-05-01T11:00:00.000Z' },
      '2024-05-01T11:00:00.000Z',
      atReceived('"2024-05-01T10:00:00+99:99"')
    ],
    [
      "Segment's non-ISO originalTimestamp is skipped",
      { originalTimestamp: '2020-05-09 23:54:49.209808489 +0000 UTC m=+70366.298768264', receivedAt: '2020-05-09T23:54:49.209Z' },
      '2020-05-09T23:54:49.209Z',
      ''
    ],
    ['a numeric timestamp is not a time', { timestamp: 1714557600000 }, NOW_ISO, atNow('1714557600000')],
    ['a timestamp with an offset is converted to UTC', { timestamp: '2024-05-01T12:00:00+02:00' }, '2024-05-01T10:00:00.000Z', ''],
    ['a Date object', { timestamp: new Date('2024-05-01T08:00:00.000Z') }, '2024-05-01T08:00:00.000Z', ''],
    ['an invalid Date object is skipped', { timestamp: new Date('nope') }, NOW_ISO, atNow('(a Date)')],
    ['an object is no time', { timestamp: { seconds: 1 } }, NOW_ISO, atNow('(object)')],
    ['year 9999 is kept', { timestamp: '9999-12-31T23:59:59.999Z' }, '9999-12-31T23:59:59.999Z', ''],
    ['year 0000 is kept', { timestamp: '0000-01-01T00:00:00.000Z' }, '0000-01-01T00:00:00.000Z', ''],
    [
      'a year past 9999 is skipped (toISOString would write "+010000-…")',
      { timestamp: '+010000-01-01T00:00:00Z', receivedAt: T },
      T,
      atReceived('"+010000-01-01T00:00:00Z"')
    ],
    ['a year before 0 is skipped', { timestamp: '-000001-01-01T00:00:00Z' }, NOW_ISO, atNow('"-000001-01-01T00:00:00Z"')],
    ['the largest Date is skipped', { timestamp: '+275760-09-13T00:00:00.000Z' }, NOW_ISO, atNow('"+275760-09-13T00:00:00.000Z"')],
    ['a long timestamp is shown cut short', { timestamp: 'x'.repeat(100) }, NOW_ISO, atNow(JSON.stringify('x'.repeat(100)).slice(0, 40))]
  ])('%s', (_name, times, time, warning) => {
    const event = { type: 'track', userId: 'u1', event: 'Ping', ...times }
    const result = eventOf(event)
    expect(result.event).toEqual({ external_id: 'u1', name: 'Ping', time })
    expect(result.warnings).toEqual(warning === '' ? [] : [warning])
  })

  test('only where Braze logs a time: an identify with a bad timestamp has no warning', () => {
    expect(planFor({ type: 'identify', userId: 'u1', traits: { plan: 'pro' }, timestamp: 'soon' }).warnings).toEqual([])
  })

  test('the plan remembers the epoch of the event time (undefined when it has none)', () => {
    expect(planFor(track('Ping', {})).epoch).toBe(EPOCH)
    expect(planFor({ type: 'track', userId: 'u1', event: 'Ping' }).epoch).toBeUndefined()
  })
})

describe('properties', () => {
  test('"time" and "event_name" are renamed, "$" keys dropped with a warning', () => {
    const { event, warnings } = eventOf(track('Ping', { time: '10:00', event_name: 'x', $revenue: 5, $: 1, name: 'n' }))
    expect(event).toEqual({
      external_id: 'u1',
      name: 'Ping',
      time: T,
      properties: { segment_time: '10:00', segment_event_name: 'x', name: 'n' }
    })
    expect(warnings).toEqual([expect.stringMatching(/"\$revenue" was dropped.*"\$"/), expect.stringMatching(/"\$" was dropped/)])
  })

  test('a renamed key never takes the place of a property of that name: both values are sent, whatever their order', () => {
    for (const properties of [
      { time: '09:30', segment_time: 'kept' },
      { segment_time: 'kept', time: '09:30' }
    ])
      expect(eventOf(track('Ping', properties)).event.properties).toEqual({ segment_time: 'kept', segment_segment_time: '09:30' })
  })

  test('only the top-level "time" is reserved; nested "$" keys and JavaScript keys are dropped', () => {
    const properties = JSON.parse('{"cart":{"time":"t","$x":1,"__proto__":{"polluted":1},"ok":2,"a.b":3}}')
    const { event, warnings } = eventOf(track('Cart Viewed', properties))
    expect(event.properties).toEqual({ cart: { time: 't', ok: 2, 'a.b': 3 } })
    expect(warnings).toHaveLength(2)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('ISO dates stay strings, nested too (no {"$time"} in event properties); Dates become ISO strings', () => {
    const properties = { at: '2024-01-01T00:00:00Z', when: new Date('2024-02-02T00:00:00.000Z'), nested: { at: '2024-03-03' } }
    expect(eventOf(track('Ping', properties)).event.properties).toEqual({
      at: '2024-01-01T00:00:00Z',
      when: '2024-02-02T00:00:00.000Z',
      nested: { at: '2024-03-03' }
    })
  })

  test('strings over 255 characters are cut with a warning', () => {
    const { event, warnings } = eventOf(track('Ping', { long: 'x'.repeat(256), list: ['y'.repeat(300)] }))
    expect(event.properties).toEqual({ long: 'x'.repeat(255), list: ['y'.repeat(255)] })
    expect(warnings).toHaveLength(2)
  })

  test('a property key over 255 characters is dropped with a warning', () => {
    const { event, warnings } = eventOf(track('Ping', { ['k'.repeat(256)]: 1, ok: 1 }))
    expect(event.properties).toEqual({ ok: 1 })
    expect(warnings).toEqual([expect.stringMatching(/over 255 characters/)])
  })

  test('over 256 properties: all sent, with a warning that Braze captures only the first 256 (custom_event_properties page)', () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`k${index}`, index]))
    const { event, warnings } = eventOf(track('Big', many))
    expect(Object.keys(event.properties!)).toHaveLength(300)
    expect(warnings).toEqual([
      'The "Big" event has 300 properties: Braze captures only the first 256 of an event or purchase, so "k256" and those after it will not be usable there.'
    ])
    expect(eventOf(track('Big', Object.fromEntries(Object.entries(many).slice(0, 256)))).warnings).toEqual([])
  })

  test('properties.braze_id identifies the user when there is no userId (and stays a property)', () => {
    const event = { type: 'track', event: 'Ping', properties: { braze_id: 'b-5', plan: 'pro' }, timestamp: T }
    expect(eventOf(event).event).toEqual({ braze_id: 'b-5', name: 'Ping', time: T, properties: { braze_id: 'b-5', plan: 'pro' } })
  })

  test('email from context.traits identifies a track without userId', () => {
    const event = { type: 'track', event: 'Ping', context: { traits: { email: 'pat@example.com' } }, timestamp: T }
    expect(eventOf(event).event).toEqual({ email: 'pat@example.com', name: 'Ping', time: T })
  })
})

// Braze's event object: "an event property payload of up to 100 KB" (src/destination/braze-limits.ts).
describe('properties Braze would refuse: InvalidEventPayload', () => {
  test('over 100 KB', () => {
    const properties = Object.fromEntries(Array.from({ length: 440 }, (_, i) => [`p${i}`, 'x'.repeat(250)]))
    const result = problemFor(track('Big', properties))
    expect(result.kind).toBe('InvalidEventPayload')
    expect(result.message).toMatch(/"Big" event properties are 1\d\d KB/)
    expect(result.message).toMatch(/at most 100 KB per event/)
  })

  test('just under 100 KB is sent (over the 50 KB of older pages)', () => {
    const properties = Object.fromEntries(Array.from({ length: 390 }, (_, i) => [`p${i}`, 'x'.repeat(250)]))
    expect(Object.keys(eventOf(track('Big', properties)).event.properties ?? {})).toHaveLength(390)
  })

  test('the limit counts bytes: 51,000 Japanese characters are ~150 KB', () => {
    const properties = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, '日'.repeat(255)]))
    const result = problemFor(track('Big', properties))
    expect(result.kind).toBe('InvalidEventPayload')
    expect(result.message).toMatch(/15\d KB/)
  })
})

describe('a track without an event name', () => {
  test.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['null', null],
    ['an object', { name: 'Ping' }]
  ])('%s → InvalidEventPayload', (_name, name) => {
    const event = track(name, { a: 1 })
    if (name === undefined) delete event.event
    const result = problemFor(event)
    expect(result).toEqual({ kind: 'InvalidEventPayload', message: expect.stringMatching(/track call needs an "event" name/) })
  })
})

describe('app_id and _update_existing_only', () => {
  test('appId setting → app_id on the event', () => {
    expect(eventOf(track('Ping', {}), { appId: ' app-123 ' }).event).toEqual({
      external_id: 'u1',
      app_id: 'app-123',
      name: 'Ping',
      time: T
    })
  })

  test('a blank appId sends no app_id', () => {
    expect(eventOf(track('Ping', {}), { appId: '  ' }).event).toEqual({ external_id: 'u1', name: 'Ping', time: T })
  })

  test('updateExistingOnly reaches events too: a track for an unknown user creates no Braze user', () => {
    expect(eventOf(track('Ping', {}), { updateExistingOnly: true }).event).toEqual({
      external_id: 'u1',
      _update_existing_only: true,
      name: 'Ping',
      time: T
    })
    expect(eventOf(track('Ping', {})).event).toEqual({ external_id: 'u1', name: 'Ping', time: T })
  })

  test.each([
    [false, false],
    [true, true]
  ])('events of alias users carry an explicit flag (setting %s)', (setting, flag) => {
    const event = { type: 'track', anonymousId: 'anon-1', event: 'Ping', timestamp: T }
    expect(eventOf(event, { anonymousAliasLabel: 'segment_anonymous_id', updateExistingOnly: setting }).event).toEqual({
      user_alias: { alias_name: 'anon-1', alias_label: 'segment_anonymous_id' },
      name: 'Ping',
      time: T,
      _update_existing_only: flag
    })
  })

  test('a track with only an anonymousId and no anonymousAliasLabel: ValidationError', () => {
    const result = problemFor({ type: 'track', anonymousId: 'anon-1', event: 'Ping' })
    expect(result.kind).toBe('ValidationError')
    expect(result.message).toMatch(/userId/)
    expect(result.message).toMatch(/anonymousAliasLabel/)
  })
})
