// How stored attributes change under each kind of Braze attribute update.
import { applyAttributeUpdates, mergeAttributes } from '../src/tools/embedded-braze/attributes'

describe('applyAttributeUpdates', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    ['sets and overwrites', { a: 1 }, { a: 2, b: 'x' }, { a: 2, b: 'x' }],
    ['null unsets', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['null on a missing key is harmless', {}, { a: null }, {}],
    ['add to a missing array', {}, { tags: { add: ['a', 'b'] } }, { tags: ['a', 'b'] }],
    // "Adding an element … already present … gets moved from its current position to the end of the array."
    [
      'add keeps values unique, moving one added again to the end',
      { tags: ['a', 'c'] },
      { tags: { add: ['a', 'b', 'b'] } },
      { tags: ['c', 'a', 'b'] }
    ],
    ['remove', { tags: ['a', 'b', 'c'] }, { tags: { remove: ['b', 'z'] } }, { tags: ['a', 'c'] }],
    ['add then remove in one update', { tags: ['a'] }, { tags: { add: ['b'], remove: ['a'] } }, { tags: ['b'] }],
    ['add to a non-array replaces it', { tags: 'a' }, { tags: { add: ['b'] } }, { tags: ['b'] }],
    ['inc an existing number', { n: 2 }, { n: { inc: 3 } }, { n: 5 }],
    ['inc a missing attribute starts at 0', {}, { n: { inc: -1 } }, { n: -1 }],
    ['$time becomes the ISO string', {}, { seen: { $time: '2024-05-01T00:00:00Z' } }, { seen: '2024-05-01T00:00:00Z' }],
    [
      'nested objects replace, with $time inside normalised',
      { pet: { name: 'Rex', age: 3 } },
      { pet: { name: 'Bo', born: { $time: '2020-01-01T00:00:00Z' } } },
      { pet: { name: 'Bo', born: '2020-01-01T00:00:00Z' } }
    ],
    ['whole arrays replace', { tags: ['a'] }, { tags: ['b', 'c'] }, { tags: ['b', 'c'] }],
    ['an object that only looks like an edit is a nested attribute', {}, { x: { add: 'a' } }, { x: { add: 'a' } }]
  ])('%s', (_name, current, update, expected) => {
    expect(applyAttributeUpdates(current, update)).toEqual(expected)
  })

  test("a full array (500 items, Braze's default) drops its first item for each one added", () => {
    const full = Array.from({ length: 500 }, (_, i) => `a${i}`)
    expect(applyAttributeUpdates({ tags: full }, { tags: { add: ['new'] } })).toEqual({ tags: [...full.slice(1), 'new'] })
  })

  test('_merge_objects deep-merges nested objects', () => {
    const current = { pet: { name: 'Rex', toy: { kind: 'ball', color: 'red' }, age: 3 } }
    const update = { pet: { toy: { color: 'blue' }, age: 4 } }
    expect(applyAttributeUpdates(current, update, true)).toEqual({
      pet: { name: 'Rex', toy: { kind: 'ball', color: 'blue' }, age: 4 }
    })
  })

  test('does not change its input', () => {
    const current = { tags: ['a'] }
    applyAttributeUpdates(current, { tags: { add: ['b'] } })
    expect(current).toEqual({ tags: ['a'] })
  })

  test('a key named __proto__ is stored, not turned into a prototype', () => {
    const update = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>
    const next = applyAttributeUpdates({}, update)
    expect(Object.keys(next)).toEqual(['__proto__'])
    expect((next as { polluted?: boolean }).polluted).toBeUndefined()
  })
})

test('mergeAttributes: the kept profile wins on conflicts', () => {
  expect(mergeAttributes({ a: 1, b: 2 }, { b: 3, c: 4 })).toEqual({ a: 1, b: 2, c: 4 })
})
