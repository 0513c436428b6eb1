// page, screen, group, alias and delete and events that are not
// events at all.
import type { MergeSource } from '../src/destination/braze-types'
import { NOW_ISO, plan, planFor, problemFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const EPOCH = Date.parse(T)
const LABEL = 'segment_anonymous_id'

describe('page and screen', () => {
  const on = { sendPageEvents: true, sendScreenEvents: true }

  test.each<[string, Record<string, unknown>, string]>([
    ['page with category and name', { type: 'page', category: 'Docs', name: 'Home' }, 'Viewed Docs Home Page'],
    ['page with name', { type: 'page', name: 'Home' }, 'Viewed Home Page'],
    ['page with a null category', { type: 'page', category: null, name: 'Home' }, 'Viewed Home Page'],
    ['page with a blank category', { type: 'page', category: '  ', name: 'Home' }, 'Viewed Home Page'],
    ['page with padded names', { type: 'page', category: ' Docs ', name: ' Home ' }, 'Viewed Docs Home Page'],
    ['unnamed page', { type: 'page' }, 'Loaded a Page'],
    ['page with a blank name', { type: 'page', name: ' ' }, 'Loaded a Page'],
    ['page with a category but no name', { type: 'page', category: 'Docs' }, 'Loaded a Page'],
    ['screen with name', { type: 'screen', name: 'Home' }, 'Viewed Home Screen'],
    ['screen ignores a category', { type: 'screen', category: 'Main', name: 'Home' }, 'Viewed Home Screen'],
    ['unnamed screen', { type: 'screen' }, 'Loaded a Screen']
  ])('%s → %s', (_name, fields, name) => {
    expect(planFor({ userId: 'u1', timestamp: T, ...fields }, on)).toEqual(
      plan({ events: [{ external_id: 'u1', name, time: T }], epoch: EPOCH })
    )
  })

  test('properties go along, with the same rules as track', () => {
    const event = {
      type: 'page',
      userId: 'u1',
      name: 'Home',
      properties: { title: 'Welcome | Initech', url: 'http://www.example.com', time: 1, $x: 1 }
    }
    const result = planFor(event, { sendPageEvents: true, appId: 'web' })
    expect(result.events).toEqual([
      {
        external_id: 'u1',
        app_id: 'web',
        name: 'Viewed Home Page',
        time: NOW_ISO,
        properties: { title: 'Welcome | Initech', url: 'http://www.example.com', segment_time: 1 }
      }
    ])
    expect(result.warnings).toHaveLength(1)
  })

  test.each<[string, string, Record<string, unknown>]>([
    ['page', 'sendPageEvents', { sendScreenEvents: true }],
    ['screen', 'sendScreenEvents', { sendPageEvents: true }]
  ])('%s calls need %s: else EventNotSupported naming the setting', (type, setting, settings) => {
    for (const overrides of [{}, settings]) {
      const result = problemFor({ type, userId: 'u1', name: 'Home' }, overrides)
      expect(result.kind).toBe('EventNotSupported')
      expect(result.message).toMatch(new RegExp(`${type} calls are not sent to Braze`))
      expect(result.message).toMatch(new RegExp(`"${setting}"`))
    }
  })

  test('disabled wins over a missing identifier', () => {
    expect(problemFor({ type: 'page', name: 'Home' }).kind).toBe('EventNotSupported')
  })

  test('enabled, without an identifier: ValidationError', () => {
    const result = problemFor({ type: 'screen', name: 'Home' }, on)
    expect(result.kind).toBe('ValidationError')
    expect(result.message).toMatch(/userId/)
  })

  test('an anonymous page view with anonymousAliasLabel goes to the alias profile', () => {
    expect(
      planFor({ type: 'page', anonymousId: 'anon-1', name: 'Home', timestamp: T }, { ...on, anonymousAliasLabel: LABEL }).events
    ).toEqual([
      { user_alias: { alias_name: 'anon-1', alias_label: LABEL }, name: 'Viewed Home Page', time: T, _update_existing_only: false }
    ])
  })
})

describe('group', () => {
  test('groupId → ab_segment_group_<groupId>: true (traits are not sent)', () => {
    const event = {
      type: 'group',
      userId: 'u1',
      groupId: '0e8c78ea9d97a7b8185e8632',
      traits: { name: 'Initech', employees: 329 },
      timestamp: T
    }
    expect(planFor(event)).toEqual(
      plan({ attributes: [{ external_id: 'u1', ab_segment_group_0e8c78ea9d97a7b8185e8632: true }], epoch: EPOCH })
    )
  })

  test('a groupId with spaces around it is trimmed', () => {
    const event = { type: 'group', userId: 'u1', groupId: '  acme ', timestamp: T }
    expect(planFor(event).attributes).toEqual([{ external_id: 'u1', ab_segment_group_acme: true }])
  })

  test("the group's traits are the group's: its email or phone never identifies the user, nor gets a warning", () => {
    // https://segment.com/docs/connections/spec/group/: "Email address of group.", "Phone number of a group."
    const traits = { name: 'Initech', email: 'founder@initech.com', phone: '+14155550100', braze_id: 'b-company' }
    expect(problemFor({ type: 'group', anonymousId: 'anon-visitor', groupId: 'g', traits })).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(/only an anonymousId/)
    })
    expect(planFor({ type: 'group', userId: 'u1', groupId: 'g', traits: { ...traits, email: 'not an email' } })).toEqual(
      plan({ attributes: [{ external_id: 'u1', ab_segment_group_g: true }] })
    )
    // The user's own, in context.traits, still identify.
    expect(planFor({ type: 'group', groupId: 'g', traits, context: { traits: { email: 'me@example.com' } } }).attributes).toEqual([
      { email: 'me@example.com', ab_segment_group_g: true }
    ])
  })

  test('a numeric groupId', () => {
    expect(planFor({ type: 'group', userId: 'u1', groupId: 12345 }).attributes).toEqual([
      { external_id: 'u1', ab_segment_group_12345: true }
    ])
  })

  test('updateExistingOnly applies', () => {
    expect(planFor({ type: 'group', userId: 'u1', groupId: 'g' }, { updateExistingOnly: true }).attributes).toEqual([
      { external_id: 'u1', _update_existing_only: true, ab_segment_group_g: true }
    ])
  })

  test('an anonymous member with anonymousAliasLabel', () => {
    expect(planFor({ type: 'group', anonymousId: 'anon-1', groupId: 'g' }, { anonymousAliasLabel: LABEL }).attributes).toEqual([
      { user_alias: { alias_name: 'anon-1', alias_label: LABEL }, _update_existing_only: false, ab_segment_group_g: true }
    ])
  })

  test.each<[string, unknown]>([
    ['missing', undefined],
    ['blank', '  '],
    ['an object', { id: 'g' }]
  ])('a %s groupId → InvalidEventPayload', (_name, groupId) => {
    expect(problemFor({ type: 'group', userId: 'u1', groupId })).toEqual({
      kind: 'InvalidEventPayload',
      message: expect.stringMatching(/group call needs a groupId/)
    })
  })

  test('a groupId too long for an attribute name → InvalidEventPayload', () => {
    expect(problemFor({ type: 'group', userId: 'u1', groupId: 'g'.repeat(240) }).kind).toBe('InvalidEventPayload')
  })

  test('no identifier → ValidationError', () => {
    expect(problemFor({ type: 'group', groupId: 'g' }).kind).toBe('ValidationError')
  })
})

describe('alias', () => {
  const keep = { external_id: 'u1' }
  const aliasOf = (name: string) => ({ user_alias: { alias_name: name, alias_label: LABEL } })

  test.each<[string, Record<string, unknown>, Record<string, unknown>, MergeSource[]]>([
    [
      'previousId is the anonymousId, label set: the alias profile',
      { anonymousId: 'anon-1', previousId: 'anon-1' },
      { anonymousAliasLabel: LABEL },
      [aliasOf('anon-1')]
    ],
    [
      'previousId differs from the anonymousId, label set: an old userId or another anonymousId, both merged',
      { anonymousId: 'anon-1', previousId: 'old-user' },
      { anonymousAliasLabel: LABEL },
      [aliasOf('old-user'), { external_id: 'old-user' }]
    ],
    [
      'previousId differs from the anonymousId, no label: the old userId',
      { anonymousId: 'anon-1', previousId: 'old-user' },
      {},
      [{ external_id: 'old-user' }]
    ],
    [
      'no anonymousId (server side), label set: both, whichever exists',
      { previousId: 'old-user' },
      { anonymousAliasLabel: LABEL },
      [aliasOf('old-user'), { external_id: 'old-user' }]
    ],
    ['no anonymousId, no label: the old userId', { previousId: 'old-user' }, {}, [{ external_id: 'old-user' }]]
  ])('%s → /users/merge into the userId, whose profile an attributes object creates first', (_name, fields, settings, merged) => {
    const event = { type: 'alias', userId: 'u1', timestamp: T, ...fields }
    expect(planFor(event, settings)).toEqual(
      plan({
        attributes: [keep],
        merges: merged.map((identifier_to_merge) => ({ identifier_to_merge, identifier_to_keep: keep })),
        epoch: EPOCH
      })
    )
  })

  test('updateExistingOnly: the profile to keep is not created; the merge waits for the object all the same', () => {
    const event = { type: 'alias', userId: 'u1', previousId: 'old-user', timestamp: T }
    expect(planFor(event, { updateExistingOnly: true }).attributes).toEqual([{ external_id: 'u1', _update_existing_only: true }])
  })

  test('previousId is the anonymousId but anonymous users are not sent (no label): nothing to merge, with a warning', () => {
    const event = { type: 'alias', anonymousId: 'anon-1', previousId: 'anon-1', userId: 'u1' }
    expect(planFor(event)).toEqual(plan({ warnings: [expect.stringMatching(/anonymousAliasLabel/)] }))
  })

  test('numeric ids are text', () => {
    expect(planFor({ type: 'alias', previousId: 1, userId: 2 }).merges).toEqual([
      { identifier_to_merge: { external_id: '1' }, identifier_to_keep: { external_id: '2' } }
    ])
  })

  test('previousId equal to userId: nothing to do, with a warning', () => {
    expect(planFor({ type: 'alias', previousId: 'u1', userId: 'u1' })).toEqual(
      plan({ warnings: [expect.stringMatching(/nothing to merge/)] })
    )
  })

  test.each<[string, Record<string, unknown>]>([
    ['no previousId', { userId: 'u1' }],
    ['no userId', { previousId: 'anon-1' }],
    ['a blank previousId', { userId: 'u1', previousId: ' ' }]
  ])('%s → InvalidEventPayload', (_name, fields) => {
    for (const settings of [{}, { anonymousAliasLabel: LABEL }]) {
      expect(problemFor({ type: 'alias', ...fields }, settings)).toEqual({
        kind: 'InvalidEventPayload',
        message: 'An alias call needs both previousId and userId.'
      })
    }
  })
})

describe('delete', () => {
  test.each<[string, unknown]>([
    ['an object', {}],
    ['an empty array', []],
    ['null', null]
  ])('userId → /users/delete external_id (context is %s)', (_name, context) => {
    const event = { type: 'delete', userId: '5678', context, integrations: context, timestamp: T }
    expect(planFor(event)).toEqual(plan({ deletes: [{ external_id: '5678' }], epoch: EPOCH }))
  })

  test('an anonymous user with anonymousAliasLabel: the alias', () => {
    expect(planFor({ type: 'delete', anonymousId: 'anon-1' }, { anonymousAliasLabel: LABEL }).deletes).toEqual([
      { user_alias: { alias_name: 'anon-1', alias_label: LABEL } }
    ])
  })

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['no identifier', {}, {}],
    ['a blank userId', { userId: ' ' }, {}],
    ['an anonymousId without anonymousAliasLabel', { anonymousId: 'anon-1' }, {}],
    ['an email only (not deletable by this function)', { traits: { email: 'a@example.com' } }, { anonymousAliasLabel: LABEL }]
  ])('%s → InvalidEventPayload', (_name, fields, settings) => {
    const result = problemFor({ type: 'delete', ...fields }, settings)
    expect(result.kind).toBe('InvalidEventPayload')
    expect(result.message).toMatch(/delete call needs a userId/)
    expect(result.message).toMatch(/anonymousAliasLabel/)
  })
})

describe("userIds longer than Braze's 987 bytes for an external_id", () => {
  // EXTERNAL_USER_ID_TOO_LARGE: "The external_id exceeds the maximum allowed length of 987 bytes."
  // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/ (Endpoint-specific errors)
  const fits = 'é'.repeat(493) + 'x' // 987 bytes in UTF-8, 494 characters
  const over = 'é'.repeat(494) // 988 bytes

  test.each(['identify', 'track', 'group'])('%s: 987 bytes is an external_id; 988 is InvalidEventPayload saying so', (type) => {
    const fields = { type, event: 'Viewed', groupId: 'g1', timestamp: T }
    const sent = planFor({ ...fields, userId: fits })
    expect([...sent.attributes, ...sent.events].map((object) => (object as { external_id?: string }).external_id)).toContain(fits)
    expect(problemFor({ ...fields, userId: over })).toEqual({
      kind: 'InvalidEventPayload',
      message: 'The userId is 988 bytes long; Braze takes an external_id of at most 987 bytes (UTF-8).'
    })
  })

  test('alias: a userId over the bound is refused; a previousId over it was never an external_id, so only its alias is merged', () => {
    expect(problemFor({ type: 'alias', userId: over, previousId: 'u1' }).message).toMatch(/^The userId is 988 bytes long/)
    expect(planFor({ type: 'alias', userId: 'u1', previousId: over }, { anonymousAliasLabel: LABEL }).merges).toEqual([
      { identifier_to_merge: { user_alias: { alias_name: over, alias_label: LABEL } }, identifier_to_keep: { external_id: 'u1' } }
    ])
  })

  test('delete: a userId over the bound names no Braze user: nothing is sent, with a warning', () => {
    expect(planFor({ type: 'delete', userId: over })).toEqual(
      plan({ warnings: [expect.stringMatching(/too long to be a Braze external_id/)] })
    )
  })
})

describe('not an event Braze can take', () => {
  test.each<[string, unknown, RegExp]>([
    ['an unknown type', { type: 'purchase', userId: 'u1' }, /^Event type "purchase" is not supported by the Braze destination function/],
    ['no type', { userId: 'u1', event: 'Ping' }, /^This event has no "type": the Braze destination function takes identify, track/],
    ['a type that is not text', { type: ['track'], userId: 'u1' }, /^Event type "track" is not supported/]
  ])('%s → EventNotSupported', (_name, event, message) => {
    const result = problemFor(event)
    expect(result.kind).toBe('EventNotSupported')
    expect(result.message).toMatch(message)
  })

  test('a very long type is not echoed in full', () => {
    expect(problemFor({ type: 'x'.repeat(1000) }).message.length).toBeLessThan(120)
  })

  test.each<[string, unknown]>([
    ['null', null],
    ['an array', [{ type: 'track' }]],
    ['a string', '{"type":"track"}'],
    ['a number', 42],
    ['undefined', undefined]
  ])('%s → InvalidEventPayload', (_name, event) => {
    expect(problemFor(event)).toEqual({ kind: 'InvalidEventPayload', message: 'The event is not a JSON object.' })
  })
})
