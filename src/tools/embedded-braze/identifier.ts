// How one Braze object names its user. Kept apart from the rules and the
// profile store because both speak this language.
import type { UserAlias } from './types'

export type Identifier =
  | { kind: 'external_id'; value: string }
  | { kind: 'braze_id'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'user_alias'; alias: UserAlias }

/** Keys that can only identify a user, never be attributes. */
export const PRIMARY_IDENTIFIER_KEYS = ['external_id', 'user_alias', 'braze_id'] as const

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Braze refuses empty identifiers; a blank one is as useless, so it fails too. */
export function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0
}

export function asUserAlias(value: unknown): UserAlias | undefined {
  if (!isPlainObject(value)) return undefined
  const { alias_name: name, alias_label: label } = value
  return isNonBlankString(name) && isNonBlankString(label) ? { alias_name: name, alias_label: label } : undefined
}
