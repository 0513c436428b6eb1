import type { SegmentFunction } from './segment-api'

/**
 * The name rule. Segment appends the workspace to a destination function's
 * display name (Public API docs, createFunction: "Destination Functions append
 * the Workspace to the display name"): created as "Braze (TypeScript)" in the
 * workspace "Acme Production", it is listed as "Braze (TypeScript) (Acme Production)".
 * So `name` matches
 *   1. a display name equal to `name`, or
 *   2. `name + " (" + workspace + ")"`, where the workspace name is known.
 * Only that workspace suffix: "Braze (Legacy) (Acme Production)" is another
 * function, and never matches "Braze". Comparison is exact (case and spaces
 * matter; Segment's docs show "My Destination Function (My Workspace)", names
 * case sensitive: https://segment.com/docs/connections/functions/destination-functions/).
 * Exact matches win over suffixed ones; two or more candidates of the same kind
 * are ambiguous and deploy asks for --id.
 */
export function matchesDisplayName(displayName: string, name: string, workspace: string | undefined): 'exact' | 'suffixed' | undefined {
  if (displayName === name) return 'exact'
  if (workspace !== undefined && displayName === `${name} (${workspace})`) return 'suffixed'
  return undefined
}

/** Whether a display name could be `name` with a workspace suffix: only then is the workspace name worth asking for. */
export const mayBeSuffixed = (functions: SegmentFunction[], name: string): boolean =>
  functions.some((fn) => fn.displayName !== undefined && fn.displayName.startsWith(`${name} (`) && fn.displayName.endsWith(')'))

export type NameLookup = { kind: 'none' } | { kind: 'found'; fn: SegmentFunction } | { kind: 'ambiguous'; candidates: SegmentFunction[] }

export function findByDisplayName(functions: SegmentFunction[], name: string, workspace: string | undefined): NameLookup {
  const exact = functions.filter((fn) => fn.displayName !== undefined && matchesDisplayName(fn.displayName, name, workspace) === 'exact')
  const candidates =
    exact.length > 0
      ? exact
      : functions.filter((fn) => fn.displayName !== undefined && matchesDisplayName(fn.displayName, name, workspace) === 'suffixed')
  if (candidates.length === 0) return { kind: 'none' }
  if (candidates.length === 1) return { kind: 'found', fn: candidates[0] as SegmentFunction }
  return { kind: 'ambiguous', candidates }
}
