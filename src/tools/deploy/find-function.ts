import type { SegmentFunction } from './segment-api'

/**
 * The name rule. Segment appends the workspace to a destination function's
 * display name (Public API docs, createFunction: "Destination Functions append
 * the Workspace to the display name"): created as "Braze (TypeScript)", it is
 * listed as "Braze (TypeScript) (Acme Production)". So `name` matches
 *   1. a display name equal to `name`, or
 *   2. a display name that starts with `name + " ("` and ends with ")".
 * Comparison is exact (case and spaces matter). Exact matches win over
 * suffixed ones; two or more candidates of the same kind are ambiguous and
 * deploy asks for --id (or the full name, workspace suffix included).
 * Segment's docs show the form: "My Destination Function (My Workspace)", names
 * case sensitive (https://segment.com/docs/connections/functions/destination-functions/);
 * two of the same kind stay ambiguous, so deploy asks for --id.
 */
export function matchesDisplayName(displayName: string, name: string): 'exact' | 'suffixed' | undefined {
  if (displayName === name) return 'exact'
  if (displayName.startsWith(`${name} (`) && displayName.endsWith(')')) return 'suffixed'
  return undefined
}

export type NameLookup = { kind: 'none' } | { kind: 'found'; fn: SegmentFunction } | { kind: 'ambiguous'; candidates: SegmentFunction[] }

export function findByDisplayName(functions: SegmentFunction[], name: string): NameLookup {
  const exact = functions.filter((fn) => fn.displayName !== undefined && matchesDisplayName(fn.displayName, name) === 'exact')
  const candidates =
    exact.length > 0
      ? exact
      : functions.filter((fn) => fn.displayName !== undefined && matchesDisplayName(fn.displayName, name) === 'suffixed')
  if (candidates.length === 0) return { kind: 'none' }
  if (candidates.length === 1) return { kind: 'found', fn: candidates[0] as SegmentFunction }
  return { kind: 'ambiguous', candidates }
}
