// The one definition of the function's settings. It feeds the runtime parser
// below, the settings list `deploy` sends to Segment, and the README table
// (test/settings-doc.test.ts checks the README against it).
import { type DataCenter, describeValidDataCenters, resolveDataCenter } from './data-centers'
import { MAX_COMBINED_OBJECTS_MAU, MAX_OBJECTS_PER_REQUEST, MAX_OBJECTS_PER_TYPE } from './braze-limits'
import { BRAZE_RESERVED_ATTRIBUTES } from './braze-types'
import { problem, type Problem } from './errors'
import { isAbsent } from './segment-event'
import { badKey } from './values'

type SegmentSettingType = 'STRING' | 'BOOLEAN' | 'ARRAY'

interface SettingDefinition<T> {
  name: string
  label: string
  description: string
  type: SegmentSettingType
  required: boolean
  sensitive: boolean
  /** What the README shows as the default; `undefined` = none. */
  defaultLabel?: string
  default: T
  /** Segment's editor sends every setting as typed in the Settings tab; be forgiving about form, strict about meaning. */
  parse(value: unknown): { value: T } | { expected: string }
}

// Settings are strings, booleans and lists of strings: plain typeof checks (zod/mini would add
// ~26 KB to the bundle for these three, measured with esbuild's metafile).
const isText = (value: unknown): value is string => typeof value === 'string'
const isList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText)

/** Where a list is expected people type a comma-separated string ("[Beta] Order Placed, Refund"), or a JSON array of strings. */
function typedList(value: string): string[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed)) return value.split(',')
  return isList(parsed) ? parsed : undefined
}

function optionalText(value: unknown): { value: string | undefined } | { expected: string } {
  if (!isText(value)) return { expected: 'a text value' }
  const trimmed = value.trim()
  return { value: trimmed === '' ? undefined : trimmed }
}

/** Segment sends a BOOLEAN setting as true/false; typed by hand (the Test tab, the Public API) it may be "true", " False "… */
function booleanSetting(value: unknown): { value: boolean } | { expected: string } {
  if (typeof value === 'boolean') return { value }
  const typed = isText(value) ? value.trim().toLowerCase() : undefined
  if (typed === 'true' || typed === 'false') return { value: typed === 'true' }
  return { expected: 'true or false' }
}

/** A yes/no setting that is off unless turned on. */
function offByDefault(name: string, label: string, description: string): SettingDefinition<boolean> {
  return {
    name,
    label,
    description,
    type: 'BOOLEAN',
    required: false,
    sensitive: false,
    defaultLabel: 'false',
    default: false,
    parse: booleanSetting
  }
}

const ECOMMERCE_MODES = ['recommended', 'purchases', 'both'] as const
type EcommerceMode = (typeof ECOMMERCE_MODES)[number]

const definitions = {
  apiKey: {
    name: 'apiKey',
    label: 'API Key',
    description: 'Braze REST API key (Settings > APIs and Identifiers) with the users.track, users.merge and users.delete permissions.',
    type: 'STRING',
    required: true,
    sensitive: true,
    default: '',
    parse(value) {
      if (!isText(value)) return { expected: 'the REST API key as text' }
      const key = normalizeApiKey(value)
      if (key === '') return { expected: 'a non-empty REST API key' }
      // fetch cannot put anything else into a header, and retrying for hours would not fix the setting.
      if (!/^[\x21-\x7e]+$/.test(key))
        return {
          expected: 'a REST API key of printable ASCII characters (it holds spaces, invisible or non-ASCII characters: copy it again)'
        }
      return { value: key }
    }
  } satisfies SettingDefinition<string>,
  dataCenter: {
    name: 'dataCenter',
    label: 'Data Center',
    description: 'Braze instance, e.g. US-03 or EU-01, or the REST endpoint URL shown in Braze (https://rest.iad-03.braze.com).',
    type: 'STRING',
    required: true,
    sensitive: false,
    default: undefined as unknown as DataCenter,
    parse(value) {
      const dataCenter = isText(value) ? resolveDataCenter(value) : undefined
      return dataCenter ? { value: dataCenter } : { expected: `one of ${describeValidDataCenters()}` }
    }
  } satisfies SettingDefinition<DataCenter>,
  appId: {
    name: 'appId',
    label: 'App ID',
    description: 'Braze app identifier, added as app_id to custom events and purchases. Leave empty to omit it.',
    type: 'STRING',
    required: false,
    sensitive: false,
    default: undefined,
    parse: optionalText
  } satisfies SettingDefinition<string | undefined>,
  updateExistingOnly: offByDefault(
    'updateExistingOnly',
    'Update Existing Only',
    'Send _update_existing_only: true on every attributes, event and purchase object, so no call creates a Braze user (also none for anonymous visitors).'
  ),
  anonymousAliasLabel: {
    name: 'anonymousAliasLabel',
    label: 'Anonymous Alias Label',
    description:
      'When set, users known only by anonymousId are sent to Braze as a user alias {alias_name: anonymousId, alias_label: this value}, and merged into the identified user once a userId arrives. Empty = anonymous events are rejected.',
    type: 'STRING',
    required: false,
    sensitive: false,
    defaultLabel: 'empty (off)',
    default: undefined,
    parse: optionalText
  } satisfies SettingDefinition<string | undefined>,
  purchaseEvents: {
    name: 'purchaseEvents',
    label: 'Purchase Events',
    description:
      'Track events whose products become legacy Braze purchases (one per product, case-insensitive). With eCommerce Mode "recommended", Segment eCommerce spec events listed here are sent as recommended events only.',
    type: 'ARRAY',
    required: false,
    sensitive: false,
    defaultLabel: '["Order Completed"]',
    default: ['order completed'],
    parse(value) {
      const list = isList(value) ? value : isText(value) ? typedList(value) : undefined
      if (!list) return { expected: 'a list of event names' }
      return { value: list.map((name) => name.trim().toLowerCase()).filter((name) => name !== '') }
    }
  } satisfies SettingDefinition<string[]>,
  audienceAttribute: {
    name: 'audienceAttribute',
    label: 'Audience Attribute',
    description:
      'When set, Engage audience entries and exits also add/remove the audience key in this Braze array attribute (e.g. segment_audiences).',
    type: 'STRING',
    required: false,
    sensitive: false,
    defaultLabel: 'empty (off)',
    default: undefined,
    parse(value) {
      const parsed = optionalText(value)
      if ('value' in parsed && parsed.value !== undefined) {
        const reason = badKey(parsed.value, false) ?? (/[.\s]/.test(parsed.value) ? 'a name containing "." or a space' : undefined)
        if (reason) return { expected: `a Braze attribute name, not ${reason}` }
        if (BRAZE_RESERVED_ATTRIBUTES.has(parsed.value))
          return { expected: 'a custom attribute name, not a Braze standard attribute or identifier' }
      }
      return parsed
    }
  } satisfies SettingDefinition<string | undefined>,
  sendPageEvents: offByDefault('sendPageEvents', 'Send Page Events', 'Send page calls as custom events "Viewed <category> <name> Page".'),
  sendScreenEvents: offByDefault('sendScreenEvents', 'Send Screen Events', 'Send screen calls as custom events "Viewed <name> Screen".'),
  ecommerceMode: {
    name: 'ecommerceMode',
    label: 'Ecommerce Mode',
    description:
      "recommended: Segment eCommerce spec events (Product Viewed, Product Added/Removed, Checkout Started, Order Completed/Refunded/Cancelled) become Braze's recommended ecommerce.* events; Purchase Events then applies only to other events. purchases: legacy Braze purchases only, from Purchase Events. both: the recommended events, and purchases from Purchase Events too.",
    type: 'STRING',
    required: false,
    sensitive: false,
    defaultLabel: 'recommended',
    default: 'recommended' as EcommerceMode,
    parse(value) {
      const mode = isText(value) ? value.trim().toLowerCase() : undefined
      return ECOMMERCE_MODES.includes(mode as EcommerceMode)
        ? { value: mode as EcommerceMode }
        : { expected: `one of ${ECOMMERCE_MODES.join(', ')}` }
    }
  } satisfies SettingDefinition<EcommerceMode>,
  skipContextLocale: offByDefault(
    'skipContextLocale',
    'Skip Context Locale',
    'Leave language, time zone and country to the Braze SDK: do not set them from the event context (context.locale, context.timezone, context.location.country): once set through the API, Braze stops capturing them from the device with its SDK. Explicit traits are still sent.'
  ),
  skipUnchangedAttributes: offByDefault(
    'skipUnchangedAttributes',
    'Skip Unchanged Attributes',
    'Do not send an attribute value this warm instance already delivered unchanged for the same userId (Segment cache, best effort): fewer Braze data points when clients identify with all traits on every page. Unsets, array edits and Engage audiences and traits are always sent.'
  ),
  maxObjectsPerRequest: {
    name: 'maxObjectsPerRequest',
    label: 'Max Objects Per Request',
    description: `Combined attribute + event + purchase objects per /users/track request, 1-${MAX_OBJECTS_PER_REQUEST}: Braze takes ${MAX_OBJECTS_PER_TYPE} combined, and ${MAX_OBJECTS_PER_TYPE} of each type (${MAX_OBJECTS_PER_REQUEST}) on legacy rate limits. Set ${MAX_COMBINED_OBJECTS_MAU} if the function logs that Braze refused a request as too long (${MAX_COMBINED_OBJECTS_MAU} is what Braze's docs once gave "MAU CY 24-25" contracts).`,
    type: 'STRING',
    required: false,
    sensitive: false,
    defaultLabel: String(MAX_OBJECTS_PER_TYPE),
    default: MAX_OBJECTS_PER_TYPE,
    parse(value) {
      const expected = { expected: `a whole number from 1 to ${MAX_OBJECTS_PER_REQUEST}` }
      const raw = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined
      if (raw === undefined || !/^\d+$/.test(raw)) return expected
      const n = Number(raw)
      return n >= 1 && n <= MAX_OBJECTS_PER_REQUEST ? { value: n } : expected
    }
  } satisfies SettingDefinition<number>
}

type Definitions = typeof definitions
export type Settings = { [K in keyof Definitions]: Definitions[K]['default'] }

/** The table in order, for deploy and docs. */
export const SETTING_DEFINITIONS: ReadonlyArray<SettingDefinition<unknown>> = Object.values(definitions)

/**
 * What people paste around a key, a classic cause of Braze 401s: spaces, quotes, or the header's
 * "Bearer " (the function adds that itself).
 */
export function normalizeApiKey(raw: string): string {
  const unquoted = (text: string) => text.trim().replace(/^["']|["']$/g, '')
  return unquoted(unquoted(raw).replace(/^Bearer\s+/i, ''))
}

// An ARRAY setting never filled in arrives as []: that is "not set", not "no purchase events".
const isBlank = (value: unknown) => isAbsent(value) || (Array.isArray(value) && value.length === 0)

/**
 * Parsed at the start of every handler call, never cached: a warm Segment
 * instance may serve several configurations.
 */
export function parseSettings(raw: unknown): { settings: Settings } | { problem: Problem } {
  const input = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
  const out: Record<string, unknown> = {}
  // Every problem at once: a user fixing one setting at a time would test once per setting.
  const problems: string[] = []
  for (const definition of SETTING_DEFINITIONS) {
    const value = input[definition.name]
    if (isBlank(value)) {
      if (definition.required) problems.push(`Setting "${definition.name}" (${definition.label}) is required: ${definition.description}`)
      out[definition.name] = definition.default
      continue
    }
    const parsed = definition.parse(value)
    // Never echo the value: it may be the API key.
    if ('expected' in parsed) problems.push(`Setting "${definition.name}" (${definition.label}) is invalid: expected ${parsed.expected}.`)
    else out[definition.name] = parsed.value
  }
  if (problems.length > 0) return { problem: problem('ValidationError', problems.join(' ')) }
  return { settings: out as Settings }
}
