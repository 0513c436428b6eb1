// time_zone: every zone this runtime knows comes out under the name the IANA
// Time Zone Database gives it today, which Braze takes
// (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
import { ianaTimeZone } from '../src/destination/time-zones'

// The current names of zones Node 20's ICU still calls by a former one (CLDR's stable ids).
const RENAMED = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei'
]

test.each(RENAMED)('%s is sent as IANA names it, not as ICU returns it', (zone) => {
  expect(ianaTimeZone(zone)).toBe(zone)
  expect(ianaTimeZone(zone.toLowerCase())).toBe(zone)
})

test('every zone the runtime lists comes out as a name Intl accepts for the same zone, never a former one', () => {
  const resolved = (name: string) => new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  // What this runtime's ICU calls those zones, where that is not their current name (none on a runtime that follows IANA).
  const former = new Set(RENAMED.map(resolved).filter((name) => !RENAMED.includes(name)))
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const sent = ianaTimeZone(zone)
    expect(sent).toBeDefined()
    expect(resolved(sent!)).toBe(resolved(zone))
    expect(former.has(sent!)).toBe(false)
  }
})
