// Which events of a batch must reach Braze one delivery after another: an
// event keyed by an email or phone and another event that gives that contact
// to a user keyed otherwise go in time order; everything else at once.
import { contactOrder } from '../src/destination/contact-order'
import { mapEvent } from '../src/destination/map-event'
import type { EventPlan } from '../src/destination/plan'
import { at } from './helpers/events'
import { settingsFor } from './helpers/settings'

const SETTINGS = settingsFor({})

let sequence = 0
function plansOf(events: Array<Record<string, unknown>>): EventPlan[] {
  return events.map((event) => {
    const plan = mapEvent({ messageId: `m-${++sequence}`, ...event }, SETTINGS)
    if ('kind' in plan) throw new Error(plan.message)
    return plan
  })
}
const user = (userId: string, traits: Record<string, unknown>, second: number) => ({
  type: 'identify',
  userId,
  traits,
  timestamp: at(second)
})
/** No userId and no anonymousAliasLabel: keyed by the email (or phone) in its traits. */
const lead = (traits: Record<string, unknown>, second: number) => ({ type: 'identify', anonymousId: 'a-1', traits, timestamp: at(second) })

test.each([
  ['no event keyed by a contact', [user('u1', { email: 'p@x.com' }, 0), user('u2', { email: 'p@x.com' }, 1)], [[0, 1]]],
  ['a lead and a user with different emails', [lead({ email: 'a@x.com' }, 0), user('u1', { email: 'b@x.com' }, 1)], [[0, 1]]],
  ['a lead, then a user taking its email (any case)', [lead({ email: 'p@x.com' }, 0), user('u1', { email: 'P@X.com' }, 1)], [[0], [1]]],
  ['a user taking an email, then a lead with it', [user('u1', { email: 'p@x.com' }, 0), lead({ email: 'p@x.com' }, 1)], [[0], [1]]],
  [
    'by time, not by place in the batch',
    [user('u1', { email: 'p@x.com' }, 5), user('u2', { plan: 'x' }, 9), lead({ email: 'p@x.com' }, 1)],
    [[2], [0, 1]]
  ],
  ['phones too', [lead({ phone: '+14155550100' }, 0), user('u1', { phone: '+14155550100' }, 1)], [[0], [1]]],
  [
    'only where the conflict is: the events before it share a delivery',
    [user('u1', { plan: 'free' }, 0), lead({ email: 'p@x.com' }, 1), user('u2', { plan: 'pro' }, 2), user('u1', { email: 'p@x.com' }, 3)],
    [[0, 1, 2], [3]]
  ]
])('%s', (_name, events, deliveries) => {
  expect(contactOrder(plansOf(events))).toEqual(deliveries)
})

test('copies of one message (same messageId) share the delivery of the first; events never planned are in none', () => {
  const plans: Array<EventPlan | undefined> = plansOf([lead({ email: 'p@x.com' }, 0), user('u1', { email: 'p@x.com' }, 1)])
  plans.push({ ...plans[0]! }, undefined)
  expect(contactOrder(plans)).toEqual([[0, 2], [1]])
})
