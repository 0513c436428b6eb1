// Currency codes, as Braze takes them on purchases ("ISO 4217 Alphabetic Currency Code",
// https://www.braze.com/docs/api/objects_filters/purchase_object/) and on the recommended
// eCommerce events ("currency must be a valid ISO 4217 string",
// https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/).

let currencies: Set<string> | undefined

/** The runtime's list of codes in use when it has one (Intl.supportedValuesOf), else the three-letter shape. */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false
  const supported = typeof Intl === 'object' ? (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf : undefined
  currencies ??= new Set(supported ? supported('currency') : [])
  return currencies.size === 0 || currencies.has(code)
}
