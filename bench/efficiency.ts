// Batch efficiency on the Engage-heavy stream: the requests each 400-event
// batch costs against the lower bound computed from the objects actually
// sent, and the attribute objects and data points merging saves compared
// with sending every event's objects unmerged (mapEvent per event).
import { readFileSync } from 'node:fs'
import { lowerBound } from '../src/destination/batch-packer'
import { mapEvent } from '../src/destination/map-event'
import { parseSettings } from '../src/destination/settings'
import { BUILD_FILE } from '../src/tools/paths'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { loadFunction } from '../src/tools/segment-runtime'
import { estimateTrackDataPoints as estimateDataPoints } from '../src/tools/data-points'
import { BENCH_SETTINGS } from './stream'
import type { Row } from './table'

const PER_TYPE = 75
type TrackBody = { attributes?: unknown[]; events?: unknown[]; purchases?: unknown[] }

interface Tally {
  batches: number
  events: number
  delivered: number
  trackRequests: number
  otherRequests: number
  lowerBound: number
  batchesAtBound: number
  sent: { attributes: number; events: number; purchases: number; dataPoints: number; attributeDataPoints: number }
  unmerged: { attributes: number; events: number; purchases: number; dataPoints: number; attributeDataPoints: number; lowerBound: number }
}

export async function batchEfficiency(batches: unknown[][], maxObjectsPerRequest: number): Promise<{ rows: Row[]; tally: Tally }> {
  const rawSettings = { ...BENCH_SETTINGS, maxObjectsPerRequest: String(maxObjectsPerRequest) }
  const parsed = parseSettings(rawSettings)
  if ('problem' in parsed) throw new Error(parsed.problem.message)
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey, latencyMs: 0, maxObjectsPerRequest })
  const runtime = loadFunction(readFileSync(BUILD_FILE, 'utf8'), { brazeBaseUrl: braze.url })
  const limits = { perType: PER_TYPE, combined: maxObjectsPerRequest, bytes: Infinity }
  const tally: Tally = {
    batches: 0,
    events: 0,
    delivered: 0,
    trackRequests: 0,
    otherRequests: 0,
    lowerBound: 0,
    batchesAtBound: 0,
    sent: { attributes: 0, events: 0, purchases: 0, dataPoints: 0, attributeDataPoints: 0 },
    unmerged: { attributes: 0, events: 0, purchases: 0, dataPoints: 0, attributeDataPoints: 0, lowerBound: 0 }
  }
  try {
    for (const batch of batches) {
      const first = braze.requests.length
      const results = (await runtime.handlers.onBatch!(batch, rawSettings)) as Array<{ status: number }>
      const requests = braze.requests.slice(first)
      tally.batches++
      tally.events += batch.length
      tally.delivered += results.filter((result) => result.status === 200).length

      const counts = { attributes: 0, events: 0, purchases: 0 }
      for (const request of requests) {
        if (request.status < 200 || request.status >= 300) throw new Error(`Braze answered ${request.status} to ${request.path}`)
        if (request.path !== '/users/track') {
          tally.otherRequests++
          continue
        }
        tally.trackRequests++
        const body = request.body as TrackBody
        for (const name of ['attributes', 'events', 'purchases'] as const) counts[name] += body[name]?.length ?? 0
        const points = estimateDataPoints(body)
        tally.sent.dataPoints += points.total
        tally.sent.attributeDataPoints += points.attributes
      }
      const bound = lowerBound({ ...counts, total: counts.attributes + counts.events + counts.purchases, bytes: 0 }, limits)
      const trackRequests = requests.filter((request) => request.path === '/users/track').length
      tally.lowerBound += bound
      if (trackRequests === bound) tally.batchesAtBound++
      for (const name of ['attributes', 'events', 'purchases'] as const) tally.sent[name] += counts[name]

      // What the same batch costs without merging: every event's own objects.
      const unmerged: Required<TrackBody> = { attributes: [], events: [], purchases: [] }
      for (const event of batch) {
        const plan = mapEvent(event, parsed.settings)
        if ('kind' in plan) continue
        unmerged.attributes.push(...plan.attributes)
        unmerged.events.push(...plan.events)
        unmerged.purchases.push(...plan.purchases)
      }
      const unmergedPoints = estimateDataPoints(unmerged)
      tally.unmerged.attributes += unmerged.attributes.length
      tally.unmerged.events += unmerged.events.length
      tally.unmerged.purchases += unmerged.purchases.length
      tally.unmerged.dataPoints += unmergedPoints.total
      tally.unmerged.attributeDataPoints += unmergedPoints.attributes
      const total = unmerged.attributes.length + unmerged.events.length + unmerged.purchases.length
      tally.unmerged.lowerBound += lowerBound(
        { attributes: unmerged.attributes.length, events: unmerged.events.length, purchases: unmerged.purchases.length, total, bytes: 0 },
        limits
      )
    }
  } finally {
    await braze.close()
  }

  const L = maxObjectsPerRequest
  const perBatch = (n: number) => n / tally.batches
  const saving = (after: number, before: number) => (before === 0 ? 0 : (1 - after / before) * 100)
  const atBound = tally.trackRequests === tally.lowerBound
  const rows: Row[] = [
    {
      metric: `L=${L}: /users/track requests per 400-event batch`,
      value: perBatch(tally.trackRequests),
      unit: '',
      display: `${perBatch(tally.trackRequests).toFixed(2)} (bound ${perBatch(tally.lowerBound).toFixed(2)}; ${tally.batchesAtBound}/${tally.batches} batches at bound${tally.otherRequests ? `; +${tally.otherRequests} to other endpoints` : ''})`,
      target: '= lower bound',
      ok: atBound
    },
    {
      metric: `L=${L}:   unmerged would need at least`,
      value: perBatch(tally.unmerged.lowerBound),
      unit: '',
      display: `${perBatch(tally.unmerged.lowerBound).toFixed(2)} requests/batch`
    },
    {
      metric: `L=${L}: attribute objects sent vs unmerged`,
      value: saving(tally.sent.attributes, tally.unmerged.attributes),
      unit: '%',
      display: `${tally.sent.attributes} vs ${tally.unmerged.attributes} (−${saving(tally.sent.attributes, tally.unmerged.attributes).toFixed(1)}%)`
    },
    {
      metric: `L=${L}: data points sent vs unmerged (est.)`,
      value: saving(tally.sent.dataPoints, tally.unmerged.dataPoints),
      unit: '%',
      display: `${tally.sent.dataPoints} vs ${tally.unmerged.dataPoints} (−${saving(tally.sent.dataPoints, tally.unmerged.dataPoints).toFixed(1)}%)`
    },
    {
      metric: `L=${L}:   attribute data points only`,
      value: saving(tally.sent.attributeDataPoints, tally.unmerged.attributeDataPoints),
      unit: '%',
      display: `${tally.sent.attributeDataPoints} vs ${tally.unmerged.attributeDataPoints} (−${saving(tally.sent.attributeDataPoints, tally.unmerged.attributeDataPoints).toFixed(1)}%)`
    },
    {
      metric: `L=${L}: events delivered (status 200)`,
      value: tally.delivered,
      unit: '',
      display: `${tally.delivered}/${tally.events}`,
      target: 'all',
      ok: tally.delivered === tally.events
    }
  ]
  return { rows, tally }
}
