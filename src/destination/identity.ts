import type { BrazeIdentifier } from './braze-types'
import { validEmail, validPhone } from './contact'
import { problem, type Problem } from './errors'
import { nonBlank, path, type SegmentEvent } from './segment-event'
import type { Settings } from './settings'

const BRAZE_ID_PATHS = [
  ['integrations', 'Braze', 'braze_id'],
  ['integrations', 'Appboy', 'braze_id'],
  ['context', 'traits', 'braze_id'],
  ['traits', 'braze_id'],
  ['properties', 'braze_id']
]
const EMAIL_PATHS = [['traits', 'email'], ['context', 'traits', 'email']]
const PHONE_PATHS = [['traits', 'phone'], ['context', 'traits', 'phone']]

/** `usable`: what counts as a value at these paths (a malformed email or phone never identifies). */
function first(event: SegmentEvent, paths: string[][], usable: (value: unknown) => string | undefined = nonBlank): string | undefined {
  for (const keys of paths) {
    const value = usable(path(event, ...keys))
    if (value !== undefined) return value
  }
  return undefined
}

export function aliasFor(anonymousId: string, settings: Pick<Settings, 'anonymousAliasLabel'>): BrazeIdentifier | undefined {
  return settings.anonymousAliasLabel ? { user_alias: { alias_name: anonymousId, alias_label: settings.anonymousAliasLabel } } : undefined
}

/** Braze takes one identifier per object: the first that exists, in the order of design §3. */
export function resolveIdentifier(event: SegmentEvent, settings: Settings): BrazeIdentifier | Problem {
  const userId = nonBlank(event.userId)
  if (userId !== undefined) return { external_id: userId }
  const brazeId = first(event, BRAZE_ID_PATHS)
  if (brazeId !== undefined) return { braze_id: brazeId }
  const email = first(event, EMAIL_PATHS, validEmail)
  if (email !== undefined) return { email }
  const phone = first(event, PHONE_PATHS, validPhone)
  if (phone !== undefined) return { phone }
  const anonymousId = nonBlank(event.anonymousId)
  const alias = anonymousId === undefined ? undefined : aliasFor(anonymousId, settings)
  if (alias) return alias
  return problem('ValidationError', missingIdentifierMessage(anonymousId !== undefined))
}

function missingIdentifierMessage(hasAnonymousId: boolean): string {
  const why = hasAnonymousId
    ? 'this event has only an anonymousId'
    : 'this event has no userId (and no braze_id, email or phone)'
  return (
    `Braze needs an identified user, but ${why}. Send the event with a userId (Braze external_id), ` +
    'or set the "anonymousAliasLabel" setting (Anonymous Alias Label) to send anonymous users to Braze as user aliases.'
  )
}
