// One person, one Braze profile when the same email comes back: a merge by email or phone takes
// whichever unidentified profile has it when Braze applies it, so it is never taken as done for good,
// and two spellings of one email are one profile to the merge order and the merge memory. Through the
// built script against the embedded Braze, one by one and in batches.
import { type EmbeddedBraze } from '../src/tools/embedded-braze'
import type { SegmentRuntime } from '../src/tools/segment-runtime'
import { useEmbeddedBraze } from './helpers/embedded-braze'
import { useNock } from './helpers/braze-nock'
import { at } from './helpers/events'
import { loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'

const KEY = 'brz-CONTACTS-1d4f8a2c-key'
const LABEL = 'segment_anonymous_id'
const SETTINGS = { apiKey: KEY, dataCenter: 'US-01' }
const LABELLED = { ...SETTINGS, anonymousAliasLabel: LABEL }

let braze: EmbeddedBraze
let sequence = 0
const event = (fields: Record<string, unknown>) => ({ messageId: `c-${++sequence}`, timestamp: at(sequence % 60), ...fields })
const identify = (fields: Record<string, unknown>) => event({ type: 'identify', ...fields })
const track = (fields: Record<string, unknown>) => event({ type: 'track', ...fields })

useNock({ loopback: true })
useEmbeddedBraze({ apiKey: KEY }, (started) => (braze = started))

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
const view = () =>
  braze.profiles().map((p) => ({
    external_id: p.identifiers.external_id,
    aliases: p.identifiers.user_aliases.map((a) => a.alias_name),
    email: p.identifiers.email,
    attributes: p.attributes,
    events: p.events.map((e) => e.name).sort()
  }))

describe.each(MODES)('%s', (_mode, send) => {
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
            track({ anonymousId: 'L2', event: 'Downloaded' })
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
