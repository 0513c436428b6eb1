// Billed execution time. Segment bills a function from receiving the events
// until it returns or throws, time spent waiting for Braze included, and bills
// retries again (https://segment.com/docs/connections/functions/usage/).
// A 400-event mix goes through the built function in the `segment` runtime
// profile against the embedded Braze answering every request after 100 ms,
// invocations one after another; each invocation's wall time is added up.
import { readFileSync } from 'node:fs'
import { Response } from 'node-fetch'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { builtFunctionFile } from '../src/tools/paths'
import { loadFunction, type ObservedRequest, type SegmentRuntime } from '../src/tools/segment-runtime'
import { BENCH_SETTINGS, freshIds } from './stream'
import type { Row } from './table'

const LATENCY_MS = 100
const LABEL = 'segment_anonymous_id'

/**
 * 200 identifies of 25 users (the even ones of user-0 … user-49), and 150 tracks and 50 orders of 2 products
 * by the 25 others. `anonymous` of the identifies carry an anonymousId to merge; with `email`, every identify
 * carries the user's email.
 */
function billingMix({ anonymous = 0, email = false, pass = 0 } = {}): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = []
  const at = (i: number) => new Date(Date.UTC(2024, 4, 1, 10, pass, i)).toISOString()
  let identifies = 0
  for (let i = 0; i < 400; i++) {
    const userId = `user-${i % 50}`
    const base = { userId, messageId: `bill-${anonymous}-${email}-${pass}-${i}`, timestamp: at(i) }
    if (i % 2 === 0) {
      const merge = identifies++ < anonymous ? { anonymousId: `anon-${i}` } : {}
      const contact = email ? { email: `${userId}@example.com` } : {}
      events.push({ type: 'identify', ...base, ...merge, traits: { plan: `plan-${i % 3}`, seats: i % 7, ...contact } })
    } else if (i % 8 !== 7) events.push({ type: 'track', ...base, event: 'Viewed Item', properties: { item: `item-${i % 11}` } })
    else {
      const products = [0, 1].map((k) => ({ product_id: `p-${i}-${k}`, name: `Product ${k}`, variant: 'v', price: 10 + k, quantity: 1 }))
      events.push({
        type: 'track',
        ...base,
        event: 'Order Completed',
        properties: { order_id: `o-${i}`, total: 21, currency: 'USD', products }
      })
    }
  }
  return events
}

/** Round trips of one invocation: requests that started after every earlier one had its answer open a new one. */
function roundTrips(exchanges: ObservedRequest[], started: number[]): number {
  const spans = exchanges.map((exchange, i) => ({ start: started[i]!, end: started[i]! + exchange.ms })).sort((a, b) => a.start - b.start)
  let trips = 0
  let openUntil = -Infinity
  for (const span of spans) {
    if (span.start >= openUntil - 1) trips++
    openUntil = Math.max(openUntil, span.end)
  }
  return trips
}

interface Case {
  name: string
  events: Array<Record<string, unknown>>
  batchSize: number | 'single'
  settings: Record<string, unknown>
  note?: string
}

async function measure(runtime: SegmentRuntime, observed: { exchanges: ObservedRequest[]; started: number[] }, item: Case) {
  const invocations: unknown[][] = item.batchSize === 'single' ? item.events.map((event) => [event]) : chunk(item.events, item.batchSize)
  let billedMs = 0
  let trips = 0
  let mostTrips = 0
  let requests = 0
  let notDelivered = 0
  for (const events of invocations) {
    observed.exchanges.length = 0
    observed.started.length = 0
    const t0 = performance.now()
    if (item.batchSize === 'single') {
      await runtime.deliver(events[0], item.settings).catch(() => notDelivered++)
    } else {
      const results = (await runtime.handlers.onBatch!(events, item.settings)) as Array<{ status: number }>
      notDelivered += results.filter((result) => result.status !== 200).length
    }
    billedMs += performance.now() - t0
    const these = roundTrips(observed.exchanges, observed.started)
    trips += these
    mostTrips = Math.max(mostTrips, these)
    requests += observed.exchanges.length
  }
  return {
    billedMs,
    invocations: invocations.length,
    roundTripsPerInvocation: trips / invocations.length,
    mostTrips,
    requests,
    notDelivered
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export async function billedTime(): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const code = readFileSync(builtFunctionFile(), 'utf8')
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey, latencyMs: LATENCY_MS })
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  const cases: Case[] = [
    { name: "onBatch, Segment's default batch of 20", events: billingMix(), batchSize: 20, settings: BENCH_SETTINGS },
    { name: 'onBatch, batch of 400', events: billingMix(), batchSize: 400, settings: BENCH_SETTINGS },
    { name: 'single handlers (no batching)', events: billingMix(), batchSize: 'single', settings: BENCH_SETTINGS },
    {
      name: 'onBatch, 400, a quarter of identifies merging an anonymous profile',
      events: billingMix({ anonymous: 50 }),
      batchSize: 400,
      settings: { ...BENCH_SETTINGS, anonymousAliasLabel: LABEL }
    },
    {
      name: 'onBatch, 400, every identify carrying an email: two batches of the same users',
      events: [...billingMix({ email: true }), ...billingMix({ email: true, pass: 1 })],
      batchSize: 400,
      settings: BENCH_SETTINGS,
      note: "the first batch that brings a user's email also merges any email-only lead of that email into the user (a second round trip); the instance then remembers the merge for 24 h, and the second batch needs one"
    }
  ]
  try {
    for (const item of cases) {
      braze.reset()
      // A fresh warm instance per case: nothing remembered from another case.
      const observed = { exchanges: [] as ObservedRequest[], started: [] as number[] }
      const runtime = loadFunction(code, {
        brazeBaseUrl: braze.url,
        onRequest: (exchange) => {
          observed.exchanges.push(exchange)
          observed.started.push(performance.now() - exchange.ms)
        }
      })
      const result = await measure(runtime, observed, item)
      const perThousand = (result.billedMs / item.events.length) * 1000
      rows.push({
        metric: `billed time per 1,000 events, Braze at ${LATENCY_MS} ms: ${item.name}`,
        value: perThousand,
        unit: 'ms',
        display: `${Math.round(perThousand).toLocaleString('en-US')} ms (${result.roundTripsPerInvocation.toFixed(2)} round trips per invocation, ${result.requests} requests${result.notDelivered ? `, ${result.notDelivered} not delivered` : ''})`,
        // The target holds for every invocation, not on average.
        ...(item.batchSize === 400 ? { target: '≤ 2 round trips', ok: result.mostTrips <= 2 } : {}),
        ...(item.note ? { note: item.note } : {})
      })
      details[item.name] = result
    }
  } finally {
    await braze.close()
  }

  // The function's own work per invocation (mapping, packing, reading Braze's answers), Braze answering at once in-process.
  const instant = loadFunction(code, { fetch: async (_url, init) => instantAnswer(init.body) })
  const batch = billingMix()
  const times: number[] = []
  let cpuMicros = 0
  // The first runs include the JIT's warm-up, as a cold Segment instance would: the median of the 30 after them.
  for (let run = 0; run < 40; run++) {
    const events = freshIds(batch)
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    await instant.handlers.onBatch!(events, BENCH_SETTINGS)
    const cpu = process.cpuUsage(cpu0)
    if (run >= 10) {
      times.push(performance.now() - t0)
      cpuMicros += cpu.user + cpu.system
    }
  }
  // The process's CPU, V8's garbage-collection threads on the other core included.
  const cpuPerBatch = cpuMicros / 1000 / 30
  const singles: number[] = []
  for (const [i, event] of batch.slice(0, 200).entries()) {
    const t0 = performance.now()
    await instant.deliver({ ...event, messageId: `cpu-single-${i}` }, BENCH_SETTINGS).catch(() => undefined)
    singles.push(performance.now() - t0)
  }
  const cpuBatch = median(times)
  const cpuSingle = median(singles)
  rows.push({
    metric: "the function's own work per invocation, wall time (Braze answering at once): onBatch of 400 / one single event",
    value: cpuBatch,
    unit: 'ms',
    display: `${cpuBatch.toFixed(1)} ms / ${cpuSingle.toFixed(2)} ms (${((cpuBatch / LATENCY_MS) * 100).toFixed(0)} % / ${((cpuSingle / LATENCY_MS) * 100).toFixed(1)} % of one ${LATENCY_MS} ms round trip; ${cpuPerBatch.toFixed(1)} ms of the process's CPU per batch, V8's helper threads included)`,
    target: '< 25 % of a round trip',
    ok: cpuBatch < LATENCY_MS / 4
  })
  details.cpu = { batchOf400Ms: cpuBatch, singleEventMs: cpuSingle, processCpuPerBatchMs: cpuPerBatch }
  return { rows, details }
}

function instantAnswer(body: string | undefined): Response {
  const parsed = JSON.parse(body ?? '{}') as Record<string, unknown[] | undefined>
  const answer: Record<string, unknown> = { message: 'success' }
  for (const name of ['attributes', 'events', 'purchases'])
    if (Array.isArray(parsed[name])) answer[`${name}_processed`] = parsed[name]!.length
  return new Response(JSON.stringify(answer), { status: 201, headers: { 'content-type': 'application/json' } })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
