// Mapping throughput without I/O: the pure mapEvent from src/, and the built
// script's handlers against a Braze that answers at once — in-process (no
// HTTP at all) and the embedded Braze on loopback (HTTP included).
import { readFileSync } from 'node:fs'
import { mapEvent } from '../src/destination/map-event'
import { mergeAttributes, type AttributeUpdate } from '../src/destination/merge-attributes'
import { parseSettings, type Settings } from '../src/destination/settings'
import { BUILD_FILE } from '../src/tools/paths'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { loadFunction, type SegmentRuntime } from '../src/tools/segment-runtime'
import { useInProcessBraze } from './fake-braze'
import { asyncRate, median, now, syncRate } from './measure'
import { BENCH_SETTINGS, freshIds, SAMPLE_EVENTS } from './stream'
import type { Row } from './table'

const PURE_TARGET = 50_000
const ARRAY_EDIT_VALUES = 100_000

function settingsFor(raw: unknown): Settings {
  const parsed = parseSettings(raw)
  if ('problem' in parsed) throw new Error(parsed.problem.message)
  return parsed.settings
}

export async function mappingThroughput(mixedBatch: unknown[]): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const settings = settingsFor(BENCH_SETTINGS)
  const code = readFileSync(BUILD_FILE, 'utf8')
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  const kinds = [
    ['Engage identify', SAMPLE_EVENTS.engageIdentify, 'onIdentify'],
    ['plain track', SAMPLE_EVENTS.plainTrack, 'onTrack'],
    ['Order Completed, 3 products', SAMPLE_EVENTS.orderCompleted, 'onTrack']
  ] as const

  for (const [label, event] of kinds) {
    const rate = syncRate(() => {
      const plan = mapEvent(event, settings)
      if ('kind' in plan) throw new Error(`${label}: ${plan.message}`)
    }, 1)
    rows.push({ metric: `pure mapEvent: ${label}`, value: rate, unit: 'ev/s', target: '≥ 50,000 ev/s', ok: rate >= PURE_TARGET })
  }
  const mixedPure = syncRate(
    () => {
      for (const event of mixedBatch) mapEvent(event, settings)
    },
    mixedBatch.length,
    3,
    300
  )
  rows.push({
    metric: `pure mapEvent: ${mixedBatch.length}-event mixed batch`,
    value: mixedPure,
    unit: 'ev/s',
    target: '≥ 50,000 ev/s',
    ok: mixedPure >= PURE_TARGET
  })

  // One user's array edits merged in a batch: linear in the values (a merge comparing every value with every
  // other would take minutes here). Timed here, not in the tests.
  const values = (prefix: string) => Array.from({ length: ARRAY_EDIT_VALUES }, (_, i) => `${prefix}${i}`)
  const edit = (tags: unknown, owner: number): AttributeUpdate => ({ object: { external_id: 'u1', tags }, owner, epoch: owner })
  const mergeTimes: number[] = []
  for (let run = 0; run < 5; run++) {
    const edits = [
      edit({ add: values('a'), remove: values('b') }, 0),
      edit({ add: values('b'), remove: values('a').slice(0, ARRAY_EDIT_VALUES / 2) }, 1),
      edit({ add: values('c') }, 2)
    ]
    const t0 = now()
    mergeAttributes(edits)
    mergeTimes.push(now() - t0)
  }
  const mergeMs = median(mergeTimes)
  rows.push({
    metric: `mergeAttributes: three array edits of ${ARRAY_EDIT_VALUES.toLocaleString('en-US')} values for one user (median of 5)`,
    value: mergeMs,
    unit: 'ms',
    display: `${mergeMs.toFixed(0)} ms`,
    target: '≤ 1,000 ms',
    ok: mergeMs <= 1000
  })

  // The built script, zero-latency Braze in-process: what the function itself costs per event.
  const inProcess = loadFunction(code)
  const inProcessRequests = useInProcessBraze(inProcess)
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey, latencyMs: 0 })
  const loopback = loadFunction(code, { brazeBaseUrl: braze.url })
  try {
    const call = (runtime: SegmentRuntime, name: string, event: unknown) => () =>
      runtime.handlers[name as 'onTrack']!(freshIds([event])[0], BENCH_SETTINGS)
    for (const [label, event, handler] of kinds) {
      const fast = await asyncRate(call(inProcess, handler, event), 1)
      braze.reset()
      const http = await asyncRate(call(loopback, handler, event), 1)
      rows.push({
        metric: `built ${handler}: ${label}`,
        value: fast,
        unit: 'ev/s',
        display: `${Math.round(fast).toLocaleString('en-US')} ev/s in-process; ${Math.round(http).toLocaleString('en-US')} loopback (HTTP ${Math.round((1 - http / fast) * 100)}% of time)`
      })
      details[`handler ${label}`] = { inProcess: fast, loopback: http, httpShare: 1 - http / fast }
    }
    const batchFast = await asyncRate(() => inProcess.handlers.onBatch!(freshIds(mixedBatch), BENCH_SETTINGS), mixedBatch.length, 3, 300)
    braze.reset()
    const batchHttp = await asyncRate(() => loopback.handlers.onBatch!(freshIds(mixedBatch), BENCH_SETTINGS), mixedBatch.length, 3, 300)
    rows.push({
      metric: `built onBatch: ${mixedBatch.length}-event mixed batch`,
      value: batchFast,
      unit: 'ev/s',
      display: `${Math.round(batchFast).toLocaleString('en-US')} ev/s in-process; ${Math.round(batchHttp).toLocaleString('en-US')} loopback (HTTP ${Math.round(Math.max(0, 1 - batchHttp / batchFast) * 100)}% of time)`
    })
    details.batch = { inProcess: batchFast, loopback: batchHttp, inProcessRequests: inProcessRequests.requests }
    return { rows, details }
  } finally {
    await braze.close()
  }
}
