// Which merges of one invocation may share a request: Braze applies a request's
// merge_updates in no set order (src/destination/merge-order.ts).
import fc from 'fast-check'
import type { MergeUpdate } from '../src/destination/braze-types'
import { dependsOn, mergeWaves, profilesOf } from '../src/destination/merge-order'

const user = (id: string) => ({ external_id: id })
const alias = (name: string) => ({ user_alias: { alias_name: name, alias_label: 'segment_anonymous_id' } })
const email = (address: string) => ({ email: address, prioritization: ['unidentified', 'least_recently_updated'] })
const merge = (from: object, to: object) => ({ object: { identifier_to_merge: from, identifier_to_keep: to } as MergeUpdate })
const names = (waves: Array<Array<{ object: MergeUpdate }>>) =>
  waves.map((wave) =>
    wave.map(({ object }) => `${JSON.stringify(object.identifier_to_merge)}→${JSON.stringify(object.identifier_to_keep)}`)
  )

describe('mergeWaves', () => {
  test.each<[string, Array<{ object: MergeUpdate }>, number[]]>([
    ['two devices of one user: one request', [merge(alias('a1'), user('u1')), merge(alias('a2'), user('u1'))], [2]],
    ['unrelated users: one request', [merge(alias('a1'), user('u1')), merge(email('e@example.com'), user('u2'))], [2]],
    [
      'one visitor identified as two users: the first keeper first',
      [merge(alias('a1'), user('u1')), merge(alias('a1'), user('u2'))],
      [1, 1]
    ],
    ['a lead into u1, then u1 into u2: in that order', [merge(email('e@example.com'), user('u1')), merge(user('u1'), user('u2'))], [1, 1]],
    ['u1 into u2, then a lead into u1: in that order', [merge(user('u1'), user('u2')), merge(email('e@example.com'), user('u1'))], [1, 1]],
    [
      'a chain of three, and a merge of its own beside it',
      [merge(alias('a1'), user('u1')), merge(user('u1'), user('u2')), merge(user('u2'), user('u3')), merge(alias('b'), user('u9'))],
      [2, 1, 1]
    ]
  ])('%s', (_name, merges, sizes) => {
    expect(mergeWaves(merges).map((wave) => wave.length)).toEqual(sizes)
  })

  test('a merge waits only as long as it must: one beside a chain goes in the first wave, whatever its place', () => {
    const merges = [merge(alias('a1'), user('u1')), merge(user('u1'), user('u2')), merge(alias('b'), user('u9'))]
    expect(names(mergeWaves(merges))).toEqual([
      [
        '{"user_alias":{"alias_name":"a1","alias_label":"segment_anonymous_id"}}→{"external_id":"u1"}',
        '{"user_alias":{"alias_name":"b","alias_label":"segment_anonymous_id"}}→{"external_id":"u9"}'
      ],
      ['{"external_id":"u1"}→{"external_id":"u2"}']
    ])
  })

  test('property: every merge once, time order kept within a wave, and no two merges of a wave depend on each other', () => {
    const id = fc.constantFrom(user('u1'), user('u2'), user('u3'), alias('a1'), alias('a2'), email('e@example.com'))
    fc.assert(
      fc.property(fc.array(fc.tuple(id, id), { maxLength: 12 }), (pairs) => {
        const merges = pairs.map(([from, to]) => merge(from, to))
        const waves = mergeWaves(merges)
        expect(waves.flat().length).toBe(merges.length)
        for (const wave of waves) {
          expect(wave.map((one) => merges.indexOf(one))).toEqual([...wave.map((one) => merges.indexOf(one))].sort((a, b) => a - b))
          wave.forEach((later, index) => {
            for (const earlier of wave.slice(0, index)) expect(dependsOn(later.object, profilesOf([earlier.object]))).toBe(false)
          })
        }
        // A merge never goes before one it depends on.
        const waveOf = new Map(waves.flatMap((wave, index) => wave.map((one) => [one, index] as const)))
        merges.forEach((later, index) => {
          for (const earlier of merges.slice(0, index))
            if (dependsOn(later.object, profilesOf([earlier.object]))) expect(waveOf.get(later)!).toBeGreaterThan(waveOf.get(earlier)!)
        })
      }),
      { numRuns: 200, seed: 5 }
    )
  })
})
