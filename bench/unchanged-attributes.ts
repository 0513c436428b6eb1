// What skipUnchangedAttributes saves on a stream where client libraries call
// identify with all of a user's traits on every page load (a common
// analytics.js setup): attribute objects and estimated Braze data points,
// with and without the setting, against sending every identify's attributes.
// One warm instance (one Segment cache) takes the whole stream in batches.
import { readFileSync } from 'node:fs'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { estimateTrackDataPoints } from '../src/tools/data-points'
import { builtFunctionFile } from '../src/tools/paths'
import { loadFunction } from '../src/tools/segment-runtime'
import { Rng } from './prng'
import { BENCH_SETTINGS } from './stream'
import type { Row } from './table'

const USERS = 500
const PAGE_LOADS = 8_000
const BATCH = 100

/** Each page load: an identify with the user's 8 traits (one of them changes now and then) and the page's track. */
function pageLoadStream(seed = 7): Array<Record<string, unknown>> {
  const rng = new Rng(seed)
  const traits = Array.from({ length: USERS }, (_, user) => ({
    email: `user${user}@example.com`,
    first_name: `First${user}`,
    last_name: `Last${user}`,
    plan: rng.pick(['free', 'pro', 'team']),
    company: `Company ${user % 40}`,
    seats: rng.int(50) + 1,
    created_at: '2024-01-15T09:30:00.000Z',
    newsletter: rng.next() < 0.5
  }))
  const events: Array<Record<string, unknown>> = []
  for (let i = 0; i < PAGE_LOADS; i++) {
    const user = Math.min(USERS - 1, Math.floor(rng.next() ** 2 * USERS))
    const mine = traits[user]!
    if (rng.next() < 0.05) mine.seats += 1
    if (rng.next() < 0.02) mine.plan = rng.pick(['free', 'pro', 'team'])
    const timestamp = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString()
    events.push({ type: 'identify', userId: `user-${user}`, messageId: `load-${i}-i`, timestamp, traits: { ...mine } })
    events.push({
      type: 'track',
      userId: `user-${user}`,
      messageId: `load-${i}-t`,
      timestamp,
      event: 'Page Loaded',
      properties: { path: `/p/${rng.int(20)}` }
    })
  }
  return events
}

export async function unchangedAttributes(): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const code = readFileSync(builtFunctionFile(), 'utf8')
  const events = pageLoadStream()
  const identifies = events.filter((event) => event.type === 'identify')
  const everyEvent = identifies.reduce((sum, event) => sum + Object.keys(event.traits as object).length, 0)
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey })
  const details: Record<string, { attributeObjects: number; attributeDataPoints: number; notDelivered: number }> = {}
  try {
    for (const skip of [false, true]) {
      braze.reset()
      const runtime = loadFunction(code, { brazeBaseUrl: braze.url })
      const settings = { ...BENCH_SETTINGS, skipUnchangedAttributes: skip }
      let notDelivered = 0
      for (let i = 0; i < events.length; i += BATCH) {
        const results = (await runtime.handlers.onBatch!(events.slice(i, i + BATCH), settings)) as Array<{ status: number }>
        notDelivered += results.filter((result) => result.status !== 200).length
      }
      let attributeObjects = 0
      let attributeDataPoints = 0
      for (const request of braze.requests) {
        if (request.path !== '/users/track') continue
        attributeObjects += ((request.body as { attributes?: unknown[] }).attributes ?? []).length
        attributeDataPoints += estimateTrackDataPoints(request.body).attributes
      }
      details[skip ? 'skipUnchangedAttributes on' : 'off'] = { attributeObjects, attributeDataPoints, notDelivered }
    }
  } finally {
    await braze.close()
  }
  const off = details.off!
  const on = details['skipUnchangedAttributes on']!
  const saved = 1 - on.attributeDataPoints / everyEvent
  const line = (label: string, value: { attributeObjects: number; attributeDataPoints: number }) =>
    `${value.attributeDataPoints.toLocaleString('en-US')} data points in ${value.attributeObjects.toLocaleString('en-US')} attribute objects (${label})`
  return {
    rows: [
      {
        metric: `identify on every page load (${PAGE_LOADS.toLocaleString('en-US')} loads, ${USERS} users): every identify sent as is`,
        value: everyEvent,
        unit: 'data points',
        display: `${everyEvent.toLocaleString('en-US')} attribute data points in ${identifies.length.toLocaleString('en-US')} objects`
      },
      {
        metric: '  merged per user in batches of 100 (default)',
        value: off.attributeDataPoints,
        unit: 'data points',
        display: line(`−${((1 - off.attributeDataPoints / everyEvent) * 100).toFixed(0)} %`, off)
      },
      {
        metric: '  with skipUnchangedAttributes',
        value: on.attributeDataPoints,
        unit: 'data points',
        display: line(`−${(saved * 100).toFixed(0)} %`, on),
        target: '≥ 50 % fewer',
        ok: saved >= 0.5 && on.notDelivered === 0
      }
    ],
    details: { everyEvent, ...details }
  }
}
