// Currency codes, as Braze takes them on purchases ("ISO 4217 Alphabetic Currency Code",
// https://www.braze.com/docs/api/objects_filters/purchase_object/) and on the recommended
// eCommerce events ("currency must be a valid ISO 4217 string",
// https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/).
import { isAbsent } from './segment-event'

/**
 * ISO 4217 codes that ICU's list leaves out (Node 20, ICU 78): Venezuela's bolívar digital (2021), and
 * the fund codes, unit of account and precious metals of ISO 4217's list one
 * (https://www.six-group.com/en/products-services/financial-information/data-standards.html).
 */
const ISO_CODES_ICU_LACKS = ['VED', 'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW', 'XUA', 'XAG', 'XAU', 'XPD', 'XPT']

let currencies: Set<string> | undefined

/** The runtime's list of codes in use when it has one (Intl.supportedValuesOf), else the three-letter shape. */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false
  const supported = typeof Intl === 'object' ? (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf : undefined
  currencies ??= new Set(supported ? [...supported('currency'), ...ISO_CODES_ICU_LACKS] : [])
  return currencies.size === 0 || currencies.has(code)
}

/** Segment's `currency` as Braze takes it: absent, null or blank is USD (Braze requires one; the README says so); else its upper-cased code, or undefined when that is no ISO 4217 code. */
export function currencyCode(value: unknown): string | undefined {
  if (isAbsent(value)) return 'USD'
  const code = typeof value === 'string' ? value.trim().toUpperCase() : ''
  return isCurrencyCode(code) ? code : undefined
}
