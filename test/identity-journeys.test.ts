// One person, one Braze profile: whole journeys through the built function
// against the embedded Braze (which models Braze's documented identity rules),
// in the single handlers and in onBatch alike.
import { type EmbeddedBraze } from '../src/tools/embedded-braze'
import type { SegmentRuntime } from '../src/tools/segment-runtime'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { useNock } from './helpers/braze-nock'
import { at } from './helpers/events'
import { loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'

const KEY = 'brz-JOURNEY-1d4f8a2c-key'
const LABEL = 'segment_anonymous_id'
const SETTINGS = { apiKey: KEY, dataCenter: 'US-01' }
const LABELLED = { ...SETTINGS, anonymousAliasLabel: LABEL }

let braze: EmbeddedBraze
let sequence = 0
const event = (fields: Record<string, unknown>) => ({ messageId: `j-${++sequence}`, timestamp: at(sequence % 60), ...fields })
const page = (anonymousId: string, name: string, userId?: string) =>
  event({ type: 'track', event: `Viewed ${name}`, anonymousId, ...(userId ? { userId } : {}) })
const identify = (fields: Record<string, unknown>) => event({ type: 'identify', ...fields })
const personas = (computation_class: string, computation_key: string) => ({
  computation_class,
  computation_key,
  computation_id: 'aud_2g5V8Xl8lDaeyOS7J8i4AdCFZ3p',
  space_id: 'spa_w5akXzWfKjnn9nqBS6rJmB'
})
/** Engage's track-form audience entry (https://segment.com/docs/engage/using-engage-data/): one call per identifier. */
const audienceEntered = (key: string, who: Record<string, unknown>, email: string) =>
  event({
    type: 'track',
    event: 'Audience Entered',
    properties: { audience_key: key, [key]: true },
    context: { traits: { email }, personas: personas('audience', key) },
    ...who
  })
const computedTrait = (key: string, value: unknown, who: Record<string, unknown>) =>
  event({ type: 'identify', traits: { [key]: value }, context: { personas: personas('trait', key) }, ...who })

useNock({ loopback: true })
useEmbeddedBraze({ apiKey: KEY }, (started) => (braze = started))

/** Sends each step as Segment would: one call per event, or the whole journey in batches. */
const MODES: Array<[string, (runtime: SegmentRuntime, steps: unknown[][], settings: unknown) => Promise<void>]> = [
  [
    'single handlers',
    async (runtime, steps, settings) => {
      for (const step of steps) for (const item of step) await runtime.deliver(item, settings)
    }
  ],
  [
    'onBatch',
    async (runtime, steps, settings) => {
      for (const step of steps) {
        const results = (await runtime.handlers.onBatch!(step, settings)) as Array<{ status: number }>
        expect(results.map((result) => result.status)).toEqual(step.map(() => 200))
      }
    }
  ]
]

const eventNames = (profile: { events: Array<{ name: string }> } | undefined) => (profile?.events ?? []).map((item) => item.name).sort()

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  describe.each(MODES)('%s', (_mode, send) => {
    test("two devices, each browsing anonymously then signing up: one profile with both devices' events, no alias-only profile left", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [page('laptop', 'Pricing'), page('laptop', 'Docs')],
          [identify({ userId: 'u1', anonymousId: 'laptop', traits: { plan: 'pro' } })],
          [page('phone', 'Home')],
          [identify({ userId: 'u1', anonymousId: 'phone', traits: { plan: 'pro' } })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('u1')
      expect(eventNames(profiles[0])).toEqual(['Viewed Docs', 'Viewed Home', 'Viewed Pricing'])
    })

    test('an email lead (an email-only profile) becomes one profile at sign-up', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'anon-9', traits: { email: 'lead@example.com', source: 'webinar' } })],
          [identify({ userId: 'u9', traits: { email: 'lead@example.com', plan: 'free' } })]
        ],
        SETTINGS
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers).toMatchObject({ external_id: 'u9', email: 'lead@example.com' })
      expect(profiles[0]!.attributes).toMatchObject({ source: 'webinar', plan: 'free' })
    })

    // Braze applies one /users/merge request's entries in no set order
    // (https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/): two entries that
    // could pick the same profile must not both pick it, or the other stays apart.
    test("an email lead, then a visitor who gives the same email, signing up: the lead and the visitor's alias profile both join the user", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ traits: { email: 'n@example.com', newsletter: true } })],
          [page('visitor', 'Pricing'), identify({ anonymousId: 'visitor', traits: { email: 'n@example.com', trial: true } })],
          [identify({ userId: 'u1', anonymousId: 'visitor', traits: { email: 'n@example.com', plan: 'pro' } })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('u1')
      expect(profiles[0]!.attributes).toMatchObject({ newsletter: true, trial: true, plan: 'pro' })
      expect(eventNames(profiles[0])).toEqual(['Viewed Pricing'])
    })

    test('a phone lead, then an email lead that also has the phone, then the user with both: one profile', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'x2', traits: { phone: '+14155550199', sms: true } })],
          [identify({ anonymousId: 'x1', traits: { email: 's@example.com', phone: '+14155550199', source: 'web' } })],
          [identify({ userId: 'u9', traits: { email: 's@example.com', phone: '+14155550199', plan: 'pro' } })]
        ],
        SETTINGS
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.attributes).toMatchObject({ sms: true, source: 'web', plan: 'pro' })
    })

    test.each([
      [
        "a user's plan, then an email lead's, then the user takes the email: the user's plan stays (the lead's is merged under it)",
        () => [
          identify({ userId: 'u5', traits: { plan: 'free' }, timestamp: at(1) }),
          identify({ anonymousId: 'anon-5', traits: { email: 'p1@example.com', plan: 'lead' }, timestamp: at(2) }),
          identify({ userId: 'u5', traits: { email: 'P1@example.com' }, timestamp: at(3) })
        ],
        'free'
      ],
      [
        'a user takes an email, then an email lead with it: the lead updates the user, as Braze does with the email taken',
        () => [
          identify({ userId: 'u5', traits: { email: 'p1@example.com', plan: 'free' }, timestamp: at(1) }),
          identify({ anonymousId: 'anon-5', traits: { email: 'p1@example.com', plan: 'lead' }, timestamp: at(2) })
        ],
        'lead'
      ]
    ])('%s', async (_name, calls, plan) => {
      // One batch holds them all: an object keyed by an email goes to whoever has the email when Braze applies it.
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(runtime, [calls()], SETTINGS)
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers).toMatchObject({ external_id: 'u5' })
      expect(profiles[0]!.attributes).toMatchObject({ plan })
    })

    test.each([
      ['an event', { type: 'track', event: 'Viewed' }, 'Viewed'],
      [
        'an order (legacy purchases)',
        { type: 'track', event: 'Order Completed', properties: { products: [{ product_id: 'p1', price: 5 }] } },
        'purchase p1'
      ]
    ])(
      '%s keyed by an email reaches the user who had it then, not the user who takes it later in the batch',
      async (_name, fields, logged) => {
        const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
        await send(
          runtime,
          [
            [
              identify({ userId: 'u1', traits: { email: 'e1@example.com' }, timestamp: at(1) }),
              event({ ...fields, anonymousId: 'anon-3', context: { traits: { email: 'e1@example.com' } }, timestamp: at(2) }),
              identify({ userId: 'u2', traits: { email: 'e1@example.com' }, timestamp: at(3) })
            ]
          ],
          { ...SETTINGS, ecommerceMode: 'purchases' }
        )
        const u1 = braze.profiles().find((one) => one.identifiers.external_id === 'u1')
        const names = [
          ...eventNames(u1),
          ...(u1?.purchases ?? []).map((purchase: { product_id: string }) => `purchase ${purchase.product_id}`)
        ]
        expect(names).toEqual([logged])
      }
    )

    test.each([
      ['deleted', [{ type: 'delete', userId: 'u7' }], []],
      ['aliased to another userId', [{ type: 'alias', userId: 'u8', previousId: 'u7' }], ['u8']]
    ])('an event keyed by an email, the user given it, then that user %s: as one by one', async (_name, last, remaining) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [
            event({
              type: 'track',
              event: 'Viewed',
              anonymousId: 'anon-7',
              context: { traits: { email: 'e7@example.com' } },
              timestamp: at(1)
            }),
            identify({ userId: 'u7', traits: { email: 'e7@example.com', plan: 'x' }, timestamp: at(2) }),
            ...last.map((fields) => event({ ...fields, timestamp: at(3) }))
          ]
        ],
        SETTINGS
      )
      const profiles = braze.profiles()
      expect(profiles.map((one) => one.identifiers.external_id)).toEqual(remaining)
      if (remaining.length > 0) expect(eventNames(profiles[0])).toEqual(['Viewed'])
    })

    test('one visitor identified as two users in one batch: its history goes to the first, as one by one', async () => {
      // Braze applies a /users/merge request's entries in no set order, and the embedded Braze applies them last first.
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [
            event({ type: 'track', event: 'Viewed', anonymousId: 'anon-9', timestamp: at(1) }),
            identify({ userId: 'u9', anonymousId: 'anon-9', timestamp: at(2) }),
            identify({ userId: 'u10', anonymousId: 'anon-9', timestamp: at(3) })
          ]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles.map((one) => [one.identifiers.external_id, eventNames(one)])).toEqual([
        ['u9', ['Viewed']],
        ['u10', []]
      ])
    })

    test('a phone lead, then the user given that number spelled otherwise (10 digits, no +): the user keeps its later plan', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [
            identify({ userId: 'u6', traits: { plan: 'early' }, timestamp: at(1) }),
            identify({ anonymousId: 'anon-6', traits: { phone: '+14155550100', plan: 'lead' }, timestamp: at(2) }),
            identify({ userId: 'u6', traits: { phone: '4155550100', plan: 'user' }, timestamp: at(3) })
          ]
        ],
        SETTINGS
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.attributes).toMatchObject({ plan: 'user' })
    })

    test('an anonymous visitor who gave an email (label set) is one profile before and after sign-up', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [page('anon-5', 'Pricing'), identify({ anonymousId: 'anon-5', traits: { email: 'visitor@example.com', plan: 'trial' } })],
          [identify({ userId: 'u5', anonymousId: 'anon-5', traits: { email: 'visitor@example.com' } })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('u5')
      expect(profiles[0]!.attributes).toMatchObject({ plan: 'trial', email: 'visitor@example.com' })
      expect(eventNames(profiles[0])).toEqual(['Viewed Pricing'])
    })

    test.each([
      ['an alias from an old userId merges the old profile into the new one', [identify({ userId: 'new-7', traits: { plan: 'max' } })]],
      ['an alias that comes first: the new userId gets a profile, and the old one is merged into it', []]
    ])('%s', async (_name, before) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [event({ type: 'track', userId: 'old-7', event: 'Ordered' }), ...before],
          [event({ type: 'alias', userId: 'new-7', previousId: 'old-7' })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('new-7')
      expect(eventNames(profiles[0])).toEqual(['Ordered'])
    })

    test("an anonymous visitor's order (legacy purchases) lands on the alias profile, then on the user at sign-up", async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const order = event({
        type: 'track',
        anonymousId: 'anon-buyer',
        event: 'Order Completed',
        properties: { order_id: 'o-1', currency: 'USD', products: [{ product_id: 'p', price: 30 }] }
      })
      await send(runtime, [[order], [identify({ userId: 'buyer', anonymousId: 'anon-buyer', traits: { plan: 'pro' } })]], {
        ...LABELLED,
        ecommerceMode: 'purchases'
      })
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('buyer')
      expect(profiles[0]!.purchaseCount).toBe(1)
    })

    test('a visitor who browses anonymously again after signing up, then signs in again: still one profile', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [page('tablet', 'Pricing')],
          [identify({ userId: 'u3', anonymousId: 'tablet', traits: { plan: 'pro' } })],
          [page('tablet', 'Cart')],
          [identify({ userId: 'u3', anonymousId: 'tablet', traits: { plan: 'pro' } })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(eventNames(profiles[0])).toEqual(['Viewed Cart', 'Viewed Pricing'])
    })

    test('skipUnchangedAttributes: an email lead merged into a user, then identified by email again, updates the user', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'x-1', traits: { email: 'lead2@example.com', plan: 'free' } })],
          [identify({ userId: 'u8', traits: { email: 'lead2@example.com', plan: 'pro' } })],
          [identify({ anonymousId: 'x-2', traits: { email: 'lead2@example.com', plan: 'free' } })]
        ],
        { ...SETTINGS, skipUnchangedAttributes: true }
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.attributes).toMatchObject({ plan: 'free' })
    })

    test("a user who changed email leaves an Engage audience: the former email's exit creates no profile", async () => {
      // Engage sends exits to every email the profile ever had (https://segment.com/docs/engage/trait-activation/id-sync/).
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const exit = (who: Record<string, unknown>) =>
        identify({ traits: { vip: false, ...who }, context: { personas: personas('audience', 'vip') } })
      await send(
        runtime,
        [
          [identify({ userId: 'u6', traits: { email: 'old@example.com' } })],
          [identify({ userId: 'u6', traits: { email: 'new@example.com' } })],
          [exit({ email: 'new@example.com' })],
          [exit({ email: 'old@example.com' })]
        ],
        SETTINGS
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers).toMatchObject({ external_id: 'u6', email: 'new@example.com' })
      expect(profiles[0]!.attributes).toMatchObject({ vip: false })
    })

    test.each([
      ['the userId first', (calls: unknown[]) => calls],
      ['the email first', (calls: unknown[]) => [...calls].reverse()]
    ])(
      "Engage's track-form audience, one call per identifier (%s): one profile, holding the email and the audience",
      async (_order, order) => {
        const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
        const calls = [audienceEntered('vip', { userId: 'u4' }, 'pat@example.com'), audienceEntered('vip', {}, 'pat@example.com')]
        await send(
          runtime,
          order(calls).map((call) => [call]),
          { ...SETTINGS, audienceAttribute: 'segment_audiences' }
        )
        const profiles = braze.profiles()
        expect(profiles).toHaveLength(1)
        expect(profiles[0]!.identifiers).toMatchObject({ external_id: 'u4', email: 'pat@example.com' })
        expect(profiles[0]!.attributes).toMatchObject({ segment_audiences: ['vip'] })
        // Each identifier's call is an event of its own (ID Sync chooses which identifiers Engage sends).
        expect(eventNames(profiles[0])).toEqual(['Audience Entered', 'Audience Entered'])
      }
    )

    test.each([
      ['its first event', () => [page('anon-2', 'Home'), computedTrait('ltv', 3, { anonymousId: 'anon-2' })]],
      [
        'its identify, timed after the trait',
        () => [
          identify({ anonymousId: 'anon-2', traits: { plan: 'free' }, timestamp: at(59) }),
          computedTrait('ltv', 3, { anonymousId: 'anon-2', timestamp: at(0) })
        ]
      ]
    ])("an anonymous visitor's computed trait beside %s: on the visitor's alias profile", async (_name, calls) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(runtime, [calls()], LABELLED)
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.user_aliases).toEqual([{ alias_name: 'anon-2', alias_label: LABEL }])
      expect(profiles[0]!.attributes).toMatchObject({ ltv: 3 })
    })

    test("an exit sent with each email the profile ever had (ID Sync doesn't apply to exits): the user's email stays the current one", async () => {
      // https://segment.com/docs/engage/trait-activation/id-sync/: "Segment sends all ID combinations for Audience Exit events".
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const exited = (email: string) =>
        event({
          type: 'track',
          userId: 'u9',
          event: 'Audience Exited',
          properties: { audience_key: 'vip', vip: false },
          context: { traits: { email }, personas: personas('audience', 'vip') }
        })
      await send(
        runtime,
        [[audienceEntered('vip', { userId: 'u9' }, 'new@example.com')], [exited('new@example.com'), exited('old@example.com')]],
        { ...SETTINGS, audienceAttribute: 'segment_audiences' }
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers).toMatchObject({ external_id: 'u9', email: 'new@example.com' })
      expect(profiles[0]!.attributes).toMatchObject({ segment_audiences: [] })
    })

    test("an email-only Engage entry, then the user's exit with that email: the later exit wins", async () => {
      // Braze applies a request's attributes objects in order, and an email-keyed one goes to whoever has the
      // email by then: in a batch the older email-only call must come before the user's newer one.
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const vip = (who: Record<string, unknown>, inside: boolean) =>
        identify({ traits: { vip: inside, email: 'e2@example.com' }, context: { personas: personas('audience', 'vip') }, ...who })
      await send(runtime, [[event({ type: 'track', userId: 'u2', event: 'Viewed' }), vip({}, true), vip({ userId: 'u2' }, false)]], {
        ...SETTINGS,
        audienceAttribute: 'segment_audiences'
      })
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.attributes).toMatchObject({ vip: false, segment_audiences: [] })
    })

    test("maxObjectsPerRequest 1: an anonymous visitor's order creates the alias profile before its first purchase", async () => {
      // Braze drops purchases for an alias it does not have: the creating object must come first.
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const order = event({
        type: 'track',
        anonymousId: 'a1',
        event: 'Order Completed',
        properties: {
          order_id: 'o1',
          currency: 'USD',
          products: [
            { product_id: 'p1', price: 10 },
            { product_id: 'p2', price: 5 }
          ]
        }
      })
      await send(runtime, [[order]], { ...LABELLED, maxObjectsPerRequest: '1', ecommerceMode: 'purchases' })
      const visitor = braze.profile({ user_alias: { alias_name: 'a1', alias_label: LABEL } })
      expect(visitor!.purchases.map((purchase) => purchase.product_id).sort()).toEqual(['p1', 'p2'])
    })

    test("an alias whose previousId is another anonymousId than the event's (the spec's example): one profile", async () => {
      // https://segment.com/docs/connections/spec/alias/: previousId "might be an Anonymous ID assigned to that user".
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [page('39239-239239-239239-23923', 'Pricing')],
          [event({ type: 'alias', userId: '507f191e81', previousId: '39239-239239-239239-23923', anonymousId: '507f191e810c19729de860ea' })]
        ],
        LABELLED
      )
      const profiles = braze.profiles()
      expect(profiles).toHaveLength(1)
      expect(profiles[0]!.identifiers.external_id).toBe('507f191e81')
      expect(eventNames(profiles[0])).toEqual(['Viewed Pricing'])
    })

    test('updateExistingOnly: a track or an order for an unknown user creates no profile', async () => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      const order = event({
        type: 'track',
        userId: 'stranger',
        event: 'Order Completed',
        properties: { order_id: 'o', currency: 'USD', products: [{ product_id: 'p', price: 3 }] }
      })
      await send(runtime, [[event({ type: 'track', userId: 'stranger', event: 'Viewed' }), order]], {
        ...SETTINGS,
        updateExistingOnly: true,
        ecommerceMode: 'purchases'
      })
      expect(braze.profiles()).toHaveLength(0)
    })
  })
})

// A merge by email or phone takes whichever unidentified profile has it when Braze applies it, so it is
// never taken as done for good, and two spellings of one email are one profile to the merge order and
// the merge memory.
const lead = (fields: Record<string, unknown>) => event({ type: 'track', ...fields })
/** Profiles as these journeys compare them. */
const view = () =>
  braze.profiles().map((p) => ({
    external_id: p.identifiers.external_id,
    aliases: p.identifiers.user_aliases.map((a) => a.alias_name),
    email: p.identifiers.email,
    attributes: p.attributes,
    events: p.events.map((e) => e.name).sort()
  }))

describe.each(MODES)('the same email again, %s', (_mode, send) => {
  test.each(RUNTIME_PROFILES)(
    "[%s runtime] a second-device anonymous lead form with the same email as the user's, then a server-side identify: one profile",
    async (profile) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'L1', traits: { email: 'e5@example.com', source: 'webinar' } })],
          [identify({ userId: 'u5', anonymousId: 'L1', traits: { email: 'e5@example.com' } })],
          // later that day, on a second device, before signing in there: a lead form with the same email
          [
            identify({ anonymousId: 'L2', traits: { email: 'e5@example.com', ebook: true } }),
            lead({ anonymousId: 'L2', event: 'Downloaded' })
          ],
          // server-side identify (no anonymousId) with the email
          [identify({ userId: 'u5', traits: { email: 'e5@example.com', plan: 'pro' } })]
        ],
        LABELLED
      )
      expect(view()).toMatchObject([
        { external_id: 'u5', attributes: { source: 'webinar', ebook: true, plan: 'pro' }, events: ['Downloaded'] }
      ])
    }
  )

  test.each(RUNTIME_PROFILES)(
    '[%s runtime] a user changes email, a lead form brings the old email back in another case, the user changes back: one profile',
    async (profile) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'x', traits: { email: 'old@example.com', source: 'a' } })],
          [identify({ userId: 'u7', traits: { email: 'old@example.com' } })],
          [identify({ userId: 'u7', traits: { email: 'new@example.com' } })],
          [identify({ anonymousId: 'y', traits: { email: 'Old@Example.com', webinar: 2 } })],
          [identify({ userId: 'u7', traits: { email: 'old@example.com' } })]
        ],
        SETTINGS
      )
      expect(view()).toMatchObject([{ external_id: 'u7', attributes: { source: 'a', webinar: 2 } }])
    }
  )

  test.each(RUNTIME_PROFILES)(
    '[%s runtime] an email lead, then two users given its email in two spellings: the lead goes to the first, as one by one',
    async (profile) => {
      const runtime = loadBuilt({ profile, brazeBaseUrl: braze.url })
      await send(
        runtime,
        [
          [identify({ anonymousId: 'x', traits: { email: 'lead27@example.com', source: 'w' } })],
          [
            identify({ userId: 'u1', traits: { email: 'Lead27@example.com' }, timestamp: at(1) }),
            identify({ userId: 'u2', traits: { email: 'lead27@example.com' }, timestamp: at(2) })
          ]
        ],
        SETTINGS
      )
      expect(view()).toMatchObject([
        { external_id: 'u1', attributes: { source: 'w' } },
        { external_id: 'u2', attributes: {} }
      ])
      expect(view()[1]!.attributes).not.toHaveProperty('source')
    }
  )
})
