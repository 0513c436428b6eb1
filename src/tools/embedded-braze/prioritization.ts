// Which profile an email or phone number names when several share it, for
// /users/identify and /users/merge: the `prioritization` array.
// https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/ ("Identifying users by email addresses
// and phone numbers") and https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/ ("Merging users by
// email or phone number").
import { type StoredProfile, leastRecentlyUpdated, mostRecentlyUpdated } from './profiles'

const PRIORITIES = ['identified', 'unidentified', 'most_recently_updated', 'least_recently_updated'] as const
export type Priority = (typeof PRIORITIES)[number]

/**
 * A valid `prioritization`, or undefined: a non-empty array of the four
 * allowed values, where "Only one of the following options may exist in the
 * prioritization array at a time: identified … unidentified".
 */
export function parsePrioritization(value: unknown): Priority[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  if (!value.every((item): item is Priority => (PRIORITIES as readonly unknown[]).includes(item))) return undefined
  if (value.includes('identified') && value.includes('unidentified')) return undefined
  return value
}

/**
 * Applies each priority in order as a filter ("identified refers to
 * prioritizing a user with an external_id"; "using most_recently_updated
 * will filter the query to just one … user"). Exactly one profile must be
 * left: "if more than one user matches from a prioritization, then merging
 * does not occur", and with none there is nothing to merge.
 */
export function prioritize(candidates: StoredProfile[], prioritization: Priority[]): StoredProfile | undefined {
  let pool = candidates
  for (const priority of prioritization) {
    switch (priority) {
      case 'identified':
        pool = pool.filter((profile) => profile.externalId !== undefined)
        break
      case 'unidentified':
        pool = pool.filter((profile) => profile.externalId === undefined)
        break
      case 'most_recently_updated':
        pool = onlyDefined(mostRecentlyUpdated(pool))
        break
      case 'least_recently_updated':
        pool = onlyDefined(leastRecentlyUpdated(pool))
        break
    }
  }
  return pool.length === 1 ? pool[0] : undefined
}

function onlyDefined(profile: StoredProfile | undefined): StoredProfile[] {
  return profile ? [profile] : []
}
