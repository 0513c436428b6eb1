// Which events of a batch (in time order) wait for a later round: an event
// giving an email or phone to a user after an event keyed by it, and what
// follows it on the same users or contacts.
import { contactRounds } from '../src/destination/contact-rounds'
import { mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { at } from './helpers/events'
import { settingsFor } from './helpers/settings'

const SETTINGS = settingsFor({ ecommerceMode: 'purchases' })

let sequence = 0
function plansOf(events: Array<Record<string, unknown>>): EventPlan[] {
  return events.map((event, index) => {
    const plan = mapEvent({ messageId: `m-${++sequence}`, timestamp: at(index), ...event }, SETTINGS)
    if ('kind' in plan) throw new Error(plan.message)
    return plan
  })
}
const user = (userId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId, traits })
/** No userId (and no anonymousAliasLabel): keyed by the email or phone its context carries. */
const viewed = (contact: Record<string, unknown>) => ({ type: 'track', event: 'Viewed', anonymousId: 'a-1', context: { traits: contact } })
const order = (contact: Record<string, unknown>) => ({
  type: 'track',
  event: 'Order Completed',
  anonymousId: 'a-1',
  context: { traits: contact },
  properties: { products: [{ product_id: 'p1', price: 1 }] }
})

test.each([
  ['no event keyed by a contact', [user('u1', { email: 'p@x.com' }), user('u2', { email: 'p@x.com' })], [[0, 1]]],
  [
    'a user given the email, then an event keyed by it: one request does it',
    [user('u1', { email: 'p@x.com' }), viewed({ email: 'p@x.com' })],
    [[0, 1]]
  ],
  [
    'an event keyed by an email, then a user given it (any case): the user waits',
    [viewed({ email: 'p@x.com' }), user('u1', { email: 'P@X.com' })],
    [[0], [1]]
  ],
  ['a purchase too', [order({ email: 'p@x.com' }), user('u1', { email: 'p@x.com' })], [[0], [1]]],
  [
    "the user's later events wait with it, others go at once",
    [viewed({ email: 'p@x.com' }), user('u1', { email: 'p@x.com' }), user('u2', { plan: 'x' }), user('u1', { plan: 'y' })],
    [
      [0, 2],
      [1, 3]
    ]
  ],
  [
    "a later Engage exit merging the email's lead waits too (an exit never sets the email)",
    [
      viewed({ email: 'p@x.com' }),
      user('u1', { email: 'p@x.com' }),
      {
        type: 'identify',
        userId: 'u2',
        traits: { vip: false, email: 'p@x.com' },
        context: { personas: { computation_class: 'audience', computation_key: 'vip', computation_id: 'aud_1', space_id: 'spa_1' } }
      }
    ],
    [[0], [1, 2]]
  ],
  [
    'a later alias merging the waiting user waits too',
    [viewed({ email: 'p@x.com' }), user('u2', { email: 'p@x.com' }), { type: 'alias', userId: 'u1', previousId: 'u2' }],
    [[0], [1, 2]]
  ],
  [
    'a later delete of the waiting user waits too',
    [viewed({ email: 'p@x.com' }), user('u1', { email: 'p@x.com' }), { type: 'delete', userId: 'u1' }],
    [[0], [1, 2]]
  ],
  ['phones, spelled differently', [viewed({ phone: '+1 415 555 0100' }), user('u1', { phone: '4155550100' })], [[0], [1]]],
  [
    "Engage's email-only calls before their users' identifies: two rounds, however many users",
    [
      viewed({ email: 'a@x.com' }),
      user('u1', { email: 'a@x.com' }),
      viewed({ email: 'b@x.com' }),
      user('u2', { email: 'b@x.com' }),
      viewed({ email: 'c@x.com' }),
      user('u3', { email: 'c@x.com' })
    ],
    [
      [0, 2, 4],
      [1, 3, 5]
    ]
  ],
  [
    'three rounds at most: the rest go together in the last',
    [
      viewed({ email: 'a@x.com' }),
      user('u1', { email: 'a@x.com' }),
      viewed({ email: 'a@x.com' }),
      user('u2', { email: 'a@x.com' }),
      viewed({ email: 'a@x.com' }),
      user('u3', { email: 'a@x.com' })
    ],
    [[0], [1, 2], [3, 4, 5]]
  ]
])('%s', (_name, events, rounds) => {
  expect(contactRounds(plansOf(events))).toEqual(rounds)
})

test('copies of one message (same messageId, same objects) share the round of the first; events never planned are in none', () => {
  const plans: Array<EventPlan | undefined> = plansOf([viewed({ email: 'p@x.com' }), user('u1', { email: 'p@x.com' })])
  plans.push({ ...plans[1]! }, undefined)
  expect(contactRounds(plans)).toEqual([[0], [1, 2]])
})
