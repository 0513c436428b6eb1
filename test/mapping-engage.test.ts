// Segment Engage (Personas): audiences, computed traits, SQL traits and
// journeys, as identify and as track (https://segment.com/docs/engage/using-engage-data/).
import { engagePlan, plan, planFor, problemFor } from './helpers/settings'

const T = '2024-05-01T10:00:00.000Z'
const EPOCH = Date.parse(T)
const ARRAY = { audienceAttribute: 'segment_audiences' }
const LEAD_MERGE = {
  identifier_to_merge: { email: 'pat@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
  identifier_to_keep: { external_id: 'u123' }
}

function personas(computation_class: string, computation_key: string): Record<string, unknown> {
  return {
    personas: {
      computation_class,
      computation_id: 'aud_2g5V8Xl8lDaeyOS7J8i4AdCFZ3p',
      computation_key,
      namespace: 'spa_w5akXzWfKjnn9nqBS6rJmB',
      space_id: 'spa_w5akXzWfKjnn9nqBS6rJmB'
    }
  }
}

function audienceIdentify(key: string, value: unknown, extraTraits: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'identify',
    userId: 'u123',
    messageId: 'personas_2g5WGNhZtTET4DhSeILpE6muHnH',
    timestamp: T,
    traits: { [key]: value, ...extraTraits },
    context: personas('audience', key),
    integrations: { All: false, 'Braze Destination Function (Acme)': true }
  }
}

function audienceTrack(event: string, key: string, value: unknown, cls = 'audience'): Record<string, unknown> {
  return {
    type: 'track',
    userId: 'u123',
    event,
    timestamp: T,
    properties: { audience_key: key, [key]: value },
    context: { traits: { email: 'pat@example.com' }, ...personas(cls, key) }
  }
}

describe('audience as identify → a boolean custom attribute', () => {
  test('entry: the audience key with true, next to the other traits (email is the standard attribute)', () => {
    expect(planFor(audienceIdentify('first_time_shopper', true, { email: 'pat@example.com' }))).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', first_time_shopper: true, email: 'pat@example.com' }],
        // Engage syncs a profile once per identifier: an email-only call may have made an email-only profile.
        merges: [
          {
            identifier_to_merge: { email: 'pat@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
            identifier_to_keep: { external_id: 'u123' }
          }
        ],
        epoch: EPOCH,
        messageId: 'personas_2g5WGNhZtTET4DhSeILpE6muHnH'
      })
    )
  })

  test('exit: false', () => {
    expect(planFor(audienceIdentify('first_time_shopper', false)).attributes).toEqual([{ external_id: 'u123', first_time_shopper: false }])
  })

  test("an exit's email and phone are merged, not set: Engage sends exits with every email the profile ever had", () => {
    // https://segment.com/docs/engage/trait-activation/id-sync/: "Segment sends all ID combinations for Audience Exit events".
    const exit = audienceIdentify('first_time_shopper', false) as { traits: Record<string, unknown> }
    const plan = planFor({ ...exit, traits: { ...exit.traits, email: 'old@example.com', phone: '+15551234567' } })
    expect(plan.attributes).toEqual([{ external_id: 'u123', first_time_shopper: false }])
    expect(plan.merges.map((merge) => merge.identifier_to_merge)).toEqual([
      { email: 'old@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
      { phone: '+15551234567', prioritization: ['unidentified', 'least_recently_updated'] }
    ])
    // The email's own call (no userId) is keyed by it, as always, and updates only a profile that holds it.
    const emailCall = planFor({ ...exit, userId: undefined, traits: { ...exit.traits, email: 'old@example.com' } })
    expect(emailCall.attributes).toEqual([{ email: 'old@example.com', first_time_shopper: false, _update_existing_only: true }])
  })

  test.each([
    ['"true"', 'true', true],
    ['"false"', 'false', false]
  ])('the string %s becomes a boolean', (_name, value, boolean) => {
    expect(planFor(audienceIdentify('first_time_shopper', value)).attributes).toEqual([
      { external_id: 'u123', first_time_shopper: boolean }
    ])
  })

  test.each([
    [true, { add: ['first_time_shopper'] }],
    ['true', { add: ['first_time_shopper'] }],
    [false, { remove: ['first_time_shopper'] }],
    ['false', { remove: ['first_time_shopper'] }]
  ])('with audienceAttribute, %j also edits the audience array: %j', (value, edit) => {
    expect(planFor(audienceIdentify('first_time_shopper', value), ARRAY).attributes).toEqual([
      { external_id: 'u123', first_time_shopper: value === true || value === 'true', segment_audiences: edit }
    ])
  })

  test('only the computation_key counts when the traits hold it: other boolean traits are no audience', () => {
    const event = audienceIdentify('vip_users', true, { newsletter: 'true', beta: false })
    expect(planFor(event, ARRAY).attributes).toEqual([
      { external_id: 'u123', vip_users: true, newsletter: 'true', beta: false, segment_audiences: { add: ['vip_users'] } }
    ])
  })

  test('the docs placeholder (computation_key not among the traits): the boolean trait is the membership', () => {
    const event = { type: 'identify', userId: 'u123', traits: { first_time_shopper: true }, context: personas('audience', 'aud_###') }
    expect(planFor(event, ARRAY).attributes).toEqual([
      { external_id: 'u123', first_time_shopper: true, segment_audiences: { add: ['first_time_shopper'] } }
    ])
  })

  test('a membership never overrides a standard attribute, nor adds a key Braze refuses', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { email_subscribe: 'true', $odd: true, vip: 'true' },
      context: personas('audience', 'aud_###')
    }
    const result = planFor(event, ARRAY)
    expect(result.attributes).toEqual([{ external_id: 'u123', vip: true, segment_audiences: { add: ['vip'] } }])
    expect(result.warnings).toHaveLength(2)
  })

  test('journey v1 step as identify: the "true" string becomes true', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { j_o_first_purchase__opened_email_dje83h: 'true' },
      context: personas('audience', 'j_o_###')
    }
    expect(planFor(event, ARRAY).attributes).toEqual([
      {
        external_id: 'u123',
        j_o_first_purchase__opened_email_dje83h: true,
        segment_audiences: { add: ['j_o_first_purchase__opened_email_dje83h'] }
      }
    ])
  })

  test("a Journey v1 step with Trait Enrichment: only the step key under the journey's prefix is the membership", () => {
    // https://segment.com/docs/engage/trait-activation/trait-enrichment/: the profile's own traits ride along.
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { j_o_first_purchase__opened_email_dje83h: 'true', trait3: true, beta_opt_in: 'false' },
      context: personas('audience', 'j_o_first_purchase')
    }
    expect(planFor(event, ARRAY).attributes).toEqual([
      {
        external_id: 'u123',
        j_o_first_purchase__opened_email_dje83h: true,
        trait3: true,
        beta_opt_in: 'false',
        segment_audiences: { add: ['j_o_first_purchase__opened_email_dje83h'] }
      }
    ])
  })

  test('several boolean traits and none named by the computation: no membership is guessed, the traits go as they are', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { is_vip: true, newsletter: 'false' },
      context: personas('audience', 'aud_###')
    }
    expect(planFor(event, ARRAY).attributes).toEqual([{ external_id: 'u123', is_vip: true, newsletter: 'false' }])
  })

  test('journey_step (v2) as identify is a membership too', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { journey_name__step_name_8943l: true },
      context: personas('journey_step', 'journey_name__step_name_8943l')
    }
    expect(planFor(event, ARRAY).attributes).toEqual([
      { external_id: 'u123', journey_name__step_name_8943l: true, segment_audiences: { add: ['journey_name__step_name_8943l'] } }
    ])
  })

  // Engage makes one call per identifier: the anonymousId's call of a visitor who signed up long ago must not
  // create the alias profile again beside the user it was merged into.
  test('an anonymous audience member (anonymousAliasLabel set) goes to the alias profile, if Braze has it', () => {
    const event = { ...audienceIdentify('first_time_shopper', true), userId: undefined, anonymousId: 'anon-9' }
    expect(planFor(event, { ...ARRAY, anonymousAliasLabel: 'segment_anonymous_id' }).attributes).toEqual([
      {
        user_alias: { alias_name: 'anon-9', alias_label: 'segment_anonymous_id' },
        _update_existing_only: true,
        first_time_shopper: true,
        segment_audiences: { add: ['first_time_shopper'] }
      }
    ])
  })

  test("an anonymous member with the braze_id Engage took from context.integrations.Braze: that Braze profile's attribute", () => {
    // https://segment.com/docs/connections/destinations/catalog/braze/ ("Engage"): "If braze_id is sent as an
    // externalId and userId is missing, Engage matches on braze_id when sending to Braze."
    const event = {
      ...audienceIdentify('first_time_shopper', true),
      userId: undefined,
      anonymousId: 'anon-1',
      context: { ...personas('audience', 'first_time_shopper'), integrations: { Braze: { braze_id: 'b-123' } } }
    }
    expect(planFor(event, { anonymousAliasLabel: 'segment_anonymous_id' }).attributes).toEqual([
      { braze_id: 'b-123', first_time_shopper: true }
    ])
  })

  test('a profile known only by email gets its own call (email identifier)', () => {
    const event = { ...audienceIdentify('first_time_shopper', true, { email: 'pat@example.com' }), userId: undefined }
    expect(planFor(event).attributes).toEqual([{ email: 'pat@example.com', first_time_shopper: true }])
  })

  test("an email's or phone's exit only updates a profile that holds it: a former email's exit creates no profile", () => {
    // Braze creates a profile for an email or phone no profile holds unless _update_existing_only is set
    // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/); an exit has nothing to take off it.
    const byEmail = { ...audienceIdentify('first_time_shopper', false, { email: 'old@example.com' }), userId: undefined }
    expect(planFor(byEmail, ARRAY).attributes).toEqual([
      {
        email: 'old@example.com',
        first_time_shopper: false,
        segment_audiences: { remove: ['first_time_shopper'] },
        _update_existing_only: true
      }
    ])
    const byPhone = { ...audienceIdentify('first_time_shopper', false, { phone: '+14155550100' }), userId: undefined }
    expect(planFor(byPhone).attributes).toEqual([{ phone: '+14155550100', first_time_shopper: false, _update_existing_only: true }])
    const exited = { ...audienceTrack('Audience Exited', 'vip', false), userId: undefined }
    const plan = planFor(exited, ARRAY)
    expect(plan.attributes).toEqual([{ email: 'pat@example.com', segment_audiences: { remove: ['vip'] }, _update_existing_only: true }])
    expect(plan.events).toEqual([
      expect.objectContaining({ email: 'pat@example.com', name: 'Audience Exited', _update_existing_only: true })
    ])
  })
})

describe('computed traits as identify → custom attributes, unchanged', () => {
  test('key and value unchanged; no audience array even with audienceAttribute', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { total_revenue_180_days: 450.0 },
      context: personas('trait', 'total_revenue_180_days')
    }
    expect(planFor(event, ARRAY)).toEqual(engagePlan({ attributes: [{ external_id: 'u123', total_revenue_180_days: 450 }] }))
  })

  test('a computed trait with a string value keeps it', () => {
    const event = {
      type: 'identify',
      userId: 'u123',
      traits: { last_product_viewed_item: 'Monopoly: 3rd Edition' },
      context: personas('trait', 'last_product_viewed_item')
    }
    expect(planFor(event).attributes).toEqual([{ external_id: 'u123', last_product_viewed_item: 'Monopoly: 3rd Edition' }])
  })

  test('a computed trait whose value is "true" stays a string (only memberships become booleans)', () => {
    const event = { type: 'identify', userId: 'u123', traits: { has_app: 'true' }, context: personas('trait', 'has_app') }
    expect(planFor(event).attributes).toEqual([{ external_id: 'u123', has_app: 'true' }])
  })

  test('a prediction (a number) is a custom attribute', () => {
    const event = { type: 'identify', userId: 'u123', traits: { likely_to_buy: 0.85 }, context: personas('trait', 'likely_to_buy') }
    expect(planFor(event).attributes).toEqual([{ external_id: 'u123', likely_to_buy: 0.85 }])
  })

  test('SQL traits: every column, and null for all of them when the user leaves the result set', () => {
    const entered = {
      type: 'identify',
      userId: 'u123',
      traits: { plan_tier: 'gold', seats: 12, renewal_date: '2025-01-31' },
      context: personas('trait', 'sql_trait')
    }
    expect(planFor(entered).attributes).toEqual([{ external_id: 'u123', plan_tier: 'gold', seats: 12, renewal_date: '2025-01-31' }])
    const left = { ...entered, traits: { plan_tier: null, seats: null, renewal_date: null } }
    expect(planFor(left, ARRAY).attributes).toEqual([{ external_id: 'u123', plan_tier: null, seats: null, renewal_date: null }])
  })

  test('a SQL trait whose columns hold the email and phone: leaving its result set never removes them from Braze', () => {
    const left = {
      type: 'identify',
      userId: 'u123',
      traits: { plan_tier: null, email: null, phone: null, first_name: null },
      context: personas('trait', 'sql_trait')
    }
    const result = planFor(left)
    expect(result.attributes).toEqual([{ external_id: 'u123', plan_tier: null, first_name: null }])
    expect(result.warnings).toEqual([
      'trait "email" null was not sent: an Engage payload never removes the user\'s email.',
      'trait "phone" null was not sent: an Engage payload never removes the user\'s phone.'
    ])
    // Not Engage: null unsets, as everywhere.
    const { context: _context, ...own } = left
    expect(planFor(own).attributes).toEqual([{ external_id: 'u123', plan_tier: null, email: null, phone: null, first_name: null }])
  })

  test("a SQL trait's leave on an email's or phone's own call only updates a profile that holds it: it creates none", () => {
    // Braze creates a profile for an email or phone no profile holds unless _update_existing_only is set
    // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/); a leave has nothing to unset there.
    const left = { type: 'identify', traits: { ltv: null, plan: null, email: 'pat@example.com' }, context: personas('trait', 'ltv') }
    expect(planFor(left).attributes).toEqual([{ email: 'pat@example.com', ltv: null, plan: null, _update_existing_only: true }])
    const byPhone = { ...left, traits: { ltv: null }, context: { ...left.context, traits: { phone: '+14155550100' } } }
    expect(planFor(byPhone).attributes).toEqual([{ phone: '+14155550100', ltv: null, _update_existing_only: true }])
    // A value among the nulls is an entry or an update: it goes to, or creates, the email's profile.
    const updated = { ...left, traits: { ltv: 12, plan: null, email: 'pat@example.com' } }
    expect(planFor(updated).attributes).toEqual([{ email: 'pat@example.com', ltv: 12, plan: null }])
  })
})

describe('Engage as track → custom events', () => {
  test('"Audience Entered": the event with its properties; the email in context.traits is set on the user and its email-only lead merged', () => {
    expect(planFor(audienceTrack('Audience Entered', 'first_time_shopper', true))).toEqual(
      engagePlan({
        // Engage syncs a profile once per identifier: the email's own call finds this profile by it, or made a lead first.
        attributes: [{ external_id: 'u123', email: 'pat@example.com' }],
        events: [
          {
            external_id: 'u123',
            name: 'Audience Entered',
            time: T,
            properties: { audience_key: 'first_time_shopper', first_time_shopper: true }
          }
        ],
        merges: [LEAD_MERGE],
        mergesBestEffort: true,
        epoch: EPOCH
      })
    )
  })

  test('an ordinary track keeps context.traits to itself: no attribute, no merge', () => {
    const { context, ...ordinary } = audienceTrack('Audience Entered', 'vip', true)
    const result = planFor({ ...ordinary, context: { traits: (context as { traits: unknown }).traits } })
    expect(result.attributes).toEqual([])
    expect(result.merges).toEqual([])
  })

  test('"Audience Entered" with audienceAttribute: also {"add": [key]}', () => {
    expect(planFor(audienceTrack('Audience Entered', 'first_time_shopper', true), ARRAY)).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', email: 'pat@example.com', segment_audiences: { add: ['first_time_shopper'] } }],
        events: [
          {
            external_id: 'u123',
            name: 'Audience Entered',
            time: T,
            properties: { audience_key: 'first_time_shopper', first_time_shopper: true }
          }
        ],
        merges: [LEAD_MERGE],
        mergesBestEffort: true,
        epoch: EPOCH
      })
    )
  })

  test('"Audience Exited" with audienceAttribute: {"remove": [key]}; the email it carries is merged, not set', () => {
    // Exits go to "all ID combinations" whatever ID Sync's strategy (https://segment.com/docs/engage/trait-activation/id-sync/):
    // the email may be any the profile ever had.
    expect(planFor(audienceTrack('Audience Exited', 'first_time_shopper', false), ARRAY)).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', segment_audiences: { remove: ['first_time_shopper'] } }],
        events: [
          {
            external_id: 'u123',
            name: 'Audience Exited',
            time: T,
            properties: { audience_key: 'first_time_shopper', first_time_shopper: false }
          }
        ],
        merges: [LEAD_MERGE],
        mergesBestEffort: true,
        epoch: EPOCH
      })
    )
  })

  test('the array update and the event carry updateExistingOnly like any object', () => {
    const result = planFor(audienceTrack('Audience Entered', 'vip', true), { ...ARRAY, updateExistingOnly: true })
    expect(result.attributes).toEqual([
      { external_id: 'u123', _update_existing_only: true, email: 'pat@example.com', segment_audiences: { add: ['vip'] } }
    ])
    expect(result.events[0]).toHaveProperty('_update_existing_only', true)
  })

  test('renamed entry/exit events are still memberships: read from context.personas, not the name', () => {
    const entered = planFor(audienceTrack('Became a VIP', 'vip', true), ARRAY)
    expect(entered.attributes).toEqual([{ external_id: 'u123', email: 'pat@example.com', segment_audiences: { add: ['vip'] } }])
    expect(entered.events).toEqual([{ external_id: 'u123', name: 'Became a VIP', time: T, properties: { audience_key: 'vip', vip: true } }])
    const exited = planFor(audienceTrack('No longer VIP', 'vip', false), ARRAY)
    expect(exited.attributes).toEqual([{ external_id: 'u123', segment_audiences: { remove: ['vip'] } }])
  })

  test.each([
    ['an audience entry renamed "Order Completed"', audienceTrack('Order Completed', 'vip', true), { add: ['vip'] }],
    [
      'a Journeys v2 step named "Checkout Started"',
      audienceTrack('Checkout Started', 'cart_abandoners__step_2', true, 'journey_step'),
      { add: ['cart_abandoners__step_2'] }
    ]
  ])('%s stays an Engage custom event, in every ecommerceMode and even when purchaseEvents names it', (_name, event, edit) => {
    const name = event.event as string
    for (const ecommerceMode of ['recommended', 'purchases', 'both']) {
      const result = planFor(event, { ...ARRAY, ecommerceMode, purchaseEvents: [name] })
      expect(result.events).toEqual([{ external_id: 'u123', name, time: T, properties: event.properties }])
      expect(result.purchases).toEqual([])
      expect(result.attributes).toEqual([{ external_id: 'u123', email: 'pat@example.com', segment_audiences: edit }])
    }
  })

  test('"Audience Entered" without context.personas is an ordinary event', () => {
    const event = { ...audienceTrack('Audience Entered', 'vip', true), context: {} }
    expect(planFor(event, ARRAY)).toEqual(
      plan({
        events: [{ external_id: 'u123', name: 'Audience Entered', time: T, properties: { audience_key: 'vip', vip: true } }],
        epoch: EPOCH
      })
    )
  })

  test('"Trait Computed": the event with its properties, no audience array', () => {
    const event = {
      type: 'track',
      userId: 'u123',
      event: 'Trait Computed',
      timestamp: T,
      properties: { trait_key: 'total_revenue_180_days', total_revenue_180_days: 450.0 },
      context: personas('trait', 'total_revenue_180_days')
    }
    expect(planFor(event, ARRAY)).toEqual(
      engagePlan({
        events: [
          {
            external_id: 'u123',
            name: 'Trait Computed',
            time: T,
            properties: { trait_key: 'total_revenue_180_days', total_revenue_180_days: 450 }
          }
        ],
        epoch: EPOCH
      })
    )
  })

  test('journey v1 step as track: the "true" string property becomes true', () => {
    const event = {
      type: 'track',
      userId: 'u123',
      event: 'Audience Entered',
      timestamp: T,
      properties: { j_o_first_purchase__opened_email_dje83h: 'true' },
      context: personas('audience', 'j_o_###')
    }
    expect(planFor(event, ARRAY)).toEqual(
      engagePlan({
        attributes: [{ external_id: 'u123', segment_audiences: { add: ['j_o_first_purchase__opened_email_dje83h'] } }],
        events: [{ external_id: 'u123', name: 'Audience Entered', time: T, properties: { j_o_first_purchase__opened_email_dje83h: true } }],
        epoch: EPOCH
      })
    )
  })

  test('journey_step (v2): a customer-named event with the journey context as nested properties', () => {
    const properties = {
      journey_context: {
        triggering_event: { organization: 'Pied Piper', compression_ratio: 5.2, output_code: 'not_hotdog' }
      },
      journey_metadata: { journey_id: '2GKsjADZkD', epoch_id: 'yiC2qPZNIS' },
      user_name: 'Richard Hendricks',
      pivot_count: 12
    }
    const event = {
      type: 'track',
      userId: 'test-user-67',
      event: 'Step Reached',
      timestamp: '2025-01-15T02:02:15.908Z',
      properties,
      context: personas('journey_step', 'journey_name__step_name_8943l')
    }
    expect(planFor(event, ARRAY)).toEqual(
      engagePlan({
        events: [{ external_id: 'test-user-67', name: 'Step Reached', time: '2025-01-15T02:02:15.908Z', properties }],
        epoch: Date.parse('2025-01-15T02:02:15.908Z')
      })
    )
  })

  test("a Journeys v2 step's chosen profile traits are no membership: nothing is added to the array, strings stay strings", () => {
    // https://segment.com/docs/engage/journeys/v2/event-triggered-journeys-steps/: journey context, metadata and traits, no flag.
    const properties = { journey_metadata: { journey_id: '2GKsjADZkD', epoch_id: 'yiC2qPZNIS' }, is_vip: true, plan_active: 'true' }
    const event = {
      type: 'track',
      userId: 'u123',
      event: 'Send Welcome',
      timestamp: T,
      properties,
      context: personas('journey_step', 'journey_name__step_name_8943l')
    }
    const result = planFor(event, ARRAY)
    expect(result.attributes).toEqual([])
    expect(result.events).toEqual([{ external_id: 'u123', name: 'Send Welcome', time: T, properties }])
  })

  // https://segment.com/docs/engage/audiences/account-audiences/: "Segment emits one group call per account", and an
  // account-level SQL trait that returns a user_id "fires a Group call which Segment uses to add users to groups".
  const ACCOUNT_WARNING =
    "The account's audiences and traits in this Engage group call were not sent (Braze has no accounts); only the user's group attribute was. Connect them with identify or track calls, which Engage sends for each user of the account."

  test.each([
    ['an audience entry', 'audience', 'high_value_accounts', true],
    ['an audience exit (the user is still in the account)', 'audience', 'high_value_accounts', false],
    ['an account-level SQL trait', 'trait', 'account_plan', 'enterprise']
  ])('an account-level group call for a user (%s): the group attribute, as any group call, and a warning', (_name, cls, key, value) => {
    const event = { type: 'group', groupId: 'acct_1', userId: 'u1', timestamp: T, traits: { [key]: value }, context: personas(cls, key) }
    expect(planFor(event, ARRAY)).toEqual(
      engagePlan({ attributes: [{ external_id: 'u1', ab_segment_group_acct_1: true }], warnings: [ACCOUNT_WARNING], epoch: EPOCH })
    )
  })

  test('an account-level group call for the account alone (no user): EventNotSupported saying why, nothing sent', () => {
    const result = problemFor(
      { type: 'group', groupId: 'acct_1', traits: { high_value_accounts: true }, context: personas('audience', 'high_value_accounts') },
      ARRAY
    )
    expect(result.kind).toBe('EventNotSupported')
    expect(result.message).toBe(
      "Engage's account-level group call names no user, and Braze has no accounts. Connect the account audience or trait to this destination with identify or track calls, which Engage sends for each user of the account."
    )
  })

  test('journey_step (v2) with a boolean step key: a membership, added to the array', () => {
    const event = {
      type: 'track',
      userId: 'u123',
      event: 'Step Reached',
      timestamp: T,
      properties: { journey_name__step_name_8943l: true },
      context: personas('journey_step', 'journey_name__step_name_8943l')
    }
    expect(planFor(event, ARRAY).attributes).toEqual([
      { external_id: 'u123', segment_audiences: { add: ['journey_name__step_name_8943l'] } }
    ])
  })

  test('the email in context.traits identifies an Engage track without userId', () => {
    const event = { ...audienceTrack('Audience Entered', 'vip', true), userId: undefined }
    expect(planFor(event, ARRAY)).toEqual(
      engagePlan({
        attributes: [{ email: 'pat@example.com', segment_audiences: { add: ['vip'] } }],
        events: [{ email: 'pat@example.com', name: 'Audience Entered', time: T, properties: { audience_key: 'vip', vip: true } }],
        epoch: EPOCH
      })
    )
  })

  test('a repeated "Audience Entered" maps to the same attribute edit (idempotent for attributes)', () => {
    const first = planFor(audienceTrack('Audience Entered', 'vip', true), ARRAY)
    const again = planFor(audienceTrack('Audience Entered', 'vip', true), ARRAY)
    expect(again.attributes).toEqual(first.attributes)
  })
})
