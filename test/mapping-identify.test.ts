// identify → one Braze attributes object (README, "What each Segment call becomes in Braze"): standard attributes,
// custom attributes, identifiers and updateExistingOnly. Whole objects are
// compared, so nothing extra (a stray custom attribute, a second identifier)
// can slip through.
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import { plan, planFor, problemFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const EPOCH = Date.parse(T)
const LABEL = 'segment_anonymous_id'

function identify(traits: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'identify', userId: 'u1', traits, timestamp: T, ...extra }
}

/** The single attributes object of an identify, and the plan's warnings. */
function attributesOf(event: unknown, overrides: Record<string, unknown> = {}) {
  const result = planFor(event, overrides)
  expect(result.attributes).toHaveLength(1)
  expect(result.events).toEqual([])
  expect(result.purchases).toEqual([])
  return { attributes: result.attributes[0]!, warnings: result.warnings }
}

describe('the whole plan of an identify', () => {
  test('spec traits become standard attributes, the rest custom attributes, in one object', () => {
    const event = identify({ firstName: 'Peter', lastName: 'Gibbons', email: 'peter@example.com', plan: 'premium', logins: 5 })
    expect(planFor(event)).toEqual(
      plan({
        attributes: [
          { external_id: 'u1', first_name: 'Peter', last_name: 'Gibbons', email: 'peter@example.com', plan: 'premium', logins: 5 }
        ],
        merges: [
          {
            identifier_to_merge: { email: 'peter@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
            identifier_to_keep: { external_id: 'u1' }
          }
        ],
        epoch: EPOCH
      })
    )
  })

  test('no traits at all: the identifier alone', () => {
    expect(planFor({ type: 'identify', userId: 'u1' })).toEqual(plan({ attributes: [{ external_id: 'u1' }] }))
  })

  test.each([
    ['an array', [1, 2]],
    ['a string', 'plan=premium'],
    ['null', null]
  ])('traits that are %s count as none', (_name, traits) => {
    expect(attributesOf(identify(traits)).attributes).toEqual({ external_id: 'u1' })
  })
})

describe('standard attributes', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>?]>([
    ['firstName/lastName', { firstName: 'Ann', lastName: 'Lee' }, { first_name: 'Ann', last_name: 'Lee' }],
    ['first_name/last_name', { first_name: 'Ann', last_name: 'Lee' }, { first_name: 'Ann', last_name: 'Lee' }],
    ['mixed spellings', { firstName: 'Ann', last_name: 'Lee' }, { first_name: 'Ann', last_name: 'Lee' }],
    ['camelCase wins over snake_case', { firstName: 'Ann', first_name: 'Anna' }, { first_name: 'Ann' }],
    ['name split when both are missing', { name: 'Peter Gibbons' }, { first_name: 'Peter', last_name: 'Gibbons' }],
    ['name split: the rest is the last name', { name: '  Mary Ann   van Dyke ' }, { first_name: 'Mary', last_name: 'Ann van Dyke' }],
    ['a one-word name is a first name', { name: 'Cher' }, { first_name: 'Cher' }],
    ['name is not used when it does not start with the first name', { firstName: 'Ann', name: 'Peter Gibbons' }, { first_name: 'Ann' }],
    ['name is not used when it does not end with the last name', { last_name: 'Lee', name: 'Peter Gibbons' }, { last_name: 'Lee' }],
    [
      'the last name is what follows the first name',
      { firstName: 'Augusta Ada', name: 'Augusta Ada King' },
      { first_name: 'Augusta Ada', last_name: 'King' }
    ],
    [
      'the first name is what comes before the last name',
      { lastName: 'Lovelace', name: 'Ada  Lovelace' },
      { first_name: 'Ada', last_name: 'Lovelace' }
    ],
    ['a blank first name yields to the name', { firstName: '', name: 'Ada Lovelace' }, { first_name: 'Ada', last_name: 'Lovelace' }],
    [
      'a blank last name yields to the name',
      { firstName: 'Ada', lastName: ' ', name: 'Ada Lovelace' },
      { first_name: 'Ada', last_name: 'Lovelace' }
    ],
    ['a blank first name with no name is sent as given', { firstName: '' }, { first_name: '' }],
    [
      'a blank first name yields to the other spelling first',
      { firstName: '', first_name: 'Ada', name: 'Bob Smith' },
      { first_name: 'Ada' }
    ],
    ['a numeric first name is compared as text', { firstName: 7, name: '7 Lovelace' }, { first_name: '7', last_name: 'Lovelace' }],
    ['a numeric first name the name does not start with', { firstName: 7, name: 'Ada Lovelace' }, { first_name: '7' }],
    ['a null first name is a value: name fills nothing', { firstName: null, name: 'Mary Ann van Dyke' }, { first_name: null }],
    ['a blank name gives nothing', { name: '   ' }, {}],
    ['null unsets the first name', { firstName: null }, { first_name: null }],
    ['an explicit null firstName is not replaced by first_name', { firstName: null, first_name: 'Ann' }, { first_name: null }],
    ['null unsets the last name', { last_name: null }, { last_name: null }],
    ['a numeric name is text', { firstName: 42 }, { first_name: '42' }],
    ['email', { email: 'ann@example.com' }, { email: 'ann@example.com' }],
    ['phone', { phone: '+15551234567' }, { phone: '+15551234567' }],
    ['null unsets email', { email: null }, { email: null }],
    ['a null address unsets its city and country', { address: null }, { home_city: null, country: null }],
    [
      'a null address yields to traits named home_city and country',
      { address: null, home_city: 'Paris', country: 'FR' },
      { home_city: 'Paris', country: 'FR' }
    ],
    [
      'address.city and address.country',
      { address: { street: '6th St', city: 'San Francisco', state: 'CA', postalCode: '94103', country: 'USA' } },
      { home_city: 'San Francisco', country: 'US' }
    ],
    ['address without city', { address: { country: 'NL' } }, { country: 'NL' }],
    ['avatar → image_url', { avatar: 'https://example.com/a.png' }, { image_url: 'https://example.com/a.png' }],
    [
      'avatar of exactly 1024 characters',
      { avatar: `https://example.com/${'a'.repeat(1004)}` },
      { image_url: `https://example.com/${'a'.repeat(1004)}` }
    ],
    ['null unsets the avatar', { avatar: null }, { image_url: null }],
    ['email_subscribe opted_in', { email_subscribe: 'opted_in' }, { email_subscribe: 'opted_in' }],
    ['email_subscribe subscribed', { email_subscribe: 'subscribed' }, { email_subscribe: 'subscribed' }],
    ['email_subscribe unsubscribed', { email_subscribe: 'unsubscribed' }, { email_subscribe: 'unsubscribed' }],
    ['push_subscribe opted_in', { push_subscribe: 'opted_in' }, { push_subscribe: 'opted_in' }],
    [
      'subscription_groups',
      {
        subscription_groups: [
          { subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed', extra: 1 },
          { subscription_group_id: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', subscription_state: 'unsubscribed' }
        ]
      },
      {
        subscription_groups: [
          { subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed' },
          { subscription_group_id: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', subscription_state: 'unsubscribed' }
        ]
      }
    ],
    ['context.timezone (IANA)', {}, { time_zone: 'Europe/Amsterdam' }, { context: { timezone: 'Europe/Amsterdam' } }],
    ['context.timezone UTC', {}, { time_zone: 'UTC' }, { context: { timezone: 'UTC' } }],
    // Braze's own example of a time_zone (https://www.braze.com/docs/api/objects_filters/user_attributes_object/): a Rails name.
    ['a Rails time zone name → its IANA zone', { time_zone: 'Eastern Time (US & Canada)' }, { time_zone: 'America/New_York' }],
    ['a Rails city name → its IANA zone', { timezone: 'Paris' }, { time_zone: 'Europe/Paris' }],
    // Node 20's ICU keeps CLDR's older ids (Asia/Calcutta): IANA's current name is sent.
    ['a zone IANA renamed keeps its current name', { timezone: 'Asia/Kolkata' }, { time_zone: 'Asia/Kolkata' }],
    ['a zone by its former name → its current one', { timezone: 'europe/kiev' }, { time_zone: 'Europe/Kyiv' }],
    ['a Rails name of such a zone', { timezone: 'Mumbai' }, { time_zone: 'Asia/Kolkata' }],
    ['context.locale en-US → en', {}, { language: 'en' }, { context: { locale: 'en-US' } }],
    ['context.locale nl-NL → nl', {}, { language: 'nl' }, { context: { locale: 'nl-NL' } }],
    ['context.locale fr_FR → fr', {}, { language: 'fr' }, { context: { locale: 'fr_FR' } }],
    ['context.locale DE → de', {}, { language: 'de' }, { context: { locale: 'DE' } }]
    // A rest parameter: jest would take a 4th declared parameter missing from a row for `done`.
  ])('%s', (...[, traits, expected, extra]) => {
    const { attributes, warnings } = attributesOf(identify(traits, extra))
    expect(attributes).toEqual({ external_id: 'u1', ...expected })
    expect(warnings).toEqual([])
  })

  test('a subscription group whose id is no UUID is left out alone, with a warning: Braze would refuse the whole object', () => {
    // "subscription_group_id must be a valid subscription group UUID" (BAD_SUBSCRIPTION_GROUP_ID,
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
    const groups = [
      { subscription_group_id: 'newsletter', subscription_state: 'subscribed' },
      { subscription_group_id: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', subscription_state: 'unsubscribed' }
    ]
    const { attributes, warnings } = attributesOf(identify({ first_name: 'Ann', subscription_groups: groups }))
    expect(attributes).toEqual({ external_id: 'u1', first_name: 'Ann', subscription_groups: [groups[1]] })
    expect(warnings).toEqual([
      'trait "subscription_groups": 1 of its 2 groups were dropped: Braze takes [{subscription_group_id: the group\'s UUID, subscription_state: "subscribed"|"unsubscribed"}].'
    ])
  })

  test('a warning names the trait the value came from', () => {
    const long = 'x'.repeat(300)
    expect(attributesOf(identify({ name: `${long} Lee` })).warnings).toEqual([
      'trait "name" (as first_name) was cut to 255 characters (Braze\'s limit for strings).'
    ])
    expect(attributesOf(identify({ first_name: long })).warnings).toEqual([
      'trait "first_name" was cut to 255 characters (Braze\'s limit for strings).'
    ])
    expect(attributesOf(identify({ firstName: 7, lastName: [long] })).warnings).toEqual(['trait "lastName" was dropped: expected text.'])
  })

  test('a name that is not text is not split, with a warning', () => {
    const { attributes, warnings } = attributesOf(identify({ name: { first: 'Ada' } }))
    expect(attributes).toEqual({ external_id: 'u1' })
    expect(warnings).toEqual(['trait "name" was dropped: expected text.'])
  })

  test.each<[string, Record<string, unknown>, RegExp, Record<string, unknown>?]>([
    ['an avatar over 1024 characters', { avatar: `https://example.com/${'a'.repeat(1005)}` }, /avatar.*dropped.*1024/],
    ['an avatar that is not text', { avatar: 42 }, /avatar.*dropped/],
    // Segment's spec makes address an object (https://segment.com/docs/connections/spec/identify/#traits).
    [
      'an address that is not an object',
      { address: '6th St, San Francisco' },
      /trait "address" was dropped: Segment's spec makes it an object/
    ],
    ['an unknown email_subscribe state', { email_subscribe: 'yes' }, /email_subscribe.*dropped.*opted_in, subscribed or unsubscribed/],
    ['an upper-case push_subscribe state', { push_subscribe: 'SUBSCRIBED' }, /push_subscribe.*dropped/],
    [
      'subscription_groups with a bad state',
      { subscription_groups: [{ subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'opted_in' }] },
      /subscription_groups.*dropped/
    ],
    ['subscription_groups without an id', { subscription_groups: [{ subscription_state: 'subscribed' }] }, /subscription_groups.*dropped/],
    [
      "subscription_groups whose only id is a name, not the group's UUID",
      { subscription_groups: [{ subscription_group_id: 'newsletter', subscription_state: 'subscribed' }] },
      /subscription_groups" was dropped: Braze takes \[\{subscription_group_id: the group's UUID/
    ],
    [
      'subscription_groups that is not a list',
      { subscription_groups: { subscription_group_id: '3f1d3f3e-9a47-4c5e-8f0a-1b2c3d4e5f60', subscription_state: 'subscribed' } },
      /subscription_groups.*dropped/
    ],
    ['an empty subscription_groups list', { subscription_groups: [] }, /subscription_groups.*dropped/],
    ['a first name that is not text', { firstName: { given: 'Ann' } }, /firstName.*dropped.*text/],
    ['an email that is not text', { email: ['a@example.com'] }, /traits\.email was ignored: not text/],
    [
      'context.locale that is no language',
      {},
      /context\.locale was dropped: Braze takes one of the language codes it supports/,
      { context: { locale: 'english' } }
    ],
    ['a time zone that does not exist', {}, /context\.timezone.*dropped.*IANA/, { context: { timezone: 'Mars/Olympus_Mons' } }],
    ['a time zone abbreviation', {}, /context\.timezone.*dropped/, { context: { timezone: 'CEST' } }],
    // ICU resolves EST and MST to zones without daylight saving time (America/Panama, America/Phoenix).
    ['"EST", which ICU would make America/Panama', {}, /context\.timezone.*dropped/, { context: { timezone: 'EST' } }],
    ['"MST"', {}, /context\.timezone.*dropped/, { context: { timezone: 'MST' } }],
    ['a UTC offset instead of a zone', {}, /context\.timezone.*dropped/, { context: { timezone: '+02:00' } }]
  ])('%s is dropped with a warning', (...[, traits, warning, extra]) => {
    const { attributes, warnings } = attributesOf(identify(traits, extra))
    expect(attributes).toEqual({ external_id: 'u1' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(warning)
  })

  test('a first name over 255 characters is cut with a warning', () => {
    const { attributes, warnings } = attributesOf(identify({ firstName: 'A'.repeat(300) }))
    expect(attributes).toEqual({ external_id: 'u1', first_name: 'A'.repeat(255) })
    expect(warnings).toEqual([expect.stringMatching(/firstName.*cut to 255/)])
  })
})

describe('gender', () => {
  test.each([
    ['male', 'M'],
    ['Male', 'M'],
    ['m', 'M'],
    ['M', 'M'],
    ['man', 'M'],
    [' MAN ', 'M'],
    ['female', 'F'],
    ['FEMALE', 'F'],
    ['f', 'F'],
    ['woman', 'F'],
    ['other', 'O'],
    ['non-binary', 'O'],
    ['Non-Binary', 'O'],
    ['o', 'O'],
    ['not applicable', 'N'],
    ['Not Applicable', 'N'],
    ['n', 'N'],
    ['prefer not to say', 'P'],
    ['Prefer not to say', 'P'],
    ['p', 'P']
  ])('%j → %s', (spelling, code) => {
    const { attributes, warnings } = attributesOf(identify({ gender: spelling }))
    expect(attributes).toEqual({ external_id: 'u1', gender: code })
    expect(warnings).toEqual([])
  })

  test.each<[string, unknown]>([
    ['an unknown word', 'unknown'],
    ['an empty string', ''],
    ['a number', 1],
    ['a boolean', true],
    ['an object', { value: 'male' }],
    ['"constructor" (an Object.prototype member)', 'constructor'],
    ['"toString"', 'toString'],
    ['"__proto__"', '__proto__'],
    ['"hasOwnProperty"', 'hasOwnProperty']
  ])('%s is dropped with a warning, never sent as null', (_name, gender) => {
    const { attributes, warnings } = attributesOf(identify({ gender }))
    expect(attributes).toEqual({ external_id: 'u1' })
    expect(attributes).not.toHaveProperty('gender')
    expect(warnings).toEqual([expect.stringMatching(/gender.*dropped/)])
  })

  test('an explicit null gender unsets it', () => {
    expect(attributesOf(identify({ gender: null }))).toEqual({ attributes: { external_id: 'u1', gender: null }, warnings: [] })
  })
})

describe('birthday → dob (YYYY-MM-DD)', () => {
  test.each<[string, unknown, string]>([
    ['YYYY-MM-DD', '1990-05-12', '1990-05-12'],
    ['ISO datetime in UTC', '1990-05-12T00:00:00.000Z', '1990-05-12'],
    ['ISO datetime late in the day west of UTC: the date as written', '1990-05-12T23:30:00-05:00', '1990-05-12'],
    ['ISO datetime early in the day east of UTC: the date as written', '1990-05-12T00:30:00+09:00', '1990-05-12'],
    ['a Date object', new Date('1990-05-12T00:00:00.000Z'), '1990-05-12'],
    ['epoch seconds', Date.UTC(1990, 4, 12) / 1000, '1990-05-12'],
    ['epoch milliseconds', Date.UTC(1990, 4, 12), '1990-05-12'],
    ['epoch seconds before 1970', Date.UTC(1960, 0, 31) / 1000, '1960-01-31'],
    // Under 1e11, yet milliseconds: read as seconds these would be dates of 2421 and 4948.
    ['epoch milliseconds of 1970', Date.UTC(1970, 5, 15), '1970-06-15'],
    ['epoch milliseconds of 1972', Date.UTC(1972, 11, 24), '1972-12-24'],
    ['epoch milliseconds of 1967', Date.UTC(1967, 1, 3), '1967-02-03'],
    ['"May 12 1990"', 'May 12 1990', '1990-05-12'],
    ['"May 12, 1990"', 'May 12, 1990', '1990-05-12'],
    ['"12 May 1990"', '12 May 1990', '1990-05-12'],
    ['"1990/05/12"', '1990/05/12', '1990-05-12'],
    ['a leap day', '2000-02-29', '2000-02-29']
  ])('%s', (_name, birthday, dob) => {
    expect(attributesOf(identify({ birthday }))).toEqual({ attributes: { external_id: 'u1', dob }, warnings: [] })
  })

  test.each<[string, unknown]>([
    ['text', 'not a date'],
    ['February 30th', '1990-02-30'],
    ['month 13', '1990-13-01'],
    ['not a leap year', '1990-02-29'],
    ['an invalid Date', new Date('nope')],
    ['a boolean', true],
    ['an object', { year: 1990 }],
    ['an infinite number', Infinity],
    ['a year alone, a number (not 1,990 seconds after the epoch)', 1990],
    ['a year alone, text', '1990'],
    ['a year and month', '1990-05']
  ])('an invalid dob (%s) is dropped with a warning', (_name, birthday) => {
    expect(attributesOf(identify({ birthday }))).toEqual({
      attributes: { external_id: 'u1' },
      warnings: [expect.stringMatching(/birthday.*dropped.*not a date/)]
    })
  })

  test('null unsets dob', () => {
    expect(attributesOf(identify({ birthday: null })).attributes).toEqual({ external_id: 'u1', dob: null })
  })

  // Date strings without a zone are parsed in the machine's zone; the day must not move. jest
  // sandboxes process.env, so the zones are set in one child process (Node applies a new TZ at once).
  test('"May 12 1990" stays May 12 on machines in Asia/Tokyo, Australia/Sydney, America/Los_Angeles and Pacific/Pago_Pago', () => {
    const zones = ['Asia/Tokyo', 'Australia/Sydney', 'America/Los_Angeles', 'Pacific/Pago_Pago']
    const module = path.join(__dirname, '..', 'src', 'destination', 'standard-attributes.ts')
    const dates = ['May 12 1990', '12 May 1990', '1990/05/12', '1990-05-12', 'May 12 1990 00:00:00 GMT']
    const code = `const { toDob } = require(${JSON.stringify(module)})
      const out = {}
      for (const zone of ${JSON.stringify(zones)}) { process.env.TZ = zone; out[zone] = ${JSON.stringify(dates)}.map(toDob) }
      process.stdout.write(JSON.stringify(out))`
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' })
    expect(child.stderr).toBe('')
    expect(JSON.parse(child.stdout)).toEqual(Object.fromEntries(zones.map((zone) => [zone, dates.map(() => '1990-05-12')])))
  })
})

describe("traits already named as Braze's standard attributes are checked as the spec traits are", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>, RegExp | undefined]>([
    ['dob, a date', { dob: '1990-05-12' }, { dob: '1990-05-12' }, undefined],
    ['dob, not a date', { dob: 'garbage' }, {}, /trait "dob" was dropped: not a date/],
    ['birthday before dob', { birthday: '1990-05-12', dob: '2000-01-01' }, { dob: '1990-05-12' }, undefined],
    ['home_city', { home_city: 'Paris' }, { home_city: 'Paris' }, undefined],
    ['home_city, not text', { home_city: { name: 'Paris' } }, {}, /trait "home_city" was dropped: expected text/],
    ['address.city before home_city', { address: { city: 'Lyon' }, home_city: 'Paris' }, { home_city: 'Lyon' }, undefined],
    ['image_url', { image_url: 'https://example.com/a.png' }, { image_url: 'https://example.com/a.png' }, undefined],
    ['image_url, not a URL string', { image_url: 42 }, {}, /trait "image_url" was dropped: Braze takes an image URL/],
    // The next source is tried, as for country, language and time zone: one unusable trait does not hide a valid one.
    [
      'birthday not a date, dob a date',
      { birthday: 'n/a', dob: '1990-05-12' },
      { dob: '1990-05-12' },
      /trait "birthday" was dropped: not a date/
    ],
    [
      'avatar not text, image_url a URL',
      { avatar: 42, image_url: 'https://example.com/a.png' },
      { image_url: 'https://example.com/a.png' },
      /trait "avatar" was dropped/
    ],
    [
      'address not an object, home_city text',
      { address: 'Lyon', home_city: 'Paris' },
      { home_city: 'Paris' },
      /trait "address" was dropped/
    ],
    ['a null birthday unsets dob, whatever dob says', { birthday: null, dob: '1990-05-12' }, { dob: null }, undefined]
  ])('%s', (_name, traits, expected, warning) => {
    const { attributes, warnings } = attributesOf(identify(traits))
    expect(attributes).toEqual({ external_id: 'u1', ...expected })
    expect(warnings).toEqual(warning ? [expect.stringMatching(warning)] : [])
  })
})

describe('a standard attribute is never also a custom attribute', () => {
  test('every spec trait is consumed, valid or not', () => {
    const traits = {
      firstName: 'Ann',
      first_name: 'Anna',
      lastName: 'Lee',
      last_name: 'Leigh',
      name: 'Ann Lee',
      email: 'ann@example.com',
      phone: '+15551234567',
      gender: 'robot',
      birthday: 'never',
      address: { city: 'Utrecht', country: 'NL', street: 'Oudegracht' },
      avatar: 'https://example.com/a.png',
      email_subscribe: 'maybe',
      push_subscribe: 'subscribed',
      subscription_groups: 'all',
      braze_id: 'b-1'
    }
    const { attributes } = attributesOf(identify(traits))
    expect(attributes).toEqual({
      external_id: 'u1',
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'ann@example.com',
      phone: '+15551234567',
      home_city: 'Utrecht',
      country: 'NL',
      image_url: 'https://example.com/a.png',
      push_subscribe: 'subscribed'
    })
  })
})

describe('custom attributes', () => {
  test('keys arrive unchanged: Engage snake_case, camelCase, spaces at the top level', () => {
    const traits = {
      last_product_viewed_item: 'Monopoly',
      total_revenue_180_days: 450,
      plan: 'premium',
      loginCount: 5,
      'total billed': 830,
      vip: true,
      tags: ['a', 'b']
    }
    expect(attributesOf(identify(traits))).toEqual({ attributes: { external_id: 'u1', ...traits }, warnings: [] })
  })

  test('null unsets a custom attribute', () => {
    expect(attributesOf(identify({ plan: null })).attributes).toEqual({ external_id: 'u1', plan: null })
  })

  test('top-level ISO dates stay ISO strings; a Date object becomes one', () => {
    const traits = { createdAt: '2015-02-23T22:28:55.111Z', signup_day: '2020-01-31', last_seen: new Date('2024-04-30T08:00:00.000Z') }
    expect(attributesOf(identify(traits))).toEqual({
      attributes: {
        external_id: 'u1',
        createdAt: '2015-02-23T22:28:55.111Z',
        signup_day: '2020-01-31',
        last_seen: '2024-04-30T08:00:00.000Z'
      },
      warnings: []
    })
  })

  test('an array edit ({"add", "remove"}) keeps its values as the array holds them: a date stays a string, not a nested {"$time"}', () => {
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/: "Adding a new value to an array custom attribute", { "add" : ["Value3"] }
    const traits = { visit_days: { add: ['2024-05-01', 'Paris'], remove: ['2024-04-01'] } }
    expect(attributesOf(identify(traits))).toEqual({ attributes: { external_id: 'u1', ...traits }, warnings: [] })
  })

  test('an increment takes a whole number ({"inc": int_value}): a numeric string is read, anything else dropped with a warning', () => {
    const { attributes, warnings } = attributesOf(
      identify({ logins: { inc: 1 }, visits: { inc: '-5' }, half: { inc: 1.5 }, word: { inc: 'x' } })
    )
    expect(attributes).toEqual({ external_id: 'u1', logins: { inc: 1 }, visits: { inc: -5 } })
    expect(warnings).toEqual([
      'trait "half" was dropped: {"inc"} takes a whole number.',
      'trait "word" was dropped: {"inc"} takes a whole number.'
    ])
  })

  test('nested objects: dates become {"$time"}, bad keys are dropped with a warning', () => {
    const traits = {
      preferences: {
        color: 'blue',
        since: '2020-01-01T00:00:00Z',
        renewed: new Date('2023-06-01T00:00:00.000Z'),
        'bad.key': 1,
        $price: 2,
        'with space': 3,
        deep: { at: '2021-02-03', n: 1 },
        history: [{ at: '2022-03-04T05:06:07Z', id: 7 }],
        // Braze documents {"$time"} for object properties only: an item of a list stays a string.
        dates: ['2024-01-01', 'x', new Date('2024-02-03T00:00:00.000Z'), { $time: '2024-03-04' }]
      }
    }
    const { attributes, warnings } = attributesOf(identify(traits))
    expect(attributes).toEqual({
      external_id: 'u1',
      preferences: {
        color: 'blue',
        since: { $time: '2020-01-01T00:00:00Z' },
        renewed: { $time: '2023-06-01T00:00:00.000Z' },
        deep: { at: { $time: '2021-02-03' }, n: 1 },
        history: [{ at: { $time: '2022-03-04T05:06:07Z' }, id: 7 }],
        dates: ['2024-01-01', 'x', '2024-02-03T00:00:00.000Z', '2024-03-04']
      }
    })
    expect(warnings).toHaveLength(3)
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"preferences"\.bad\.key was dropped/),
        expect.stringMatching(/"preferences"\.\$price was dropped/),
        expect.stringMatching(/"preferences"\.with space was dropped/)
      ])
    )
  })

  test('dates already written as Braze writes them, {"$time": …} (Braze\'s array-of-objects example), are kept', () => {
    // https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/ ("Timestamps")
    const traits = {
      pets: [{ id: 1, type: 'dog', breed: 'beagle', name: 'Gus', purchase_time: { $time: '2020-05-28' } }],
      prefs: {
        since: { $time: '2021-02-03T04:05:06Z' },
        bad: { $time: 'soon' },
        far: { $time: '3001-01-01' },
        expires: '9999-12-31',
        // The year in UTC, as Braze stores it: this is 3001-01-01T04:00Z.
        late: '3000-12-31T23:00:00-05:00'
      },
      signed_up: { $time: '2020-05-28' }
    }
    const { attributes, warnings } = attributesOf(identify(traits))
    expect(attributes).toEqual({
      external_id: 'u1',
      pets: [{ id: 1, type: 'dog', breed: 'beagle', name: 'Gus', purchase_time: { $time: '2020-05-28' } }],
      // Braze stores no nested date after the year 3000: such a date string stays a string.
      prefs: { since: { $time: '2021-02-03T04:05:06Z' }, expires: '9999-12-31', late: '3000-12-31T23:00:00-05:00' },
      signed_up: '2020-05-28'
    })
    expect(warnings).toEqual([
      expect.stringMatching(/"prefs"\.bad was dropped: \{"\$time"\} takes an ISO 8601 date of a year up to 3000/),
      expect.stringMatching(/"prefs"\.far was dropped/)
    ])
  })

  test('a day the month does not have is no date: it stays a string, and as {"$time"} is dropped (Braze would drop every nested update of the request)', () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/: "When a nested custom attribute contains
    // any invalid values (such as invalid time formats or null values), Braze drops all nested custom attribute updates".
    const { attributes, warnings } = attributesOf(
      identify({ prefs: { leap: '2024-02-29', no_leap: '2023-02-29', feb30: '2024-02-30T10:00:00Z', given: { $time: '2024-04-31' } } })
    )
    expect(attributes).toEqual({
      external_id: 'u1',
      prefs: { leap: { $time: '2024-02-29' }, no_leap: '2023-02-29', feb30: '2024-02-30T10:00:00Z' }
    })
    expect(warnings).toEqual([expect.stringMatching(/"prefs"\.given was dropped: \{"\$time"\} takes an ISO 8601 date/)])
  })

  test('a null inside a nested attribute is dropped with a warning (Braze would drop every nested update of the request); a top-level null still unsets', () => {
    const { attributes, warnings } = attributesOf(
      identify({ prefs: { color: null, size: 'M' }, pets: [{ name: null, id: 1 }, null, [null]], tags: ['a', null], plan: null })
    )
    // A list of strings is no nested attribute: its null goes as it is.
    // (An array inside a top-level array is none of Braze's: dropped too.)
    expect(attributes).toEqual({ external_id: 'u1', prefs: { size: 'M' }, pets: [{ id: 1 }], tags: ['a', null], plan: null })
    expect(warnings).toEqual([
      expect.stringMatching(/"prefs"\.color was dropped: Braze takes no null inside a nested attribute/),
      expect.stringMatching(/"pets"\.name was dropped: Braze takes no null inside a nested attribute/),
      expect.stringMatching(/"pets"\[1\] was dropped: Braze takes no null inside a nested attribute/),
      expect.stringMatching(/"pets"\[2\] was dropped: Braze's array attributes are one-dimensional/)
    ])
  })

  test('an array of objects at the top level is sent as an array of nested objects', () => {
    const traits = { orders: [{ id: 'o1', placed: '2024-01-02T03:04:05Z', 'a.b': 1 }] }
    const { attributes, warnings } = attributesOf(identify(traits))
    expect(attributes).toEqual({ external_id: 'u1', orders: [{ id: 'o1', placed: { $time: '2024-01-02T03:04:05Z' } }] })
    expect(warnings).toEqual([expect.stringMatching(/"orders"\.a\.b was dropped/)])
  })

  test('strings over 255 characters are cut with a warning, at the top level and nested', () => {
    const { attributes, warnings } = attributesOf(
      identify({ bio: 'x'.repeat(300), profile: { about: 'y'.repeat(256) }, ok: 'z'.repeat(255) })
    )
    expect(attributes).toEqual({ external_id: 'u1', bio: 'x'.repeat(255), profile: { about: 'y'.repeat(255) }, ok: 'z'.repeat(255) })
    expect(warnings).toEqual([expect.stringMatching(/"bio".*cut to 255/), expect.stringMatching(/profile.*about.*cut to 255/)])
  })

  test('a cut never leaves half of a surrogate pair', () => {
    const { attributes } = attributesOf(identify({ bio: `${'x'.repeat(254)}😀😀` }))
    expect(attributes.bio).toBe('x'.repeat(254))
  })

  test('a nested object over 100 KB is dropped with a warning', () => {
    const big = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v'.repeat(250)]))
    const { attributes, warnings } = attributesOf(identify({ big, small: { a: 1 } }))
    expect(attributes).toEqual({ external_id: 'u1', small: { a: 1 } })
    expect(warnings).toEqual([expect.stringMatching(/"big" was dropped.*100 KB/)])
  })

  test('numbers Braze cannot take are dropped with a warning', () => {
    const { attributes, warnings } = attributesOf(identify({ score: Number.NaN, ratio: Infinity, ok: 0.5 }))
    expect(attributes).toEqual({ external_id: 'u1', ok: 0.5 })
    expect(warnings).toHaveLength(2)
  })

  test('keys starting with "$" are dropped with a warning', () => {
    const { attributes, warnings } = attributesOf(identify({ $set: { plan: 'x' }, $plan: 'pro', plan$: 'ok' }))
    expect(attributes).toEqual({ external_id: 'u1', plan$: 'ok' })
    expect(warnings).toEqual([expect.stringMatching(/"\$set".*dropped.*"\$"/), expect.stringMatching(/"\$plan".*dropped/)])
  })

  test('keys of the Braze object itself (external_id, user_alias, _update_existing_only) are never traits', () => {
    const traits = {
      external_id: 'someone-else',
      user_alias: { alias_name: 'a', alias_label: 'b' },
      _update_existing_only: false,
      plan: 'pro'
    }
    const { attributes, warnings } = attributesOf(identify(traits), { updateExistingOnly: true })
    expect(attributes).toEqual({ external_id: 'u1', _update_existing_only: true, plan: 'pro' })
    expect(warnings).toHaveLength(3)
    for (const warning of warnings) expect(warning).toMatch(/a key of the Braze user object/)
  })

  test("Braze's profile fields a trait can set: session and spam dates in ISO 8601, the email tracking switches, current_location", () => {
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/, "Braze user profile fields".
    const traits = {
      date_of_first_session: '2024-01-01T10:00:00Z',
      date_of_last_session: '2024-03-04',
      marked_email_as_spam_at: null,
      email_open_tracking_disabled: true,
      email_click_tracking_disabled: 'false',
      current_location: { latitude: 48.85, longitude: 2.35 }
    }
    const { attributes, warnings } = attributesOf(identify(traits, { context: { location: { latitude: 1, longitude: 2 } } }))
    expect(attributes).toEqual({ external_id: 'u1', ...traits, email_click_tracking_disabled: false })
    expect(warnings).toEqual([])
    expect(attributesOf(identify({ current_location: null })).attributes).toEqual({ external_id: 'u1', current_location: null })
  })

  test('those fields with values Braze would not take are dropped with a warning; a bad current_location yields to context.location', () => {
    const traits = {
      date_of_first_session: 'yesterday',
      email_open_tracking_disabled: 'yes',
      current_location: 'Paris'
    }
    const { attributes, warnings } = attributesOf(identify(traits, { context: { location: { latitude: 1, longitude: 2 } } }))
    expect(attributes).toEqual({ external_id: 'u1', current_location: { latitude: 1, longitude: 2 } })
    expect(warnings).toEqual([
      'trait "current_location" was dropped: Braze takes a numeric latitude (-90 to 90) and longitude (-180 to 180).',
      'trait "date_of_first_session" was dropped: Braze takes an ISO 8601 date.',
      'trait "email_open_tracking_disabled" was dropped: Braze takes true or false.'
    ])
  })

  test("traits named as Braze's profile fields of a format this function does not build are dropped with a warning, not sent as custom attributes", () => {
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/: Braze reads these names as those fields.
    const traits = { twitter: '@pat', facebook: 'pat.fb', push_tokens: 'abc', push_token_import: true, plan: 'pro' }
    const { attributes, warnings } = attributesOf(identify(traits))
    expect(attributes).toEqual({ external_id: 'u1', plan: 'pro' })
    expect(warnings).toEqual(
      Object.keys(traits)
        .filter((key) => key !== 'plan')
        .map((key) => `trait "${key}" was dropped: a Braze profile field with a format of its own, which this function does not set.`)
    )
  })

  test('a trait named email_subscription_info is dropped: Braze refuses the whole object over it', () => {
    // "INVALID_ATTRIBUTE_EMAIL_SUBSCRIPTION_INFO: email_subscription_info is not a valid attribute"
    // (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
    const { attributes, warnings } = attributesOf(identify({ email_subscription_info: 'opted_in', plan: 'pro' }))
    expect(attributes).toEqual({ external_id: 'u1', plan: 'pro' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^trait "email_subscription_info" was dropped/)
  })

  test('an array attribute is one-dimensional: an array inside it is dropped with a warning, in a whole array and in add/remove', () => {
    // "Custom attribute arrays are one-dimensional sets; multi-dimensional arrays are not supported"
    // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
    const whole = attributesOf(identify({ tags: [['a', 'b'], 'c'], plan: 'pro' }))
    expect(whole.attributes).toEqual({ external_id: 'u1', tags: ['c'], plan: 'pro' })
    expect(whole.warnings).toEqual([
      'trait "tags"[0] was dropped: Braze\'s array attributes are one-dimensional (no array inside an array).'
    ])
    const edit = attributesOf(identify({ tags: { add: ['x', ['y']] } }))
    expect(edit.attributes).toEqual({ external_id: 'u1', tags: { add: ['x'] } })
    // Inside an object, arrays of arrays are Braze's nested attributes: kept.
    expect(attributesOf(identify({ pet: { nicknames: [['a']] } })).attributes).toEqual({ external_id: 'u1', pet: { nicknames: [['a']] } })
  })

  test('__proto__, constructor and prototype keys are dropped, and nothing is polluted', () => {
    const event = JSON.parse(
      '{"type":"identify","userId":"u1","traits":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},' +
        '"prototype":{"polluted":"yes"},"nested":{"__proto__":{"polluted":"yes"},"ok":1},"plan":"pro"}}'
    )
    expect(Object.keys(event.traits)).toContain('__proto__') // an own key, as Segment's JSON would give
    const { attributes, warnings } = attributesOf(event)
    expect(attributes).toEqual({ external_id: 'u1', nested: { ok: 1 }, plan: 'pro' })
    expect(Object.keys(attributes)).not.toContain('__proto__')
    expect(Object.keys(attributes.nested as object)).toEqual(['ok'])
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype)
    expect(warnings).toHaveLength(4)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('identifiers (one per object, first that exists)', () => {
  const anon = '507f191e810c19729de860ea'

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['userId → external_id', { userId: 'u1' }, { external_id: 'u1' }],
    ['a numeric userId is text', { userId: 42 }, { external_id: '42' }],
    ['integrations.Braze.braze_id', { integrations: { Braze: { braze_id: 'b-1' } } }, { braze_id: 'b-1' }],
    ['integrations.Appboy.braze_id', { integrations: { Appboy: { braze_id: 'b-2' } } }, { braze_id: 'b-2' }],
    // https://segment.com/docs/connections/destinations/catalog/braze/ ("Engage"): where Engage looks for it.
    ['context.integrations.Braze.braze_id', { context: { integrations: { Braze: { braze_id: 'b-6' } } } }, { braze_id: 'b-6' }],
    ['context.integrations.Appboy.braze_id', { context: { integrations: { Appboy: { braze_id: 'b-7' } } } }, { braze_id: 'b-7' }],
    ['context.traits.braze_id', { context: { traits: { braze_id: 'b-3' } } }, { braze_id: 'b-3' }],
    ['traits.braze_id (not also a custom attribute)', { traits: { braze_id: 'b-4' } }, { braze_id: 'b-4' }],
    ['properties.braze_id', { properties: { braze_id: 'b-5' } }, { braze_id: 'b-5' }],
    ['traits.email', { traits: { email: 'a@example.com' } }, { email: 'a@example.com' }],
    ['context.traits.email', { context: { traits: { email: 'c@example.com' } } }, { email: 'c@example.com' }],
    ['traits.phone', { traits: { phone: '+15550001' } }, { phone: '+15550001' }],
    ['context.traits.phone', { context: { traits: { phone: '+15550002' } } }, { phone: '+15550002' }]
  ])('%s', (_name, fields, expected) => {
    const { attributes } = attributesOf({ type: 'identify', ...fields })
    expect(attributes).toEqual(expected)
  })

  test('precedence: userId, then braze_id (in its order of places), then the anonymous alias, then email, then phone', () => {
    const settings = { anonymousAliasLabel: LABEL }
    const contact = { traits: { braze_id: 'b-4', email: 'a@example.com', phone: '+15550000001' } }
    const full = {
      type: 'identify',
      userId: 'u1',
      anonymousId: anon,
      integrations: { Braze: { braze_id: 'b-1' }, Appboy: { braze_id: 'b-2' } },
      context: { traits: { braze_id: 'b-3', email: 'c@example.com', phone: '+15550000002' } },
      ...contact
    }
    // traits.email / traits.phone are also the email and phone standard attributes.
    const attributes = { email: 'a@example.com', phone: '+15550000001' }
    expect(attributesOf(full, settings).attributes).toEqual({ external_id: 'u1', ...attributes })
    expect(attributesOf({ ...full, userId: undefined }, settings).attributes).toEqual({ braze_id: 'b-1', ...attributes })
    expect(attributesOf({ ...full, userId: undefined, integrations: { Appboy: { braze_id: 'b-2' } } }, settings).attributes).toEqual({
      braze_id: 'b-2',
      ...attributes
    })
    expect(attributesOf({ ...full, userId: undefined, integrations: {} }, settings).attributes).toEqual({ braze_id: 'b-3', ...attributes })
    const withoutContextBrazeId = {
      ...full,
      userId: undefined,
      integrations: {},
      context: { traits: { email: 'c@example.com', phone: '+15550000002' } }
    }
    expect(attributesOf(withoutContextBrazeId, settings).attributes).toEqual({ braze_id: 'b-4', ...attributes })
    const noBrazeId = { ...withoutContextBrazeId, traits: { email: 'a@example.com', phone: '+15550000001' } }
    const alias = { user_alias: { alias_name: anon, alias_label: LABEL }, _update_existing_only: false }
    expect(attributesOf(noBrazeId, settings).attributes).toEqual({ ...alias, email: 'a@example.com', phone: '+15550000001' })
    expect(attributesOf({ ...noBrazeId, traits: {}, context: {} }, settings).attributes).toEqual(alias)
    const noAlias = { ...noBrazeId, anonymousId: undefined }
    expect(attributesOf(noAlias, settings).attributes).toEqual({ email: 'a@example.com', phone: '+15550000001' })
    expect(attributesOf({ ...noAlias, traits: {} }, settings).attributes).toEqual({ email: 'c@example.com' })
    expect(attributesOf({ ...noAlias, traits: { phone: '+15550000001' } }, settings).attributes).toEqual({
      email: 'c@example.com',
      phone: '+15550000001'
    })
    expect(attributesOf({ ...noAlias, traits: {}, context: { traits: { phone: '+15550000002' } } }, settings).attributes).toEqual({
      phone: '+15550000002'
    })
    expect(attributesOf(noBrazeId, {}).attributes).toEqual({ email: 'a@example.com', phone: '+15550000001' })
  })

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a blank userId', { userId: '   ', traits: { email: 'a@example.com' } }, { email: 'a@example.com' }],
    ['an empty userId', { userId: '', traits: { phone: '+15550000001' } }, { phone: '+15550000001' }],
    ['a null userId', { userId: null, traits: { email: 'a@example.com' } }, { email: 'a@example.com' }],
    ['an object userId', { userId: { id: 'u1' }, traits: { email: 'a@example.com' } }, { email: 'a@example.com' }],
    ['a blank braze_id', { integrations: { Braze: { braze_id: ' ' } }, context: { traits: { braze_id: 'b-3' } } }, { braze_id: 'b-3' }],
    ['a blank traits.email', { traits: { email: '  ' }, context: { traits: { email: 'c@example.com' } } }, { email: 'c@example.com' }]
  ])('%s is skipped', (_name, fields, expected) => {
    expect(attributesOf({ type: 'identify', ...fields }).attributes).toEqual(expected)
  })

  test('a blank email next to a phone identifier is not sent: it is no address', () => {
    const { attributes } = attributesOf({ type: 'identify', traits: { email: '  ', phone: '+15550000001' } })
    expect(attributes).toEqual({ phone: '+15550000001' })
  })

  test('a null email next to a phone identifier is dropped with a warning: Braze would identify by it', () => {
    const { attributes, warnings } = attributesOf({ type: 'identify', traits: { email: null, phone: '+15550000001' } })
    expect(attributes).toEqual({ phone: '+15550000001' })
    expect(warnings).toEqual([expect.stringMatching(/"email" was dropped/)])
  })

  test('blank email and phone traits are never sent over real ones', () => {
    const { attributes } = attributesOf({ type: 'identify', userId: 'u1', traits: { email: ' ', phone: '', plan: 'pro' } })
    expect(attributes).toEqual({ external_id: 'u1', plan: 'pro' })
  })

  test('the email trait never replaces the email that identifies the user', () => {
    const event = { type: 'identify', context: { traits: { email: 'c@example.com' } }, traits: { email: null, plan: 'pro' } }
    expect(attributesOf(event).attributes).toEqual({ email: 'c@example.com', plan: 'pro' })
  })

  test('anonymousId without anonymousAliasLabel: ValidationError that says how to send anonymous users', () => {
    const result = problemFor({ type: 'identify', anonymousId: anon, traits: { plan: 'pro' } })
    expect(result.kind).toBe('ValidationError')
    expect(result.message).toMatch(/only an anonymousId/)
    expect(result.message).toMatch(/userId/)
    expect(result.message).toMatch(/anonymousAliasLabel/)
  })

  test.each<[string, Record<string, unknown>]>([
    ['no identifier at all', { traits: { plan: 'pro' } }],
    ['only blank identifiers', { userId: ' ', anonymousId: '', traits: { email: '', phone: '  ' } }]
  ])('%s: ValidationError naming userId and anonymousAliasLabel', (_name, fields) => {
    for (const settings of [{}, { anonymousAliasLabel: LABEL }]) {
      const result = problemFor({ type: 'identify', ...fields }, settings)
      expect(result.kind).toBe('ValidationError')
      expect(result.message).toMatch(/Braze needs an identified user/)
      expect(result.message).toMatch(/userId/)
      expect(result.message).toMatch(/anonymousAliasLabel/)
    }
  })

  test('with anonymousAliasLabel set, the advice is what the event lacks: an anonymousId', () => {
    expect(problemFor({ type: 'identify', traits: { plan: 'pro' } }, { anonymousAliasLabel: LABEL }).message).toBe(
      'Braze needs an identified user, but this event has no userId, anonymousId, braze_id, email or phone. Send the event with ' +
        'a userId (Braze external_id), or with an anonymousId, which the "anonymousAliasLabel" setting sends to Braze as a user alias.'
    )
  })

  test.each<[string, Record<string, unknown>, string]>([
    ['an email', { context: { traits: { email: 'not-an-email' } } }, 'email'],
    ['a phone', { traits: { phone: 'call me' } }, 'phone']
  ])('the only identifier %s Braze would refuse: the message says so, not that there was none', (_name, fields, kind) => {
    expect(problemFor({ type: 'track', event: 'Signed Up', ...fields }).message).toBe(
      `Braze needs an identified user, but this event has no userId, anonymousId or braze_id, and its ${kind} is not one Braze accepts. ` +
        'Send the event with a userId (Braze external_id), or with an anonymousId and the "anonymousAliasLabel" setting (Anonymous Alias Label), ' +
        'to send it to Braze as a user alias.'
    )
  })
})

describe('anonymous users and merging them into the known user', () => {
  const anon = 'anon-42'

  const keep = { external_id: 'u1' }
  const lead = ['unidentified', 'least_recently_updated']

  test('identify with userId and anonymousId (anonymousAliasLabel set) merges the alias profile into the user', () => {
    const event = identify({ plan: 'pro' }, { anonymousId: anon })
    expect(planFor(event, { anonymousAliasLabel: LABEL })).toEqual(
      plan({
        attributes: [{ external_id: 'u1', plan: 'pro' }],
        merges: [{ identifier_to_merge: { user_alias: { alias_name: anon, alias_label: LABEL } }, identifier_to_keep: keep }],
        epoch: EPOCH
      })
    )
  })

  test('without anonymousAliasLabel the anonymousId is ignored', () => {
    expect(planFor(identify({ plan: 'pro' }, { anonymousId: anon }))).toEqual(
      plan({ attributes: [{ external_id: 'u1', plan: 'pro' }], epoch: EPOCH })
    )
  })

  test('an identify with a userId and an email or phone merges the email-only or phone-only lead (Braze\'s "Merging unidentified user" request)', () => {
    const event = identify({ email: 'john.smith@braze.com', phone: '+15043277269' })
    expect(planFor(event).merges).toEqual([
      { identifier_to_merge: { email: 'john.smith@braze.com', prioritization: lead }, identifier_to_keep: keep },
      { identifier_to_merge: { phone: '+15043277269', prioritization: lead }, identifier_to_keep: keep }
    ])
  })

  test('an anonymous visitor with an email (anonymousAliasLabel set) is keyed by the alias, the email an attribute of the alias profile', () => {
    const event = { type: 'identify', anonymousId: anon, traits: { email: 'a@example.com', plan: 'pro' } }
    expect(planFor(event, { anonymousAliasLabel: LABEL })).toEqual(
      plan({
        attributes: [
          { user_alias: { alias_name: anon, alias_label: LABEL }, _update_existing_only: false, email: 'a@example.com', plan: 'pro' }
        ]
      })
    )
  })

  test('without the label, an anonymous visitor with an email is keyed by the email (an email-only profile)', () => {
    const event = { type: 'identify', anonymousId: anon, traits: { email: 'a@example.com' } }
    expect(planFor(event)).toEqual(plan({ attributes: [{ email: 'a@example.com' }] }))
  })

  test('an anonymous-only identify creates the alias profile (_update_existing_only: false)', () => {
    const event = { type: 'identify', anonymousId: anon, traits: { plan: 'pro' } }
    expect(attributesOf(event, { anonymousAliasLabel: ` ${LABEL} ` }).attributes).toEqual({
      user_alias: { alias_name: anon, alias_label: LABEL },
      _update_existing_only: false,
      plan: 'pro'
    })
  })
})

describe('updateExistingOnly', () => {
  test.each<[string, unknown, Record<string, unknown>]>([
    ['off: no flag on external_id objects', false, { external_id: 'u1', plan: 'pro' }],
    ['on: _update_existing_only true', true, { external_id: 'u1', _update_existing_only: true, plan: 'pro' }],
    ['on from the string "true"', 'true', { external_id: 'u1', _update_existing_only: true, plan: 'pro' }],
    ['off from the string "false"', 'false', { external_id: 'u1', plan: 'pro' }]
  ])('%s', (_name, updateExistingOnly, expected) => {
    expect(attributesOf(identify({ plan: 'pro' }), { updateExistingOnly }).attributes).toEqual(expected)
  })

  test.each([
    [false, false],
    [true, true]
  ])('alias objects always carry an explicit flag (setting %s → %s)', (setting, flag) => {
    const event = { type: 'identify', anonymousId: 'anon-1', traits: { plan: 'pro' } }
    expect(attributesOf(event, { updateExistingOnly: setting, anonymousAliasLabel: LABEL }).attributes).toEqual({
      user_alias: { alias_name: 'anon-1', alias_label: LABEL },
      _update_existing_only: flag,
      plan: 'pro'
    })
  })

  test.each([
    ['email', { traits: { email: 'a@example.com' } }],
    ['phone', { traits: { phone: '+15043277269' } }]
  ])('on: also on %s objects (an unknown email or phone would create an email-only or phone-only user)', (_name, fields) => {
    const { attributes } = attributesOf({ type: 'identify', ...fields }, { updateExistingOnly: true })
    expect(attributes._update_existing_only).toBe(true)
  })

  test('braze_id objects never carry it: a braze_id cannot create a user', () => {
    const { attributes } = attributesOf({ type: 'identify', integrations: { Braze: { braze_id: 'b-1' } } }, { updateExistingOnly: true })
    expect(attributes._update_existing_only).toBeUndefined()
  })
})
