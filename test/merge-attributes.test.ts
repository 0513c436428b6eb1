// Folding a batch's attribute updates per Braze user: time order, unsets,
// array edits, and what must never be folded together.
import fc from 'fast-check'
import { combineValues, inTimeOrder, mergeAttributes, type AttributeUpdate } from '../src/destination/merge-attributes'
import type { BrazeAttributes } from '../src/destination/braze-types'
import { T0 } from './helpers/events'

const update = (object: Record<string, unknown>, owner: number, secondsAfterT0?: number): AttributeUpdate => ({
  object: object as BrazeAttributes,
  owner,
  epoch: secondsAfterT0 === undefined ? undefined : T0 + secondsAfterT0 * 1000
})

describe('mergeAttributes', () => {
  test("one object per user, carrying every owner; several users' objects (linked by an email: contact-links.ts) keep their order", () => {
    expect(mergeAttributes([update({ external_id: 'u1', plan: 'free' }, 0, 1), update({ external_id: 'u1', city: 'Oslo' }, 2, 3)])).toEqual(
      [{ object: { external_id: 'u1', plan: 'free', city: 'Oslo' }, owners: [0, 2] }]
    )
    // One by one, the lead's object reaches u1 only if u1 has the email by then: u1's later values stay after it.
    expect(
      mergeAttributes([
        update({ external_id: 'u1', plan: 'free' }, 0, 1),
        update({ email: 'p@x.com', plan: 'lead' }, 1, 2),
        update({ external_id: 'u1', email: 'p@x.com' }, 2, 3),
        update({ external_id: 'u1', city: 'Oslo' }, 3, 4)
      ])
    ).toEqual([
      { object: { external_id: 'u1', plan: 'free' }, owners: [0] },
      { object: { email: 'p@x.com', plan: 'lead' }, owners: [1] },
      { object: { external_id: 'u1', email: 'p@x.com', city: 'Oslo' }, owners: [2, 3] }
    ])
  })

  test('later wins by timestamp, not by input order', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', plan: 'enterprise', seats: 10 }, 0, 30),
      update({ external_id: 'u1', plan: 'free', trial: true }, 1, 10),
      update({ external_id: 'u1', plan: 'pro' }, 2, 20)
    ])
    expect(merged).toHaveLength(1)
    expect(merged[0]!.object).toEqual({ external_id: 'u1', plan: 'enterprise', seats: 10, trial: true })
    expect([...merged[0]!.owners].sort()).toEqual([0, 1, 2])
  })

  test('updates without a timestamp keep their place after the one before them', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', plan: 'b' }, 0, 20),
      update({ external_id: 'u1', plan: 'c' }, 1),
      update({ external_id: 'u1', plan: 'a' }, 2, 10)
    ])
    expect(merged[0]!.object.plan).toBe('c')
  })

  test('equal timestamps keep input order', () => {
    const merged = mergeAttributes([update({ external_id: 'u1', plan: 'a' }, 0, 5), update({ external_id: 'u1', plan: 'b' }, 1, 5)])
    expect(merged[0]!.object.plan).toBe('b')
  })

  test('null unsets, and a later value sets again', () => {
    const unset = mergeAttributes([
      update({ external_id: 'u1', plan: 'pro', city: 'Oslo' }, 0, 1),
      update({ external_id: 'u1', plan: null }, 1, 2)
    ])
    expect(unset[0]!.object).toEqual({ external_id: 'u1', plan: null, city: 'Oslo' })
    const reset = mergeAttributes([update({ external_id: 'u1', plan: null }, 0, 1), update({ external_id: 'u1', plan: 'pro' }, 1, 2)])
    expect(reset[0]!.object.plan).toBe('pro')
    // The unset happened later even though it came first.
    const late = mergeAttributes([update({ external_id: 'u1', plan: null }, 0, 9), update({ external_id: 'u1', plan: 'pro' }, 1, 2)])
    expect(late[0]!.object.plan).toBeNull()
  })

  test('audience add/remove combine; a later remove cancels an earlier add of the same key', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', segment_audiences: { add: ['vip'] } }, 0, 1),
      update({ external_id: 'u1', segment_audiences: { add: ['churn_risk'] } }, 1, 2),
      update({ external_id: 'u1', segment_audiences: { remove: ['vip'] } }, 2, 3),
      update({ external_id: 'u1', segment_audiences: { remove: ['old'] } }, 3, 4)
    ])
    expect(merged[0]!.object.segment_audiences).toEqual({ add: ['churn_risk'], remove: ['vip', 'old'] })
  })

  test('a later add cancels an earlier remove; timestamps decide which is later', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', segment_audiences: { add: ['vip'] } }, 0, 50),
      update({ external_id: 'u1', segment_audiences: { remove: ['vip'] } }, 1, 10)
    ])
    expect(merged[0]!.object.segment_audiences).toEqual({ add: ['vip'] })
  })

  test('an array set and then edited stays a set array', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', tags: ['a', 'b'] }, 0, 1),
      update({ external_id: 'u1', tags: { add: ['c', 'a'], remove: ['b'] } }, 1, 2)
    ])
    // Added again, 'a' moves to the end.
    expect(merged[0]!.object.tags).toEqual(['c', 'a'])
  })

  test('a plain value after an edit replaces it', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', tags: { add: ['a'] } }, 0, 1),
      update({ external_id: 'u1', tags: ['z'] }, 1, 2)
    ])
    expect(merged[0]!.object.tags).toEqual(['z'])
  })

  test('different identifiers stay apart, even with the same value', () => {
    const merged = mergeAttributes([
      update({ external_id: 'same', a: 1 }, 0, 1),
      update({ email: 'same', b: 2 }, 1, 2),
      update({ braze_id: 'same', c: 3 }, 2, 3),
      update({ phone: 'same', d: 4 }, 3, 4),
      update({ user_alias: { alias_name: 'same', alias_label: 'anon' }, _update_existing_only: false, e: 5 }, 4, 5),
      update({ user_alias: { alias_name: 'same', alias_label: 'other' }, _update_existing_only: false, f: 6 }, 5, 6),
      update({ external_id: 'Same', g: 7 }, 6, 7)
    ])
    expect(merged).toHaveLength(7)
    expect(merged.map((item) => item.owners)).toEqual([[0], [1], [2], [3], [4], [5], [6]])
  })

  test('the same alias merges', () => {
    const alias = { alias_name: 'anon-1', alias_label: 'segment_anonymous_id' }
    const merged = mergeAttributes([
      update({ user_alias: { ...alias }, _update_existing_only: false, a: 1 }, 0, 1),
      update({ user_alias: { ...alias }, _update_existing_only: false, b: 2 }, 1, 2)
    ])
    expect(merged).toEqual([{ object: { user_alias: alias, _update_existing_only: false, a: 1, b: 2 }, owners: [0, 1] }])
  })

  test('_update_existing_only differences stay apart, and an update never folds past an object that creates the profile when it may not', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', _update_existing_only: true, a: 1 }, 0, 1),
      update({ external_id: 'u1', a: 2 }, 1, 2),
      update({ external_id: 'u1', _update_existing_only: false, a: 3 }, 2, 3),
      update({ external_id: 'u1', _update_existing_only: false, c: 5 }, 3, 4),
      update({ external_id: 'u1', _update_existing_only: true, b: 4 }, 4, 5)
    ])
    expect(merged).toEqual([
      { object: { external_id: 'u1', _update_existing_only: true, a: 1 }, owners: [0] },
      { object: { external_id: 'u1', a: 2 }, owners: [1] },
      { object: { external_id: 'u1', _update_existing_only: false, a: 3, c: 5 }, owners: [2, 3] },
      { object: { external_id: 'u1', _update_existing_only: true, b: 4 }, owners: [4] }
    ])
  })

  test('an increment between two values keeps its place (+1, then 5, is 5)', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', plan: 'pro' }, 0, 1),
      update({ external_id: 'u1', logins: { inc: 1 } }, 1, 2),
      update({ external_id: 'u1', logins: 5 }, 2, 3)
    ])
    expect(merged.map((entry) => entry.object)).toEqual([
      { external_id: 'u1', plan: 'pro' },
      { external_id: 'u1', logins: { inc: 1 } },
      { external_id: 'u1', logins: 5 }
    ])
  })

  test('an update folds past objects that touch none of its attributes (Braze ends with the same profile)', () => {
    const merged = mergeAttributes([
      update({ external_id: 'u1', plan: 'pro' }, 0, 1),
      update({ external_id: 'u1', logins: { inc: 1 } }, 1, 2),
      update({ external_id: 'u1', seats: 3, plan: 'max' }, 2, 3)
    ])
    expect(merged).toEqual([
      { object: { external_id: 'u1', plan: 'max', seats: 3 }, owners: [0, 2] },
      { object: { external_id: 'u1', logins: { inc: 1 } }, owners: [1] }
    ])
  })

  test('alias creators fold into each other, never into values', () => {
    const alias = { user_alias: { alias_name: 'a1', alias_label: 'anon' }, _update_existing_only: false }
    const merged = mergeAttributes([update(alias, 0, 1), update(alias, 1, 2), update({ ...alias, plan: 'pro' }, 2, 3)])
    expect(merged).toEqual([
      { object: alias, owners: [0, 1] },
      { object: { ...alias, plan: 'pro' }, owners: [2] }
    ])
  })

  // Braze applies each of these to what the profile holds, so folding two into one would lose one
  // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['increments: {"inc": 1} twice is 2', { external_id: 'u1', logins: { inc: 1 } }, { external_id: 'u1', logins: { inc: 1 } }],
    ['an increment after a set value', { external_id: 'u1', logins: 5 }, { external_id: 'u1', logins: { inc: 1 } }],
    [
      '_merge_objects: both nested updates merge into the profile',
      { external_id: 'u1', _merge_objects: true, prefs: { color: 'red' } },
      { external_id: 'u1', _merge_objects: true, prefs: { size: 'M' } }
    ],
    [
      "an object that only creates an alias profile, for the purchases of its request: others' refused values must not take it along",
      { user_alias: { alias_name: 'a1', alias_label: 'anon' }, _update_existing_only: false },
      { user_alias: { alias_name: 'a1', alias_label: 'anon' }, _update_existing_only: false, plan: 'pro' }
    ]
  ])('never folded, kept in time order: %s', (_name, first, second) => {
    const merged = mergeAttributes([update(second, 1, 2), update(first, 0, 1)])
    expect(merged).toEqual([
      { object: first, owners: [0] },
      { object: second, owners: [1] }
    ])
  })

  // Correctness only: how long it takes is a bench row (bench/mapping.ts, 100,000 values per edit).
  test('big array edits merge whole (edits of 10,000 values each)', () => {
    const values = (prefix: string) => Array.from({ length: 10_000 }, (_, i) => `${prefix}${i}`)
    const merged = mergeAttributes([
      update({ external_id: 'u1', tags: { add: values('a'), remove: values('b') } }, 0, 1),
      update({ external_id: 'u1', tags: { add: values('b'), remove: values('a').slice(0, 5000) } }, 1, 2),
      update({ external_id: 'u1', tags: { add: values('c') } }, 2, 3)
    ])
    const set = mergeAttributes([
      update({ external_id: 'u2', tags: values('a') }, 0, 1),
      update({ external_id: 'u2', tags: { add: values('b'), remove: values('a') } }, 1, 2)
    ])
    const tags = merged[0]!.object.tags as { add: string[]; remove: string[] }
    expect(tags.add).toHaveLength(25_000)
    expect(tags.remove).toHaveLength(5000)
    expect(set[0]!.object.tags).toEqual(values('b'))
  })

  test('inputs are not mutated', () => {
    const first = { external_id: 'u1', tags: { add: ['a'] }, plan: 'x' }
    const second = { external_id: 'u1', tags: { remove: ['a'] }, plan: 'y' }
    const frozen = JSON.stringify([first, second])
    mergeAttributes([update(first, 0, 1), update(second, 1, 2)])
    expect(JSON.stringify([first, second])).toBe(frozen)
  })

  test('property: Braze ends with the same profiles from the merged objects as from every update in time order', () => {
    // A model of Braze: a user's objects one after the other; an update-only object changes nothing before
    // the profile exists; null unsets; an added value moves to the end of the array; inc adds.
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
    const apply = (profiles: Record<string, Record<string, unknown>>, object: Record<string, unknown>) => {
      const user = object.external_id as string
      if (!profiles[user] && object._update_existing_only === true) return
      const profile = (profiles[user] ??= {})
      for (const [key, value] of Object.entries(object)) {
        if (key === 'external_id' || key === '_update_existing_only') continue
        const edit = value as { add?: unknown[]; remove?: unknown[]; inc?: number }
        if (value === null) delete profile[key]
        else if (typeof value !== 'object' || Array.isArray(value)) profile[key] = value
        else if (edit.inc !== undefined) profile[key] = (typeof profile[key] === 'number' ? (profile[key] as number) : 0) + edit.inc
        else if (Object.keys(value).length === 0)
          profile[key] = value // {} is a nested object, not an edit
        else {
          let list = Array.isArray(profile[key]) ? (profile[key] as unknown[]) : []
          for (const item of edit.add ?? []) list = [...list.filter((held) => !same(held, item)), item]
          for (const item of edit.remove ?? []) list = list.filter((held) => !same(held, item))
          profile[key] = list
        }
      }
    }
    const items = fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 })
    const value = fc.oneof(
      fc.constantFrom<unknown>('a', 'b', null, 1, true),
      fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
      fc.record({ add: items }),
      fc.record({ remove: items }),
      fc.record({ inc: fc.constantFrom(1, 2) })
    )
    const arb = fc.array(
      fc.record({
        user: fc.constantFrom('u1', 'u2'),
        attributes: fc.dictionary(fc.constantFrom('k1', 'k2', 'k3'), value, { maxKeys: 3 }),
        updateOnly: fc.constantFrom<boolean | undefined>(undefined, true, false),
        at: fc.option(fc.nat({ max: 20 }), { nil: undefined })
      }),
      { maxLength: 10 }
    )
    fc.assert(
      fc.property(arb, (items) => {
        const updates = items.map(({ user, attributes, updateOnly, at }, owner) =>
          update(
            { external_id: user, ...(updateOnly === undefined ? {} : { _update_existing_only: updateOnly }), ...attributes },
            owner,
            at
          )
        )
        const expected: Record<string, Record<string, unknown>> = {}
        for (const { object } of inTimeOrder(updates)) apply(expected, object as Record<string, unknown>)
        const merged = mergeAttributes(updates)
        const got: Record<string, Record<string, unknown>> = {}
        for (const { object } of merged) apply(got, object as Record<string, unknown>)
        expect(got).toEqual(expected)
        expect(merged.flatMap((entry) => entry.owners).sort((a, b) => a - b)).toEqual(updates.map((_, owner) => owner))
      }),
      { numRuns: 1000 }
    )
  })
})

test("a user's 400 array edits of 200 values each fold into one edit holding every value once, the re-added one last", () => {
  const updates = Array.from({ length: 400 }, (_, owner) =>
    update({ external_id: 'u1', tags: { add: Array.from({ length: 200 }, (_, k) => `t${owner}-${k}`) } }, owner, owner)
  )
  updates.push(update({ external_id: 'u1', tags: { add: ['t0-0'], remove: ['t1-0'] } }, 400, 400))
  const [merged, ...others] = mergeAttributes(updates)
  expect(others).toEqual([])
  const tags = merged!.object.tags as { add: string[]; remove: string[] }
  expect(tags.add).toHaveLength(80_000 - 1)
  expect(tags.add.at(-1)).toBe('t0-0')
  expect(tags.remove).toEqual(['t1-0'])
  expect(merged!.owners).toHaveLength(401)
})

describe('combineValues', () => {
  test.each([
    [undefined, { add: ['a'] }, { add: ['a'] }],
    [{ add: ['a'] }, { add: ['a'] }, { add: ['a'] }],
    [{ add: ['a'] }, { remove: ['a'] }, { remove: ['a'] }],
    [{ remove: ['a'] }, { add: ['a'] }, { add: ['a'] }],
    [null, { add: ['a'] }, ['a']],
    [['a'], { remove: ['a'] }, []],
    // A value added again moves to the end, as Braze moves it.
    [['a', 'b'], { add: ['a'] }, ['b', 'a']],
    [{ add: ['a', 'b'] }, { add: ['a'] }, { add: ['b', 'a'] }],
    [{ add: ['y', 'z', 'y'] }, { add: ['x'] }, { add: ['z', 'y', 'x'] }],
    // Empty lists stay an edit of nothing: {} would be a nested object to Braze.
    [{ add: [] }, { remove: [] }, { remove: [] }],
    // A nested object replaced whatever array the profile held, as a scalar does.
    [{ a: 1 }, { add: ['x'] }, ['x']],
    // The text replaced whatever array the profile held: the edits apply to nothing, as after an unset.
    ['text', { add: ['a'] }, ['a']],
    [{ add: ['a'] }, 'text', 'text'],
    [{ add: ['a'] }, null, null]
  ])('%j then %j → %j', (earlier, later, expected) => {
    expect(combineValues(earlier, later)).toEqual(expected)
  })
})
