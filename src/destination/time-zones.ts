// A time zone as Braze's time_zone takes it: a name from the IANA Time Zone
// Database (https://www.braze.com/docs/api/objects_filters/user_attributes_object/),
// from whatever spelling a user sends. Intl validates and canonicalizes, but
// Node 20's ICU keeps CLDR's stable ids, older spellings IANA has since renamed
// ("Asia/Kolkata" comes back "Asia/Calcutta"): those are put back.
import { RAILS_TIME_ZONES } from './rails-time-zones'
import { field } from './segment-event'

/**
 * The ids CLDR keeps where IANA renamed the zone, with IANA's name: CLDR's
 * timezone.xml gives both (https://github.com/unicode-org/cldr/blob/main/common/bcp47/timezone.xml,
 * its `alias` and `iana` attributes).
 */
const IANA_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk'
}

const knownZones = new Map<string, string | null>()

/**
 * The IANA name (`europe/amsterdam` → `Europe/Amsterdam`, Rails's
 * `Eastern Time (US & Canada)` → `America/New_York`, `Asia/Calcutta` →
 * `Asia/Kolkata`), or undefined for anything else.
 */
export function ianaTimeZone(zone: string): string | undefined {
  let canonical = knownZones.get(zone)
  if (canonical === undefined) {
    try {
      const name = (field(RAILS_TIME_ZONES, zone.trim()) as string | undefined) ?? zone
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
      // Offsets and abbreviations (GMT+1, EST) are valid for Intl but not the Area/City names Braze takes;
      // newer ICU even resolves "EST" to America/Panama, a zone without daylight saving time.
      const named = (/\//.test(name) && /\//.test(resolved)) || resolved === 'UTC'
      canonical = named ? ((field(IANA_NAMES, resolved) as string | undefined) ?? resolved) : null
    } catch {
      canonical = null
    }
    // Bounded: only a hostile stream sends endless distinct zones.
    if (knownZones.size < 1000) knownZones.set(zone, canonical)
  }
  return canonical ?? undefined
}
