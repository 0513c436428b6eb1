// The order merges must keep. Braze applies a /users/merge request's entries
// in no set order ("The endpoint does not guarantee the sequence of
// merge_updates objects being updated",
// https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/), and
// two requests sent at once are no better. A merge depends on an earlier one
// when the order changes the outcome: the same profile merged away twice (the
// first keeper must win), or a profile merged away after something was merged
// into it (an email lead into u1, then u1 into u2: the other order leaves the
// lead's merge without a profile to keep). Merges into one kept profile, the
// usual case (several devices of one user), need no order.
import type { MergeUpdate } from './braze-types'
import { profileKey } from './contact'

/** The profiles a merge (or a request of merges) removes and keeps, by profileKey (contact.ts). */
export interface MergeProfiles {
  away: string[]
  kept: string[]
}

export function profilesOf(merges: MergeUpdate[]): MergeProfiles {
  return {
    away: merges.map((merge) => profileKey(merge.identifier_to_merge)),
    kept: merges.map((merge) => profileKey(merge.identifier_to_keep))
  }
}

/** Whether `merge` must wait for the answer to `earlier`, sent before it in time order. */
export function dependsOn(merge: MergeUpdate, earlier: MergeProfiles): boolean {
  const away = profileKey(merge.identifier_to_merge)
  return earlier.away.includes(away) || earlier.kept.includes(away) || earlier.away.includes(profileKey(merge.identifier_to_keep))
}

/**
 * Merges in time order → waves sent one after another: each merge goes in the
 * wave after the last one holding a merge it depends on, so that a wave's
 * merges may go in one request, in any order.
 */
export function mergeWaves<T extends { object: MergeUpdate }>(merges: T[]): T[][] {
  const waves: T[][] = []
  // Per profile, the last wave that merged it away ("away:") or kept it ("kept:").
  const last = new Map<string, number>()
  const lastOf = (key: string) => last.get(key) ?? -1
  for (const merge of merges) {
    const away = profileKey(merge.object.identifier_to_merge)
    const kept = profileKey(merge.object.identifier_to_keep)
    const wave = Math.max(lastOf(`away:${away}`), lastOf(`kept:${away}`), lastOf(`away:${kept}`)) + 1
    ;(waves[wave] ??= []).push(merge)
    last.set(`away:${away}`, wave) // later than any wave that merged it away before
    last.set(`kept:${kept}`, Math.max(lastOf(`kept:${kept}`), wave)) // merges into one profile may share an earlier wave
  }
  return waves
}
