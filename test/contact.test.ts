// Emails and phones Braze takes (src/destination/contact.ts): only those
// identify a user or become the email/phone attributes; anything else gets
// one warning and is never sent.
import fc from 'fast-check'
import { validEmail, validPhone } from '../src/destination/contact'
import { planFor, problemFor } from './helpers/settings'

describe('validEmail', () => {
  test.each([
    'ann@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    'x@xn--bcher-kva.example',
    'A_B-c@EXAMPLE.COM',
    // Braze's page: "One goal of this process is to support international characters (such as UTF-8) in the local part".
    'ännä@example.com',
    'josé.garcía@example.es',
    "a^b$c'd&e#f/g!h%i*j=k?l`m|n~o@example.com",
    'ab@gmail.com',
    'ann_lee-1.x+news@outlook.com',
    'a&b@example.com'
  ])('%j is an email', (email) => {
    expect(validEmail(email)).toBe(email)
  })

  test('surrounding whitespace is trimmed', () => {
    expect(validEmail('  ann@example.com \n')).toBe('ann@example.com')
  })

  test.each<unknown>([
    123,
    null,
    ['a@example.com'],
    { email: 'a@example.com' },
    '',
    'ann',
    'ann@',
    '@example.com',
    'ann@example',
    'ann@@example.com',
    'ann smith@example.com',
    'ann@exa mple.com',
    '.ann@example.com',
    'ann.@example.com',
    'an..n@example.com',
    'ann@-example.com',
    'ann@example.c',
    'ann@bücher.example',
    // Characters outside Braze's list (https://www.braze.com/docs/user_guide/message_building_by_channel/email/email_setup/email_validation/).
    'a{b}@example.com',
    'a(b)@example.com',
    'a,b@example.com',
    // "If the domain part is Gmail, the local part must be at least two characters long".
    'x@gmail.com',
    '𝒜@gmail.com', // one character, two UTF-16 units
    // Microsoft domains: /\A\w[\-\w]*(?:\.[\-\w]+)*\z/i before any +.
    'a&b@outlook.com',
    '-ann@hotmail.com',
    "o'brien+news@live.com",
    'a#b@msn.com',
    '"ann"@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`
  ])('%j is not', (value) => {
    expect(validEmail(value)).toBeUndefined()
  })
})

describe('validPhone: E.164 with +, or a 10-digit North American number', () => {
  test.each([
    '+15551234567',
    '+1 (724) 123-4567',
    '+44 20 7946 0958',
    '+4915123456789',
    '+6834002',
    '7241234567',
    '(724) 123-4567',
    '724.123.4567',
    '1-724-123-4567'
  ])('%j is a phone', (phone) => {
    expect(validPhone(phone)).toBe(phone)
  })

  test.each<unknown>([
    15551234567,
    '+1',
    '+12',
    '+0123456789',
    `+1${'2'.repeat(15)}`,
    '06 12 34 56 78',
    '1234567890',
    '7241234567 ext 12',
    'call me',
    '+1 555 CALL NOW',
    '',
    '++15551234567',
    '+1555123456x'
  ])('%j is not', (value) => {
    expect(validPhone(value)).toBeUndefined()
  })

  test('property: any E.164 number (+, country code 1-9, 7-15 digits in all) is accepted, spaced or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 14 }),
        fc.boolean(),
        (first, rest, spaced) => {
          const digits = [first, ...rest].join('')
          const phone = `+${spaced ? digits.replace(/(\d{3})/g, '$1 ').trim() : digits}`
          expect(validPhone(phone)).toBe(phone)
        }
      )
    )
  })
})

describe('through the mapping', () => {
  const T = '2024-05-01T10:00:00.000Z'

  test('a numeric email is neither identifier nor attribute: one warning', () => {
    const result = planFor({ type: 'identify', userId: 'u1', traits: { email: 123, plan: 'pro' }, timestamp: T })
    expect(result.attributes).toEqual([{ external_id: 'u1', plan: 'pro' }])
    expect(result.warnings).toEqual(['traits.email was ignored: not text (number).'])
  })

  test('a malformed email does not identify: the next identifier does', () => {
    const event = { type: 'track', event: 'Signed Up', traits: { email: 'not-an-email', phone: '+15551234567' }, timestamp: T }
    const result = planFor(event)
    expect(result.events[0]).toMatchObject({ phone: '+15551234567', name: 'Signed Up' })
    expect(result.warnings).toEqual(['traits.email was ignored: not a valid email address.'])
  })

  test('nothing valid left: the usual ValidationError', () => {
    const event = { type: 'identify', traits: { email: 'ann at example.com', phone: '12' }, timestamp: T }
    expect(problemFor(event)).toEqual({ kind: 'ValidationError', message: expect.stringMatching(/Braze needs an identified user/) })
  })

  test('context.traits are checked too', () => {
    const result = planFor({
      type: 'track',
      userId: 'u1',
      event: 'X',
      context: { traits: { email: 'x@', phone: 'call me' } },
      timestamp: T
    })
    expect(result.warnings).toEqual([
      'context.traits.email was ignored: not a valid email address.',
      'context.traits.phone was ignored: not a phone number Braze accepts (E.164 with +country code, or a 10-digit U.S. number).'
    ])
  })

  test('a valid phone is sent as written; null still unsets', () => {
    const result = planFor({ type: 'identify', userId: 'u1', traits: { phone: ' +1 (724) 123-4567 ', email: null }, timestamp: T })
    expect(result.attributes).toEqual([{ external_id: 'u1', phone: '+1 (724) 123-4567', email: null }])
    expect(result.warnings).toEqual([])
  })
})
