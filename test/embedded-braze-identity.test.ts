// Braze's identity rules as the embedded Braze models them, with the request
// bodies of Braze's own docs where they give one: which profile an object
// reaches or creates (_update_existing_only, email- and phone-only
// profiles), /users/identify (aliases, emails, phone numbers, one alias per
// label) and /users/merge (any identifier, prioritization, what is kept).
import { type EmbeddedBraze, type BrazeProfile } from '../src/tools/embedded-braze'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { brazeClient } from './helpers/embedded-braze-client'

const API_KEY = 'identity-test-key'
const T = '2024-05-01T10:00:00Z'

let braze: EmbeddedBraze
const post = brazeClient(() => braze, API_KEY)
const track = (body: unknown) => post('/users/track', body)
const identify = (body: unknown) => post('/users/identify', body)
const merge = (body: unknown) => post('/users/merge', body)

const alias = (name: string, label = 'segment_anonymous_id') => ({ alias_name: name, alias_label: label })
const names = (profile: BrazeProfile | undefined) => profile?.events.map((event) => event.name)
const brazeIds = () => braze.profiles().map((profile) => profile.identifiers.braze_id)

useEmbeddedBraze({ apiKey: API_KEY }, (started) => (braze = started))

describe('_update_existing_only: which objects create a profile', () => {
  type TrackArray = 'attributes' | 'events' | 'purchases'
  const fields: Record<TrackArray, Record<string, unknown>> = {
    attributes: { plan: 'pro' },
    events: { name: 'Played', time: T },
    purchases: { product_id: 'sku-1', currency: 'USD', price: 9.99, time: T }
  }
  const object = (array: TrackArray, id: Record<string, unknown>, flag: boolean | undefined) => ({
    ...id,
    ...fields[array],
    ...(flag === undefined ? {} : { _update_existing_only: flag })
  })
  const externalId = { external_id: 'u1' }
  const userAlias = { user_alias: alias('anon-1') }
  const email = { email: 'ann@example.com' }
  const phone = { phone: '+15043277269' }

  test.each<[TrackArray, Record<string, unknown>, boolean | undefined, boolean]>([
    // external_id: "If this value is omitted, Braze creates a new user profile if the external_id does not already exist."
    ['attributes', externalId, undefined, true],
    ['attributes', externalId, false, true],
    ['attributes', externalId, true, false],
    ['events', externalId, undefined, true],
    ['events', externalId, true, false],
    ['purchases', externalId, undefined, true],
    ['purchases', externalId, true, false],
    // user_alias: "Update Only" defaults to true; false creates the alias-only profile (attributes, events) …
    ['attributes', userAlias, undefined, false],
    ['attributes', userAlias, false, true],
    ['attributes', userAlias, true, false],
    ['events', userAlias, undefined, false],
    ['events', userAlias, false, true],
    // … and for purchases it "is always true", with no exception documented.
    ['purchases', userAlias, undefined, false],
    ['purchases', userAlias, false, false],
    // email / phone: "A new profile will be created, and an email-only user will be created."
    ['attributes', email, undefined, true],
    ['attributes', email, true, false],
    ['events', phone, undefined, true],
    ['events', phone, true, false],
    ['purchases', email, undefined, true],
    ['purchases', phone, true, false],
    // Braze assigns braze_ids: an unknown one names nobody.
    ['events', { braze_id: 'ffffffffffffffffffffffff' }, false, false]
  ])('%s for an unknown %j, _update_existing_only %s: creates a profile: %s', async (array, id, flag, creates) => {
    const result = await track({ [array]: [object(array, id, flag)] })
    expect(result).toEqual({ status: 201, json: { message: 'success', [`${array}_processed`]: 1 } })
    const profiles = braze.profiles()
    expect(profiles).toHaveLength(creates ? 1 : 0)
    if (creates) {
      expect(profiles[0]).toMatchObject({
        eventCount: array === 'events' ? 1 : 0,
        purchaseCount: array === 'purchases' ? 1 : 0,
        attributes: array === 'attributes' ? { plan: 'pro' } : {}
      })
    }
  })

  test.each<[TrackArray, Record<string, unknown>]>([
    ['events', externalId],
    ['purchases', externalId],
    ['attributes', userAlias],
    ['events', userAlias],
    ['purchases', userAlias],
    ['events', email]
  ])('%s with _update_existing_only: true still update a known %j', async (array, id) => {
    await track({ attributes: [{ ...id, _update_existing_only: false, known: true }] })
    await track({ [array]: [object(array, id, true)] })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        eventCount: array === 'events' ? 1 : 0,
        purchaseCount: array === 'purchases' ? 1 : 0,
        attributes: array === 'attributes' ? { known: true, plan: 'pro' } : { known: true }
      })
    ])
  })
})

describe('email-only and phone-only profiles', () => {
  test('Braze\'s "Update a user profile by email address" example builds one email-only profile', async () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_track/ (verbatim)
    const body = {
      attributes: [
        {
          email: 'test@braze.com',
          string_attribute: 'fruit',
          boolean_attribute_1: true,
          integer_attribute: 26,
          array_attribute: ['banana', 'apple']
        }
      ],
      events: [
        {
          email: 'test@braze.com',
          app_id: 'your_app_identifier',
          name: 'rented_movie',
          time: '2022-12-06T19:20:45+01:00',
          properties: {
            release: { studio: 'FilmStudio', year: '2022' },
            cast: [{ name: 'Actor1' }, { name: 'Actor2' }]
          }
        },
        {
          user_alias: { alias_name: 'device123', alias_label: 'my_device_identifier' },
          app_id: 'your_app_identifier',
          name: 'rented_movie',
          time: '2013-07-16T19:20:50+01:00'
        }
      ],
      purchases: [
        {
          email: 'test@braze.com',
          app_id: 'your_app_identifier',
          product_id: 'product_name',
          currency: 'USD',
          price: 12.12,
          quantity: 6,
          time: '2017-05-12T18:47:12Z',
          properties: { color: 'red', monogram: 'ABC', checkout_duration: 180, size: 'Large', brand: 'Backpack Locker' }
        }
      ]
    }
    const result = await track(body)
    expect(result.json).toEqual({ message: 'success', attributes_processed: 1, events_processed: 2, purchases_processed: 1 })
    // The alias event names a profile that does not exist, and alias events only update ("Update Only" mode).
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: { braze_id: expect.any(String), email: 'test@braze.com', user_aliases: [] },
        attributes: { string_attribute: 'fruit', boolean_attribute_1: true, integer_attribute: 26, array_attribute: ['banana', 'apple'] },
        events: [
          {
            app_id: 'your_app_identifier',
            name: 'rented_movie',
            time: '2022-12-06T19:20:45+01:00',
            properties: { release: { studio: 'FilmStudio', year: '2022' }, cast: [{ name: 'Actor1' }, { name: 'Actor2' }] }
          }
        ],
        purchases: [expect.objectContaining({ product_id: 'product_name', quantity: 6 })]
      })
    ])
  })

  test('Braze\'s "Update a user profile by phone number" example builds a phone-only profile', async () => {
    await track({
      attributes: [
        {
          phone: '+15043277269',
          string_attribute: 'fruit',
          boolean_attribute_1: true,
          integer_attribute: 25,
          array_attribute: ['banana', 'apple']
        }
      ]
    })
    expect(braze.profile({ phone: '+15043277269' })).toMatchObject({
      identifiers: { phone: '+15043277269', user_aliases: [] },
      attributes: { string_attribute: 'fruit', integer_attribute: 25 }
    })
    expect(braze.profile({ phone: '+15043277269' })!.identifiers.external_id).toBeUndefined()
  })

  test('a phone number is found by its digits, a 10-digit one as a U.S. number: "+1 (504) 327-7269", "5043277269" and "+15043277269" are one profile', async () => {
    await track({ attributes: [{ phone: '+1 (504) 327-7269', plan: 'pro' }] })
    await track({ attributes: [{ phone: '5043277269', seats: 3 }], events: [{ phone: '+15043277269', name: 'Texted', time: T }] })
    expect(braze.profiles()).toHaveLength(1)
    expect(braze.profile({ phone: '+15043277269' })).toMatchObject({ attributes: { plan: 'pro', seats: 3 } })
    expect(names(braze.profile({ phone: '504-327-7269' }))).toEqual(['Texted'])
  })

  test('several profiles share an email: the most recently updated one with an external_id is updated', async () => {
    await track({ attributes: [{ email: 'ann@example.com', source: 'lead' }] })
    await track({
      attributes: [
        { external_id: 'u1', email: 'ann@example.com' },
        { external_id: 'u2', email: 'ann@example.com' }
      ]
    })
    await track({ attributes: [{ external_id: 'u1', visits: 1 }] })
    await track({ events: [{ email: 'ANN@example.com', name: 'Opened Email', time: T }] })
    expect(braze.profiles().map((profile) => [profile.identifiers.external_id, profile.eventCount])).toEqual([
      [undefined, 0],
      ['u1', 1],
      ['u2', 0]
    ])
  })

  test('with no identified profile, the most recently updated unidentified one is updated', async () => {
    await track({ attributes: [{ email: 'bo@example.com' }] })
    await track({ attributes: [{ user_alias: alias('anon-1'), _update_existing_only: false, email: 'bo@example.com' }] })
    await track({ events: [{ email: 'bo@example.com', name: 'First', time: T }] })
    expect(names(braze.profile({ user_alias: alias('anon-1') }))).toEqual(['First'])
    const emailOnly = braze.profiles()[0]!
    await track({ attributes: [{ braze_id: emailOnly.identifiers.braze_id, touched: true }] })
    await track({ events: [{ email: 'bo@example.com', name: 'Second', time: T }] })
    expect(names(braze.profile({ braze_id: emailOnly.identifiers.braze_id }))).toEqual(['Second'])
  })

  test('updatedAt moves with every change', async () => {
    await track({ attributes: [{ external_id: 'u1' }] })
    const first = braze.profile({ external_id: 'u1' })!.updatedAt
    expect(new Date(first).toISOString()).toBe(first)
    await new Promise((resolve) => setTimeout(resolve, 5))
    await track({ events: [{ external_id: 'u1', name: 'E', time: T }] })
    expect(braze.profile({ external_id: 'u1' })!.updatedAt > first).toBe(true)
  })
})

describe('/users/identify', () => {
  async function twoDevices(): Promise<void> {
    await track({
      attributes: [
        { user_alias: alias('laptop'), _update_existing_only: false, plan: 'free' },
        { user_alias: alias('phone'), _update_existing_only: false, device: 'phone' }
      ],
      events: [
        { user_alias: alias('laptop'), name: 'Laptop Visit', time: T },
        { user_alias: alias('phone'), name: 'Phone Visit', time: T }
      ]
    })
    await track({ events: [{ external_id: 'u1', name: 'Signed Up', time: T }] })
  }

  test('one alias per label: a second device with the same label is not combined', async () => {
    await twoDevices()
    await identify({ aliases_to_identify: [{ external_id: 'u1', user_alias: alias('laptop') }] })
    const second = await identify({ aliases_to_identify: [{ external_id: 'u1', user_alias: alias('phone') }] })
    expect(second).toEqual({ status: 201, json: { aliases_processed: 1, message: 'success' } })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({
      identifiers: { user_aliases: [alias('laptop')] },
      attributes: { plan: 'free' }
    })
    expect(names(braze.profile({ external_id: 'u1' }))!.sort()).toEqual(['Laptop Visit', 'Signed Up'])
    const orphan = braze.profile({ user_alias: alias('phone') })!
    expect(orphan.identifiers.external_id).toBeUndefined()
    expect(names(orphan)).toEqual(['Phone Visit'])
  })

  test('an alias with another label joins the same user', async () => {
    await twoDevices()
    await track({ attributes: [{ user_alias: alias('crm-7', 'crm_id'), _update_existing_only: false, tier: 'gold' }] })
    await identify({
      aliases_to_identify: [
        { external_id: 'u1', user_alias: alias('laptop') },
        { external_id: 'u1', user_alias: alias('crm-7', 'crm_id') }
      ]
    })
    expect(braze.profile({ external_id: 'u1' })).toMatchObject({
      identifiers: { user_aliases: [alias('laptop'), alias('crm-7', 'crm_id')] },
      attributes: { plan: 'free', tier: 'gold' }
    })
  })

  test("Braze's example with emails_to_identify: the alias-only user gets the new external_id, the email-only user joins the existing one", async () => {
    await track({
      attributes: [
        { user_alias: { alias_name: 'example_alias', alias_label: 'example_label' }, _update_existing_only: false, source: 'ad' },
        { email: 'john.smith@braze.com', first_name: 'John', plan: 'free' },
        { external_id: 'external_identifier_2', plan: 'pro' }
      ],
      events: [{ email: 'john.smith@braze.com', name: 'Newsletter Signup', time: T }]
    })
    const aliasOnly = braze.profile({ user_alias: { alias_name: 'example_alias', alias_label: 'example_label' } })!
    // https://www.braze.com/docs/api/endpoints/user_data/post_user_identify/ "Request example" (verbatim)
    const result = await identify({
      aliases_to_identify: [
        {
          external_id: 'external_identifier',
          user_alias: { alias_name: 'example_alias', alias_label: 'example_label' }
        }
      ],
      emails_to_identify: [
        {
          external_id: 'external_identifier_2',
          email: 'john.smith@braze.com',
          prioritization: ['unidentified', 'most_recently_updated']
        }
      ]
    })
    expect(result.status).toBe(201)
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: { ...aliasOnly.identifiers, external_id: 'external_identifier' },
        attributes: { source: 'ad' }
      }),
      expect.objectContaining({
        identifiers: expect.objectContaining({ external_id: 'external_identifier_2', email: 'john.smith@braze.com' }),
        // Only fields found exclusively on the email-only user are merged.
        attributes: { plan: 'pro', first_name: 'John' },
        eventCount: 1,
        eventCounts: { 'Newsletter Signup': 1 }
      })
    ])
  })

  test('emails_to_identify with no user for the external_id: the email-only user becomes identified', async () => {
    await track({ attributes: [{ email: 'lead@example.com', plan: 'trial' }] })
    const [lead] = brazeIds()
    await identify({ emails_to_identify: [{ external_id: 'u7', email: 'lead@example.com', prioritization: ['unidentified'] }] })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: { braze_id: lead, external_id: 'u7', email: 'lead@example.com', user_aliases: [] },
        attributes: { plan: 'trial' }
      })
    ])
  })

  test('phone_numbers_to_identify combines a phone-only user with the identified one', async () => {
    await track({ attributes: [{ phone: '+15043277269', sms_opt_in: true }, { external_id: 'u1' }] })
    await identify({
      phone_numbers_to_identify: [{ external_id: 'u1', phone: '+15043277269', prioritization: ['most_recently_updated'] }]
    })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: expect.objectContaining({ external_id: 'u1', phone: '+15043277269' }),
        attributes: { sms_opt_in: true }
      })
    ])
  })

  describe('prioritization, with two unidentified users sharing an email (the alias one updated last)', () => {
    beforeEach(async () => {
      await track({ attributes: [{ email: 'sam@example.com', from: 'lead form' }, { external_id: 'u9' }] })
      await track({ attributes: [{ user_alias: alias('anon-9'), _update_existing_only: false, email: 'sam@example.com', from: 'web' }] })
    })

    test.each<[string[], string | undefined]>([
      // "if more than one user matches from a prioritization, then merging does not occur"
      [['unidentified'], undefined],
      [['unidentified', 'most_recently_updated'], 'web'],
      [['unidentified', 'least_recently_updated'], 'lead form'],
      [['most_recently_updated'], 'web'],
      // Nobody with this email has an external_id.
      [['identified', 'most_recently_updated'], undefined]
    ])('%j identifies the user from: %s', async (prioritization, from) => {
      await identify({ emails_to_identify: [{ external_id: 'u9', email: 'sam@example.com', prioritization }] })
      const u9 = braze.profile({ external_id: 'u9' })!
      expect(u9.attributes.from).toBe(from)
      expect(braze.profiles()).toHaveLength(from === undefined ? 3 : 2)
    })
  })

  test.each<[string, unknown]>([
    ['an email without prioritization', { emails_to_identify: [{ external_id: 'u1', email: 'a@example.com' }] }],
    [
      'identified and unidentified together',
      { emails_to_identify: [{ external_id: 'u1', email: 'a@example.com', prioritization: ['identified', 'unidentified'] }] }
    ],
    ['an unknown priority', { phone_numbers_to_identify: [{ external_id: 'u1', phone: '+1555', prioritization: ['newest'] }] }],
    ['an empty prioritization', { emails_to_identify: [{ external_id: 'u1', email: 'a@example.com', prioritization: [] }] }],
    [
      'a phone entry without phone',
      { phone_numbers_to_identify: [{ external_id: 'u1', email: 'a@example.com', prioritization: ['unidentified'] }] }
    ],
    [
      '51 entries over the three lists',
      {
        aliases_to_identify: Array.from({ length: 26 }, (_, i) => ({ external_id: `u${i}`, user_alias: alias(`a${i}`) })),
        emails_to_identify: Array.from({ length: 25 }, (_, i) => ({
          external_id: `u${i}`,
          email: `e${i}@example.com`,
          prioritization: ['unidentified']
        }))
      }
    ],
    ['no list at all', { users: [] }]
  ])('400 for %s, nothing changed', async (_name, body) => {
    await track({ attributes: [{ email: 'a@example.com' }] })
    const before = braze.profiles()
    expect((await identify(body)).status).toBe(400)
    expect(braze.profiles()).toEqual(before)
  })
})

describe('/users/merge', () => {
  test('two devices end in one profile via user_alias → external_id, even though the label is taken', async () => {
    await track({
      attributes: [
        { user_alias: alias('laptop'), _update_existing_only: false, plan: 'free' },
        { user_alias: alias('phone'), _update_existing_only: false, plan: 'trial', push: 'on' }
      ],
      events: [
        { user_alias: alias('laptop'), name: 'Laptop Visit', time: T },
        { user_alias: alias('phone'), name: 'Phone Visit', time: T },
        { user_alias: alias('phone'), name: 'Phone Visit', time: T }
      ],
      purchases: [{ user_alias: alias('phone'), product_id: 'case', currency: 'USD', price: 19, time: T }]
    })
    await track({ events: [{ external_id: 'u1', name: 'Signed Up', time: T }] })
    await identify({ aliases_to_identify: [{ external_id: 'u1', user_alias: alias('laptop') }] })

    const result = await merge({
      merge_updates: [{ identifier_to_merge: { user_alias: alias('phone') }, identifier_to_keep: { external_id: 'u1' } }]
    })
    expect(result).toEqual({ status: 202, json: { message: 'success' } })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: expect.objectContaining({ external_id: 'u1', user_aliases: [alias('laptop')] }),
        attributes: { plan: 'free', push: 'on' },
        eventCount: 4,
        eventCounts: { 'Laptop Visit': 1, 'Phone Visit': 2, 'Signed Up': 1 },
        purchaseCounts: { case: 1 }
      })
    ])
    // The merged profile is gone with its alias (the model's choice: Braze does not document moving it).
    expect(braze.profile({ user_alias: alias('phone') })).toBeUndefined()
  })

  test("a request's merges in no set order, as Braze says: applied last first, so a client relying on their order is caught", async () => {
    // https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/: "The endpoint does not guarantee the sequence
    // of merge_updates objects being updated."
    await track({
      attributes: [{ external_id: 'u1' }, { external_id: 'u2' }, { user_alias: alias('anon'), _update_existing_only: false }],
      events: [{ user_alias: alias('anon'), name: 'Visit', time: T }]
    })
    await merge({
      merge_updates: [
        { identifier_to_merge: { user_alias: alias('anon') }, identifier_to_keep: { external_id: 'u1' } },
        { identifier_to_merge: { user_alias: alias('anon') }, identifier_to_keep: { external_id: 'u2' } }
      ]
    })
    expect(names(braze.profile({ external_id: 'u1' }))).toEqual([])
    expect(names(braze.profile({ external_id: 'u2' }))).toEqual(['Visit'])
  })

  test('an email-only lead is merged into the external_id profile, which keeps its own values', async () => {
    await track({
      attributes: [
        { email: 'lead@example.com', first_name: 'Lee', plan: 'free' },
        { external_id: 'u1', plan: 'pro' }
      ],
      events: [{ email: 'lead@example.com', name: 'Downloaded Whitepaper', time: T }]
    })
    await merge({
      merge_updates: [
        {
          identifier_to_merge: { email: 'lead@example.com', prioritization: ['unidentified', 'most_recently_updated'] },
          identifier_to_keep: { external_id: 'u1' }
        }
      ]
    })
    expect(braze.profiles()).toEqual([
      expect.objectContaining({
        identifiers: expect.objectContaining({ external_id: 'u1', email: 'lead@example.com' }),
        attributes: { plan: 'pro', first_name: 'Lee' },
        events: [{ name: 'Downloaded Whitepaper', time: T }]
      })
    ])
    expect(braze.profile({ email: 'lead@example.com' })!.identifiers.external_id).toBe('u1')
  })

  describe("Braze's examples, with two unidentified users sharing john.smith@braze.com (the alias one updated last)", () => {
    beforeEach(async () => {
      await track({
        attributes: [
          { email: 'john.smith@braze.com', from: 'lead form' },
          { external_id: 'john', email: 'john.smith@braze.com', plan: 'pro' }
        ]
      })
      await track({
        attributes: [{ user_alias: alias('anon-j'), _update_existing_only: false, email: 'john.smith@braze.com', from: 'web' }]
      })
    })
    const fromOf = () => braze.profile({ external_id: 'john' })!.attributes.from

    test('"Merging unidentified user": the most recently updated unidentified user joins john', async () => {
      // https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/ (verbatim)
      await merge({
        merge_updates: [
          {
            identifier_to_merge: { email: 'john.smith@braze.com', prioritization: ['unidentified', 'most_recently_updated'] },
            identifier_to_keep: { external_id: 'john' }
          }
        ]
      })
      expect(fromOf()).toBe('web')
      expect(braze.profiles()).toHaveLength(2)
    })

    test('"Merging unidentified user into identified user": email to email', async () => {
      await merge({
        merge_updates: [
          {
            identifier_to_merge: { email: 'john.smith@braze.com', prioritization: ['unidentified', 'most_recently_updated'] },
            identifier_to_keep: { email: 'john.smith@braze.com', prioritization: ['identified', 'most_recently_updated'] }
          }
        ]
      })
      expect(fromOf()).toBe('web')
    })

    test('"…without including the most_recently_updated prioritization": two unidentified users, so no merge', async () => {
      const body = {
        merge_updates: [
          {
            identifier_to_merge: { email: 'john.smith@braze.com', prioritization: ['unidentified'] },
            identifier_to_keep: { external_id: 'john' }
          }
        ]
      }
      expect((await merge(body)).status).toBe(202)
      expect(braze.profiles()).toHaveLength(3)
      expect(fromOf()).toBeUndefined()
      // "This request only works if there is only one unidentified user with the email address"
      await post('/users/delete', { user_aliases: [alias('anon-j')] })
      await merge(body)
      expect(fromOf()).toBe('lead form')
      expect(braze.profiles()).toHaveLength(1)
    })
  })

  test("Braze's basic request: external_id, email and user_alias pairs", async () => {
    await track({
      attributes: [
        { external_id: 'old-user1', a: 1 },
        { external_id: 'current-user1' },
        { email: 'user1@braze.com', b: 2 },
        { external_id: 'someone', email: 'user2@braze.com' },
        { user_alias: alias('old-user2@example.com', 'email'), _update_existing_only: false, c: 3 },
        { user_alias: alias('current-user2@example.com', 'email'), _update_existing_only: false }
      ]
    })
    // https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/ "Basic request" (verbatim)
    await merge({
      merge_updates: [
        { identifier_to_merge: { external_id: 'old-user1' }, identifier_to_keep: { external_id: 'current-user1' } },
        {
          identifier_to_merge: { email: 'user1@braze.com', prioritization: ['unidentified', 'most_recently_updated'] },
          identifier_to_keep: { email: 'user2@braze.com', prioritization: ['identified', 'most_recently_updated'] }
        },
        {
          identifier_to_merge: { user_alias: { alias_name: 'old-user2@example.com', alias_label: 'email' } },
          identifier_to_keep: { user_alias: { alias_name: 'current-user2@example.com', alias_label: 'email' } }
        }
      ]
    })
    expect(braze.profiles().map((profile) => profile.attributes)).toEqual([{ a: 1 }, { email: 'user2@braze.com', b: 2 }, { c: 3 }])
    expect(braze.profile({ external_id: 'old-user1' })).toBeUndefined()
  })

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['an unknown external_id to merge', { external_id: 'ghost' }, { external_id: 'u1' }],
    ['an unknown external_id to keep', { external_id: 'u1' }, { external_id: 'ghost' }],
    ['an email nobody has', { email: 'nobody@example.com', prioritization: ['most_recently_updated'] }, { external_id: 'u1' }],
    ['a profile into itself', { external_id: 'u1' }, { user_alias: alias('anon-1') }]
  ])('%s: 202 and nothing changes', async (_name, toMerge, toKeep) => {
    await track({ attributes: [{ external_id: 'u1', plan: 'pro' }] })
    await identify({ aliases_to_identify: [{ external_id: 'u1', user_alias: alias('anon-1') }] })
    const before = braze.profiles()
    const result = await merge({ merge_updates: [{ identifier_to_merge: toMerge, identifier_to_keep: toKeep }] })
    expect(result).toEqual({ status: 202, json: { message: 'success' } })
    expect(braze.profiles()).toEqual(before)
  })

  const IDENTIFIERS =
    "identifiers must be objects with an 'external_id' property that is a string, 'user_alias' property that is an object, 'email' property that is a string, or 'phone' property that is a string"
  const pair = { identifier_to_merge: { external_id: 'u2' }, identifier_to_keep: { external_id: 'u1' } }
  test.each<[string, unknown, string]>([
    ['merge_updates not an array', { merge_updates: pair }, "'merge_updates' must be an array of objects"],
    ['51 merges', { merge_updates: Array.from({ length: 51 }, () => pair) }, 'a single request may not contain more than 50 merge updates'],
    ['a braze_id', { merge_updates: [{ ...pair, identifier_to_merge: { braze_id: '65b0c0de0000000000000002' } }] }, IDENTIFIERS],
    [
      'two identifiers in one',
      { merge_updates: [{ ...pair, identifier_to_keep: { external_id: 'u1', email: 'a@example.com' } }] },
      IDENTIFIERS
    ],
    [
      'a third key',
      { merge_updates: [{ ...pair, reason: 'dupe' }] },
      "'merge_updates' must only have 'identifier_to_merge' and 'identifier_to_keep'"
    ],
    ['a missing identifier_to_keep', { merge_updates: [{ identifier_to_merge: { external_id: 'u2' } }] }, IDENTIFIERS],
    [
      'an email without prioritization',
      { merge_updates: [{ ...pair, identifier_to_merge: { email: 'a@example.com' } }] },
      "an 'email' or 'phone' identifier needs 'prioritization': an array of identified or unidentified, most_recently_updated, least_recently_updated"
    ]
  ])("400 for %s, with Braze's message, nothing merged", async (_name, body, message) => {
    await track({ attributes: [{ external_id: 'u1' }, { external_id: 'u2' }] })
    const result = await merge(body)
    expect(result.status).toBe(400)
    expect(result.json.message).toBe(message)
    expect(braze.profiles()).toHaveLength(2)
  })
})
