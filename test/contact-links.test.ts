// Which Braze users of a batch must share a packing atom: an object keyed by
// an email or phone and the users given that email or phone (any spelling).
import type { BrazeAttributes } from '../src/destination/braze-types'
import { contactLinks } from '../src/destination/contact-links'

const user = (id: string, fields: Record<string, unknown>) => ({ external_id: id, ...fields }) as BrazeAttributes
const lead = (fields: Record<string, unknown>) => fields as BrazeAttributes
const visitor = (name: string, fields: Record<string, unknown>) =>
  ({ user_alias: { alias_name: name, alias_label: 'segment_anonymous_id' }, ...fields }) as BrazeAttributes

/** The groups of linked identity keys, sorted, for comparing. */
function groups(objects: BrazeAttributes[]): string[][] {
  const byRoot = new Map<string, string[]>()
  for (const [identity, root] of contactLinks(objects)) byRoot.set(root, [...(byRoot.get(root) ?? []), identity])
  return [...byRoot.values()].map((group) => group.sort()).sort()
}

test.each([
  ['users sharing an email, no object keyed by it', [user('u1', { email: 'p@x.com' }), user('u2', { email: 'p@x.com' })], []],
  ['a lead and a user with other emails', [lead({ email: 'a@x.com' }), user('u1', { email: 'b@x.com' })], []],
  [
    'a lead and the user given its email, in any case',
    [lead({ email: 'p@x.com', plan: 'lead' }), user('u1', { email: 'P@X.com' })],
    [['email:p@x.com', 'external_id:u1']]
  ],
  [
    'two spellings of one lead email',
    [lead({ email: 'P@Example.com' }), lead({ email: 'p@example.com' })],
    [['email:P@Example.com', 'email:p@example.com']]
  ],
  [
    'a phone lead and a user given the number, spelled otherwise',
    [lead({ phone: '+14155550100' }), user('u1', { phone: '+1 (415) 555-0100' })],
    [['external_id:u1', 'phone:+14155550100']]
  ],
  [
    'an alias profile given the email (anonymousAliasLabel), a lead and two users: one group',
    [lead({ email: 'p@x.com' }), visitor('a-1', { email: 'p@x.com' }), user('u1', { email: 'p@x.com' }), user('u2', { plan: 'x' })],
    [['email:p@x.com', 'external_id:u1', 'user_alias:{"alias_name":"a-1","alias_label":"segment_anonymous_id"}']]
  ],
  [
    'two leads, each linked to its own user',
    [lead({ email: 'p@x.com' }), user('u1', { email: 'p@x.com' }), lead({ email: 'q@x.com' }), user('u2', { email: 'q@x.com' })],
    [
      ['email:p@x.com', 'external_id:u1'],
      ['email:q@x.com', 'external_id:u2']
    ]
  ]
])('%s', (_name, objects, expected) => {
  expect(groups(objects)).toEqual(expected)
})
