// Context versus traits: explicit traits win for language, time
// zone and country; country only as ISO-3166-1 alpha-2; context.location →
// current_location; skipContextLocale leaves the device's values to the
// Braze SDK. Whole attribute objects are compared.
import { planFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const identify = (traits: Record<string, unknown>, context: Record<string, unknown> = {}) => ({
  type: 'identify',
  userId: 'u1',
  traits,
  context,
  timestamp: T
})

function attributesOf(event: unknown, overrides: Record<string, unknown> = {}) {
  const result = planFor(event, overrides)
  expect(result.attributes).toHaveLength(1)
  return { attributes: result.attributes[0]!, warnings: result.warnings }
}

/** What Segment's mobile and web libraries put into context (spec-common-fields). */
const DEVICE = {
  locale: 'en-US',
  timezone: 'America/New_York',
  location: { city: 'San Francisco', country: 'United States', latitude: 40.2964197, longitude: -76.9411617 }
}
/** The same without coordinates, so that only language, time zone and country are at stake. */
const LOCALE = { locale: 'en-US', timezone: 'America/New_York', location: { country: 'United States' } }

describe('explicit traits beat context', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    ['context only', {}, LOCALE, { language: 'en', time_zone: 'America/New_York', country: 'US' }],
    [
      'traits.language "fr" over context.locale en-US',
      { language: 'fr' },
      LOCALE,
      { language: 'fr', time_zone: 'America/New_York', country: 'US' }
    ],
    ['traits.language as a locale', { language: 'pt-BR' }, LOCALE, { language: 'pt', time_zone: 'America/New_York', country: 'US' }],
    [
      'traits.timezone over context.timezone',
      { timezone: 'Europe/Paris' },
      LOCALE,
      { language: 'en', time_zone: 'Europe/Paris', country: 'US' }
    ],
    ['traits.time_zone too', { time_zone: 'europe/paris' }, LOCALE, { language: 'en', time_zone: 'Europe/Paris', country: 'US' }],
    [
      'traits.address.country over context.location.country',
      { address: { country: 'France' } },
      LOCALE,
      { language: 'en', time_zone: 'America/New_York', country: 'FR' }
    ],
    [
      'traits.country over context.location.country',
      { country: 'DEU' },
      LOCALE,
      { language: 'en', time_zone: 'America/New_York', country: 'DE' }
    ],
    ['address.country before traits.country', { address: { country: 'NL' }, country: 'BE' }, {}, { country: 'NL' }],
    [
      'a null trait unsets the attribute, whatever the context says',
      { language: null, country: null, timezone: null },
      LOCALE,
      { language: null, time_zone: null, country: null }
    ]
  ])('%s', (_name, traits, context, expected) => {
    const { attributes, warnings } = attributesOf(identify(traits, context))
    expect(attributes).toEqual({ external_id: 'u1', ...expected })
    expect(warnings).toEqual([])
  })

  test('an explicit trait Braze cannot take is dropped with a warning, and context fills in', () => {
    const { attributes, warnings } = attributesOf(
      identify(
        { language: 'French', timezone: 'Paris time', country: 'Narnia' },
        { locale: 'fr-FR', timezone: 'Europe/Paris', location: { country: 'FR' } }
      )
    )
    expect(attributes).toEqual({ external_id: 'u1', language: 'fr', time_zone: 'Europe/Paris', country: 'FR' })
    expect(warnings).toEqual([
      'trait "country" was dropped: Braze takes an ISO-3166-1 country code or an English country name.',
      'trait "language" was dropped: Braze takes one of the language codes it supports (ISO-639-1, and a few of three letters).',
      'trait "timezone" was dropped: Braze takes an IANA time zone (or a Rails time zone name).'
    ])
  })
})

describe('country: ISO-3166-1 alpha-2 only ("if the input doesn\'t match … the country value is set to NULL")', () => {
  test.each<[unknown, string]>([
    ['US', 'US'],
    ['gb', 'GB'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United States of America', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['deu', 'DE'],
    ['the Netherlands', 'NL'],
    ["Côte d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Korea, Republic of', 'KR'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['  Australia ', 'AU']
  ])('%j → %s', (country, expected) => {
    expect(attributesOf(identify({ address: { country } })).attributes.country).toBe(expected)
  })

  test.each<unknown>(['Narnia', 'XX', 'EU', 'Korea', 42, { code: 'US' }])('%j is dropped with a warning', (country) => {
    const { attributes, warnings } = attributesOf(identify({ address: { country } }))
    expect(attributes).toEqual({ external_id: 'u1' })
    expect(warnings).toEqual(['trait "address.country" was dropped: Braze takes an ISO-3166-1 country code or an English country name.'])
  })
})

describe('context.location → current_location', () => {
  test("latitude and longitude from Segment's common-fields example", () => {
    const { attributes } = attributesOf(identify({}, { location: DEVICE.location }))
    expect(attributes).toEqual({ external_id: 'u1', country: 'US', current_location: { latitude: 40.2964197, longitude: -76.9411617 } })
  })

  test.each<[string, Record<string, unknown>]>([
    ['text coordinates', { latitude: '40.1', longitude: '-76.9' }],
    ['a latitude out of range', { latitude: 91, longitude: 0 }],
    ['only a latitude', { latitude: 40 }]
  ])('%s: not sent, with a warning', (_name, location) => {
    const { attributes, warnings } = attributesOf(identify({}, { location }))
    expect(attributes).toEqual({ external_id: 'u1' })
    expect(warnings).toEqual([expect.stringMatching(/^context\.location was not sent as current_location/)])
  })

  test('a location without coordinates sets nothing but its country', () => {
    expect(attributesOf(identify({}, { location: { city: 'Paris', country: 'France' } })).attributes).toEqual({
      external_id: 'u1',
      country: 'FR'
    })
  })
})

describe("language: the codes Braze's table lists, two letters or three", () => {
  test.each<[string, string | undefined]>([
    ['fr', 'fr'],
    ['FR-ca', 'fr'],
    ['pt_BR', 'pt'],
    ['fil-PH', 'fil'],
    ['gsw', 'gsw'],
    ['haw', 'haw'],
    ['zh-Hant-TW', 'zh'],
    // Braze lists Norwegian as nb; older codes of Hebrew and Indonesian.
    ['no-NO', 'nb'],
    ['iw', 'he'],
    ['in-ID', 'id'],
    ['xx', undefined],
    ['zz-ZZ', undefined],
    ['French', undefined],
    ['', undefined]
  ])('%j → %j', (language, expected) => {
    const { attributes } = attributesOf(identify({ language }))
    expect(attributes.language).toBe(expected)
  })
})

describe('skipContextLocale: the Braze SDK keeps capturing language, time zone and country', () => {
  test('nothing from context; explicit traits and the location still go', () => {
    const { attributes } = attributesOf(identify({ language: 'de' }, DEVICE), { skipContextLocale: true })
    expect(attributes).toEqual({ external_id: 'u1', language: 'de', current_location: { latitude: 40.2964197, longitude: -76.9411617 } })
  })

  test('a track never sends attributes from context either way', () => {
    expect(planFor({ type: 'track', userId: 'u1', event: 'Signed Up', context: DEVICE, timestamp: T }).attributes).toEqual([])
  })
})
