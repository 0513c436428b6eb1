// Every example payload from Segment's docs (test/fixtures/segment-docs, see
// its README.md) through mapEvent: each file has an explicit expectation, and
// a new fixture without one fails the suite.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { SEGMENT_ERROR_KINDS, isProblem, type Problem, type SegmentErrorKind } from '../src/destination/errors'
import { mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { ECOMMERCE_FIXTURES, ECOMMERCE_TIME, RECOMMENDED, ecommerceTrack, orderCompletedPurchases } from './helpers/ecommerce'
import { engagePlan, NOW_ISO, now, plan, settingsFor } from './helpers/settings'

const DIR = path.join(__dirname, 'fixtures', 'segment-docs')
const LABEL = 'segment_anonymous_id'

/** What a team connecting Segment and Engage to Braze typically turns on. */
const TYPICAL = { sendPageEvents: true, sendScreenEvents: true, anonymousAliasLabel: LABEL, audienceAttribute: 'segment_audiences' }

function load(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
}

/** The plan, its messageId checked against the event's here once, so each expectation below can leave it out. */
function run(event: unknown, overrides: Record<string, unknown> = TYPICAL): EventPlan | Problem {
  const result = mapEvent(event, settingsFor(overrides), now)
  if (isProblem(result)) return result
  const messageId = (event as { messageId?: unknown }).messageId
  expect(result.messageId).toBe(typeof messageId === 'string' && messageId.trim() !== '' ? messageId : undefined)
  return { ...result, messageId: undefined }
}

function expectPlan(result: EventPlan | Problem): EventPlan {
  if (isProblem(result)) throw new Error(`expected a plan, got ${result.kind}: ${result.message}`)
  return result
}

function expectProblem(result: EventPlan | Problem, kind: SegmentErrorKind, message: RegExp): void {
  expect(isProblem(result)).toBe(true)
  expect(result).toEqual({ kind, message: expect.stringMatching(message) })
}

// The ecommerce files hold only the properties object of analytics.track(name, properties): the
// README names the event. Wrapped in a minimal track event (userId and timestamp are ours).
const ECOMMERCE = ECOMMERCE_FIXTURES
const ecommerceEvent = (file: string) => ecommerceTrack(file)

const identifyPeter = (anonymousId: string, epoch: number, extra: Record<string, unknown> = {}) =>
  plan({
    attributes: [
      {
        external_id: '97980cfea0067',
        first_name: 'Peter',
        last_name: 'Gibbons',
        email: 'peter@example.com',
        plan: 'premium',
        logins: 5,
        ...extra
      }
    ],
    merges: [
      {
        identifier_to_merge: { user_alias: { alias_name: anonymousId, alias_label: LABEL } },
        identifier_to_keep: { external_id: '97980cfea0067' }
      },
      {
        identifier_to_merge: { email: 'peter@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
        identifier_to_keep: { external_id: '97980cfea0067' }
      }
    ],
    epoch
  })

/** One expectation per fixture file. */
const EXPECTED: Record<string, () => void> = {
  'spec-identify-full.json': () => {
    expect(run(load('spec-identify-full.json'))).toEqual(
      identifyPeter('507f191e810c19729de860ea', Date.parse('2015-02-23T22:28:55.111Z'), { home_city: 'San Francisco', country: 'US' })
    )
  },
  'partners-spec-identify.json': () => {
    expect(run(load('partners-spec-identify.json'))).toEqual(
      identifyPeter('3d316d2c-26e8-451f-91be-a0766708c81e', Date.parse('2019-06-21T17:33:22.486Z'))
    )
  },
  'partners-spec-identify-intro.json': () => {
    expect(run(load('partners-spec-identify-intro.json'))).toEqual(
      identifyPeter('3d316d2c-26e8-451f-91be-a0766708c81e', Date.parse('2019-06-21T16:33:26.158Z'))
    )
  },
  'spec-track-full.json': () => {
    expect(run(load('spec-track-full.json'))).toEqual(
      plan({
        events: [
          {
            external_id: 'AiUGstSDIg',
            name: 'Course Clicked',
            time: '2015-12-12T19:11:01.249Z',
            properties: { title: 'Intro to Analytics' }
          }
        ],
        epoch: Date.parse('2015-12-12T19:11:01.249Z')
      })
    )
  },
  'spec-track-context-traits.json': () => {
    // context.traits.username is not an identifier and a track sends no attributes.
    expect(run(load('spec-track-context-traits.json'))).toEqual(
      plan({
        events: [
          {
            external_id: 'AiUGstSDIg',
            name: 'Button Clicked',
            time: '2015-12-12T19:11:01.249Z',
            properties: { title: 'Intro to Analytics' }
          }
        ],
        epoch: Date.parse('2015-12-12T19:11:01.249Z')
      })
    )
  },
  'partners-spec-track.json': () => {
    expect(run(load('partners-spec-track.json'))).toEqual(
      plan({
        events: [
          {
            external_id: '97980cfea0067',
            name: 'Registered',
            time: '2019-06-21T17:35:47.404Z',
            properties: { accountType: 'Facebook', plan: 'Pro Annual' }
          }
        ],
        epoch: Date.parse('2019-06-21T17:35:47.404Z')
      })
    )
  },
  'spec-common-fields-full.json': () => {
    expect(run(load('spec-common-fields-full.json'))).toEqual(
      plan({
        events: [{ external_id: '97980cfea0067', name: 'Report Submitted', time: '2015-12-10T04:08:31.905Z' }],
        epoch: Date.parse('2015-12-10T04:08:31.905Z')
      })
    )
  },
  'partners-spec-common-fields.json': () => {
    // A type "track" with the common fields only: no event name.
    expectProblem(run(load('partners-spec-common-fields.json')), 'InvalidEventPayload', /track call needs an "event" name/)
  },
  'spec-page-full.json': () => {
    expect(run(load('spec-page-full.json'))).toEqual(
      plan({
        events: [
          {
            external_id: '97980cfea0067',
            name: 'Viewed Home Page',
            time: '2015-02-23T22:28:55.111Z',
            properties: { title: 'Welcome | Initech', url: 'http://www.example.com' }
          }
        ],
        epoch: Date.parse('2015-02-23T22:28:55.111Z')
      })
    )
    expectProblem(run(load('spec-page-full.json'), {}), 'EventNotSupported', /"sendPageEvents"/)
  },
  'partners-spec-page.json': () => {
    // category: null → no category in the name; empty-string properties are kept.
    expect(run(load('partners-spec-page.json'))).toEqual(
      plan({
        events: [
          {
            external_id: '97980cfea0067',
            name: 'Viewed Home Page',
            time: '2019-06-21T17:36:42.812Z',
            properties: { name: 'Home', path: '/index.html', referrer: '', search: '', title: '', url: 'https://example.com/index.html' }
          }
        ],
        epoch: Date.parse('2019-06-21T17:36:42.812Z')
      })
    )
  },
  'spec-screen-full.json': () => {
    expect(run(load('spec-screen-full.json'))).toEqual(
      plan({
        events: [
          {
            external_id: '97980cfea0067',
            name: 'Viewed Home Screen',
            time: '2015-02-23T22:28:55.111Z',
            properties: { variation: 'blue signup button' }
          }
        ],
        epoch: Date.parse('2015-02-23T22:28:55.111Z')
      })
    )
    expectProblem(run(load('spec-screen-full.json'), {}), 'EventNotSupported', /"sendScreenEvents"/)
  },
  'spec-group-full.json': () => {
    expect(run(load('spec-group-full.json'))).toEqual(
      plan({
        attributes: [{ external_id: '97980cfea0067', ab_segment_group_0e8c78ea9d97a7b8185e8632: true }],
        epoch: Date.parse('2015-02-23T22:28:55.111Z')
      })
    )
  },
  'partners-spec-group.json': () => {
    expect(run(load('partners-spec-group.json'))).toEqual(
      plan({
        attributes: [{ external_id: '97980cfea0067', ab_segment_group_0e8c78ea9d97a7b8185e8632: true }],
        epoch: Date.parse('2019-06-21T17:39:06.171Z')
      })
    )
  },
  'spec-alias-full.json': () => {
    // previousId is not the event's anonymousId: "an Anonymous ID assigned to that user or a User ID you previously
    // identified them with" (the spec), so the profile of either is merged; the alias only with anonymousAliasLabel.
    const keep = { external_id: '507f191e81' }
    const previous = '39239-239239-239239-23923'
    const userMerge = { identifier_to_merge: { external_id: previous }, identifier_to_keep: keep }
    const aliasMerge = { identifier_to_merge: { user_alias: { alias_name: previous, alias_label: LABEL } }, identifier_to_keep: keep }
    const epoch = Date.parse('2015-02-23T22:28:55.111Z')
    expect(run(load('spec-alias-full.json'))).toEqual(plan({ attributes: [keep], merges: [aliasMerge, userMerge], epoch }))
    expect(run(load('spec-alias-full.json'), {})).toEqual(plan({ attributes: [keep], merges: [userMerge], epoch }))
  },
  'partners-spec-alias.json': () => {
    const keep = { external_id: '507f191e81' }
    const userMerge = { identifier_to_merge: { external_id: '97980cfea0067' }, identifier_to_keep: keep }
    const aliasMerge = {
      identifier_to_merge: { user_alias: { alias_name: '97980cfea0067', alias_label: LABEL } },
      identifier_to_keep: keep
    }
    expect(run(load('partners-spec-alias.json'))).toEqual(
      plan({ attributes: [keep], merges: [aliasMerge, userMerge], epoch: Date.parse('2019-06-21T17:39:57.031Z') })
    )
  },
  'partners-spec-delete.json': () => {
    // context: null, integrations: null, and a non-ISO originalTimestamp.
    expect(run(load('partners-spec-delete.json'))).toEqual(
      plan({ deletes: [{ external_id: '507f191e81' }], epoch: Date.parse('2020-05-09T23:54:49.209Z') })
    )
  },
  'partners-subscriptions-delete.json': () => {
    // context: [], integrations: [].
    expect(run(load('partners-subscriptions-delete.json'))).toEqual(
      plan({ deletes: [{ external_id: '5678' }], epoch: Date.parse('2019-02-19T23:58:54.387Z') })
    )
  },
  'engage-audience-identify.json': () => {
    expect(run(load('engage-audience-identify.json'))).toEqual(
      engagePlan({ attributes: [{ external_id: 'u123', first_time_shopper: true, segment_audiences: { add: ['first_time_shopper'] } }] })
    )
    expect(run(load('engage-audience-identify.json'), {})).toEqual(
      engagePlan({ attributes: [{ external_id: 'u123', first_time_shopper: true }] })
    )
  },
  'engage-audience-track.json': () => {
    expect(run(load('engage-audience-track.json'))).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', segment_audiences: { add: ['first_time_shopper'] } }],
        events: [
          {
            external_id: 'u123',
            name: 'Audience Entered',
            time: NOW_ISO,
            properties: { audience_key: 'first_time_shopper', first_time_shopper: true }
          }
        ]
      })
    )
  },
  'engage-computed-trait-identify.json': () => {
    expect(run(load('engage-computed-trait-identify.json'))).toEqual(
      engagePlan({ attributes: [{ external_id: 'u123', total_revenue_180_days: 450 }] })
    )
  },
  'engage-computed-trait-track.json': () => {
    expect(run(load('engage-computed-trait-track.json'))).toEqual(
      engagePlan({
        events: [
          {
            external_id: 'u123',
            name: 'Trait Computed',
            time: NOW_ISO,
            properties: { trait_key: 'total_revenue_180_days', total_revenue_180_days: 450 }
          }
        ]
      })
    )
  },
  'engage-journey-identify.json': () => {
    expect(run(load('engage-journey-identify.json'))).toEqual(
      engagePlan({ attributes: [{ external_id: 'u123', recent_buyer: true, segment_audiences: { add: ['recent_buyer'] } }] })
    )
  },
  'engage-journey-track.json': () => {
    expect(run(load('engage-journey-track.json'))).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', segment_audiences: { add: ['recent_buyer'] } }],
        events: [
          { external_id: 'u123', name: 'Audience Entered', time: NOW_ISO, properties: { audience_key: 'j_o_###', recent_buyer: true } }
        ]
      })
    )
  },
  'engage-journey-v1-step-identify.json': () => {
    // No userId and no anonymousId in the docs' example: nothing identifies the user.
    for (const settings of [TYPICAL, {}]) {
      expectProblem(
        run(load('engage-journey-v1-step-identify.json'), settings),
        'ValidationError',
        /Braze needs an identified user.*userId.*anonymousAliasLabel/
      )
    }
    // With a userId, the "true" string is a boolean membership.
    expect(run({ ...load('engage-journey-v1-step-identify.json'), userId: 'u123' })).toEqual(
      engagePlan({
        attributes: [
          {
            external_id: 'u123',
            j_o_first_purchase__opened_email_dje83h: true,
            segment_audiences: { add: ['j_o_first_purchase__opened_email_dje83h'] }
          }
        ]
      })
    )
  },
  'engage-journey-v1-step-track.json': () => {
    for (const settings of [TYPICAL, {}]) {
      expectProblem(
        run(load('engage-journey-v1-step-track.json'), settings),
        'ValidationError',
        /Braze needs an identified user.*userId.*anonymousAliasLabel/
      )
    }
    expect(run({ ...load('engage-journey-v1-step-track.json'), userId: 'u123' })).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', segment_audiences: { add: ['j_o_first_purchase__opened_email_dje83h'] } }],
        events: [
          { external_id: 'u123', name: 'Audience Entered', time: NOW_ISO, properties: { j_o_first_purchase__opened_email_dje83h: true } }
        ]
      })
    )
  },
  'engage-journey-v2-destination-track.json': () => {
    const fixture = load('engage-journey-v2-destination-track.json')
    expect(run(fixture)).toEqual(
      engagePlan({
        events: [
          {
            external_id: 'test-user-67',
            name: '<<YOUR CUSTOM EVENT NAME>>',
            time: '2025-01-15T02:02:15.908Z',
            properties: fixture.properties as Record<string, never>
          }
        ],
        epoch: Date.parse('2025-01-15T02:02:15.908Z')
      })
    )
  },
  'engage-linked-audience-event.json': () => {
    // Only event and properties: no type, so not an event mapEvent can route...
    expectProblem(run(load('engage-linked-audience-event.json')), 'EventNotSupported', /This event has no "type"/)
    // ...as Segment delivers it to onTrack, it has no user...
    const asTrack = { ...load('engage-linked-audience-event.json'), type: 'track' }
    expectProblem(run(asTrack), 'ValidationError', /userId/)
    // ...and with one it is a custom event with its nested entity properties.
    const result = expectPlan(run({ ...asTrack, userId: 'u1' }))
    expect(result.events).toEqual([
      {
        external_id: 'u1',
        name: 'abandoned_carts_linked_audience',
        time: NOW_ISO,
        properties: (load('engage-linked-audience-event.json') as { properties: Record<string, never> }).properties
      }
    ])
  },
  'engage-trait-enrichment-identify.json': () => {
    // The top-level "email" is not a Segment field: userId identifies.
    expect(run(load('engage-trait-enrichment-identify.json'))).toEqual(
      plan({
        attributes: [{ external_id: 'test-user-cq8idf', trait1: 1, trait2: 'test', trait3: true }],
        epoch: Date.parse('2024-02-22T22:11:15.595Z')
      })
    )
  },
  'engage-trait-enrichment-track.json': () => {
    expect(run(load('engage-trait-enrichment-track.json'))).toEqual(
      plan({
        events: [
          {
            external_id: 'test-user-1tgg9e',
            name: 'Segment Test Event Name',
            time: '2024-02-22T22:10:13.640Z',
            properties: { property1: 1, property2: 'test', property3: true }
          }
        ],
        epoch: Date.parse('2024-02-22T22:10:13.640Z')
      })
    )
  },
  // The default ecommerceMode, "recommended": Braze's ecommerce.* events (test/helpers/ecommerce.ts).
  'ecommerce-order-completed-properties.json': () => {
    expectRecommended('ecommerce-order-completed-properties.json')
    // Legacy purchases, as before recommended events existed.
    expect(run(ecommerceEvent('ecommerce-order-completed-properties.json'), { ecommerceMode: 'purchases' })).toEqual(
      plan({ purchases: orderCompletedPurchases() as never[], epoch: Date.parse(ECOMMERCE_TIME) })
    )
  },
  'ecommerce-checkout-started-properties.json': () => expectRecommended('ecommerce-checkout-started-properties.json'),
  'ecommerce-order-refunded-properties.json': () => expectRecommended('ecommerce-order-refunded-properties.json'),
  'ecommerce-order-cancelled-properties.json': () => expectRecommended('ecommerce-order-cancelled-properties.json'),
  'ecommerce-product-added-properties.json': () => expectRecommended('ecommerce-product-added-properties.json'),
  'ecommerce-product-removed-properties.json': () => expectRecommended('ecommerce-product-removed-properties.json'),
  'ecommerce-product-viewed-properties.json': () => {
    expectRecommended('ecommerce-product-viewed-properties.json')
    // As a custom event (ecommerceMode purchases) its lower-case currency is just a property.
    expectCustomEvent('ecommerce-product-viewed-properties.json', { ecommerceMode: 'purchases' })
    const result = expectPlan(run(ecommerceEvent('ecommerce-product-viewed-properties.json'), { ecommerceMode: 'purchases' }))
    expect(result.events[0]?.properties?.currency).toBe('usd')
  },
  // Deliberately no recommended event (see src/destination/ecommerce.ts): a custom event in every mode.
  'ecommerce-cart-viewed-properties.json': () => {
    for (const ecommerceMode of ['recommended', 'purchases', 'both'])
      expectCustomEvent('ecommerce-cart-viewed-properties.json', { ecommerceMode })
  }
}

function expectRecommended(file: string): void {
  const expected = RECOMMENDED[file]!
  expect(run(ecommerceEvent(file))).toEqual(
    plan({
      events: [{ external_id: 'u-shop', name: expected.name, time: ECOMMERCE_TIME, properties: expected.properties as never }],
      epoch: Date.parse(ECOMMERCE_TIME)
    })
  )
}

/** A custom event whose properties are the file, products list included. */
function expectCustomEvent(file: string, overrides: Record<string, unknown>): void {
  expect(run(ecommerceEvent(file), overrides)).toEqual(
    plan({
      events: [{ external_id: 'u-shop', name: ECOMMERCE[file]!, time: ECOMMERCE_TIME, properties: load(file) as Record<string, never> }],
      epoch: Date.parse(ECOMMERCE_TIME)
    })
  )
}

const FILES = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()

test('the fixtures are all there (and README.md documents them)', () => {
  expect(FILES).toHaveLength(37)
  expect(fs.existsSync(path.join(DIR, 'README.md'))).toBe(true)
  const readme = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8')
  for (const file of FILES) expect(readme).toContain(`\`${file}\``)
})

test('every fixture file has an expectation, and every expectation a file', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(FILES)
})

describe.each(FILES)('%s', (file) => {
  test('maps as expected', () => {
    EXPECTED[file]!()
  })

  test('with any combination of settings: a plan or a Problem of a Segment kind, never a throw', () => {
    const event = ECOMMERCE[file] ? ecommerceEvent(file) : load(file)
    for (const overrides of [
      {},
      TYPICAL,
      { ...TYPICAL, updateExistingOnly: true, appId: 'app', purchaseEvents: 'Order Completed, Order Refunded' }
    ]) {
      const result = run(event, overrides)
      if (isProblem(result)) {
        expect(SEGMENT_ERROR_KINDS).toContain(result.kind)
        expect(result.message.length).toBeGreaterThan(10)
      } else {
        expect(JSON.parse(JSON.stringify(result))).toEqual({ ...result, epoch: result.epoch ?? undefined })
      }
    }
  })
})

test('Order Refunded as a configured purchase event: 2 purchases in USD, quantities 1 and 2, with order_id', () => {
  const result = expectPlan(
    run(ecommerceEvent('ecommerce-order-refunded-properties.json'), { purchaseEvents: ['Order Refunded'], ecommerceMode: 'purchases' })
  )
  expect(result.purchases.map(({ product_id, currency, price, quantity }) => ({ product_id, currency, price, quantity }))).toEqual([
    { product_id: '507f1f77bcf86cd799439011', currency: 'USD', price: 19, quantity: 1 },
    { product_id: '505bd76785ebb509fc183733', currency: 'USD', price: 3, quantity: 2 }
  ])
  for (const purchase of result.purchases) expect(purchase.properties).toMatchObject({ order_id: '50314b8e9bcf000000000000', total: 30 })
})
