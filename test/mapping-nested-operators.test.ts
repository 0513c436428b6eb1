// Braze's array-of-objects operators and _merge_objects through identify
// traits. Request shapes are Braze's own examples
// (https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/).
import { mergeAttributes } from '../src/destination/merge-attributes'
import { objectProblems } from '../src/tools/embedded-braze/rules'
import { planFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const identify = (traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u1', traits, timestamp: T })

function attributesOf(traits: Record<string, unknown>) {
  const result = planFor(identify(traits))
  expect(result.attributes).toHaveLength(1)
  return { attributes: result.attributes[0]!, warnings: result.warnings }
}

describe('well-formed operators pass through', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "$add (Braze's pets example)",
      {
        pets: {
          $add: [
            { id: 5, type: 'dog', breed: 'corgi', name: 'Gus' },
            { id: 6, type: 'cat', breed: 'persian', name: 'Mittens' }
          ]
        }
      },
      {
        pets: {
          $add: [
            { id: 5, type: 'dog', breed: 'corgi', name: 'Gus' },
            { id: 6, type: 'cat', breed: 'persian', name: 'Mittens' }
          ]
        }
      }
    ],
    [
      '$remove by identifier',
      {
        pets: {
          $remove: [
            { $identifier_key: 'id', $identifier_value: 1 },
            { $identifier_key: 'type', $identifier_value: 'dog' }
          ]
        }
      },
      {
        pets: {
          $remove: [
            { $identifier_key: 'id', $identifier_value: 1 },
            { $identifier_key: 'type', $identifier_value: 'dog' }
          ]
        }
      }
    ],
    [
      '$update with _merge_objects: true',
      { _merge_objects: true, pets: { $update: [{ $identifier_key: 'id', $identifier_value: 4, $new_object: { breed: 'goldfish' } }] } },
      { _merge_objects: true, pets: { $update: [{ $identifier_key: 'id', $identifier_value: 4, $new_object: { breed: 'goldfish' } }] } }
    ],
    [
      'dates inside added objects become {"$time"}',
      { visits: { $add: [{ at: '2024-05-01T10:00:00.000Z', store: 'Paris' }] } },
      { visits: { $add: [{ at: { $time: '2024-05-01T10:00:00.000Z' }, store: 'Paris' }] } }
    ],
    [
      '_merge_objects: "true" as Segment\'s editor may send it',
      { _merge_objects: 'true', most_played_song: { year_released: 1960 } },
      { _merge_objects: true, most_played_song: { year_released: 1960 } }
    ],
    [
      "_merge_objects: false is Braze's default: not sent",
      { _merge_objects: false, most_played_song: { year_released: 1960 } },
      { most_played_song: { year_released: 1960 } }
    ]
  ])('%s', (_name, traits, expected) => {
    const { attributes, warnings } = attributesOf(traits)
    expect(attributes).toEqual({ external_id: 'u1', ...expected })
    expect(warnings).toEqual([])
    expect(objectProblems('attributes', attributes)).toEqual([])
  })
})

test('$update without _merge_objects goes as it is (Braze then overwrites the matched objects), with a warning that says so', () => {
  const pets = { $update: [{ $identifier_key: 'id', $identifier_value: 4, $new_object: { breed: 'goldfish' } }] }
  const { attributes, warnings } = attributesOf({ pets })
  expect(attributes).toEqual({ external_id: 'u1', pets })
  expect(warnings).toEqual([
    expect.stringMatching(/\$update replaces each matched object with \$new_object; send the trait "_merge_objects": true/)
  ])
})

describe('a malformed operator is dropped with a warning; the rest of the identify still goes', () => {
  test.each<[string, unknown, RegExp]>([
    ['$add of a non-object', { $add: ['dog'] }, /\$add: every item must be an object/],
    ['$add of an empty list', { $add: [] }, /\$add takes a non-empty array/],
    [
      '$remove without $identifier_value',
      { $remove: [{ $identifier_key: 'id' }] },
      /\$remove: every item must have exactly \$identifier_key, \$identifier_value/
    ],
    [
      '$remove with an extra key',
      { $remove: [{ $identifier_key: 'id', $identifier_value: 1, type: 'dog' }] },
      /every item must have exactly/
    ],
    [
      '$remove by an object value',
      { $remove: [{ $identifier_key: 'id', $identifier_value: { a: 1 } }] },
      /\$identifier_value must be a string, number or boolean/
    ],
    [
      '$remove by a key with a dot',
      { $remove: [{ $identifier_key: 'a.b', $identifier_value: 1 }] },
      /\$identifier_key must be a valid nested key/
    ]
  ])('%s', (_name, pets, warning) => {
    const { attributes, warnings } = attributesOf({ plan: 'pro', pets })
    expect(attributes).toEqual({ external_id: 'u1', plan: 'pro' })
    expect(warnings).toEqual([expect.stringMatching(/^trait "pets" was dropped: /)])
    expect(warnings[0]).toMatch(warning)
  })

  test('an unknown $-key is no operator: it is dropped like any $-key inside a nested attribute', () => {
    const { attributes, warnings } = attributesOf({ pets: { $upsert: [{ id: 1 }], count: 2 } })
    expect(attributes).toEqual({ external_id: 'u1', pets: { count: 2 } })
    expect(warnings).toEqual([expect.stringMatching(/"pets"\.\$upsert was dropped|pets\.\$upsert was dropped/)])
  })

  test('a _merge_objects that is not a boolean is ignored with a warning', () => {
    const { attributes, warnings } = attributesOf({ _merge_objects: 'yes', song: { year: 1960 } })
    expect(attributes).toEqual({ external_id: 'u1', song: { year: 1960 } })
    expect(warnings).toEqual(['trait "_merge_objects" was ignored: it takes true or false.'])
  })
})

describe("in a batch (src/destination/merge-attributes.ts folds one user's attribute objects)", () => {
  // Known gap, outside the mapping: folding keeps only the later $add and lets one event's
  // _merge_objects apply to another's nested objects. Marked failing until the folding keeps
  // operator values and _merge_objects objects apart; remove `.failing` then.
  test('two identifies adding to the same array of objects keep both additions (as two objects, in time order)', () => {
    const first = attributesOf({ pets: { $add: [{ id: 1 }] } }).attributes
    const second = attributesOf({ pets: { $add: [{ id: 2 }] } }).attributes
    const merged = mergeAttributes([
      { object: first, owner: 0, epoch: 1 },
      { object: second, owner: 1, epoch: 2 }
    ])
    const added = merged.flatMap(({ object }) => (object.pets as { $add?: unknown[] } | undefined)?.$add ?? [])
    expect(added).toEqual([{ id: 1 }, { id: 2 }])
  })

  test('an identify asking for _merge_objects is not folded into one that did not ask: each keeps its own rule', () => {
    const deep = attributesOf({ _merge_objects: true, profile: { a: 1 } }).attributes
    const plain = attributesOf({ profile: { b: 2 } }).attributes
    const merged = mergeAttributes([
      { object: deep, owner: 0, epoch: 1 },
      { object: plain, owner: 1, epoch: 2 }
    ])
    expect(merged.map(({ object }) => object)).toEqual([
      { external_id: 'u1', _merge_objects: true, profile: { a: 1 } },
      { external_id: 'u1', profile: { b: 2 } }
    ])
  })
})
