// End to end: the built script's onBatch against the embedded Braze on
// loopback, every request answered after 20 ms, batches back to back (one
// lane) and four batches in flight at once (four lanes), each case on a fresh
// instance of the function.
import { readFileSync } from 'node:fs'
import { BUILD_FILE } from '../src/tools/paths'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { loadFunction } from '../src/tools/segment-runtime'
import { concurrentRate } from './measure'
import { BENCH_SETTINGS, freshIds, inBatches } from './stream'
import type { Row } from './table'

export async function endToEnd(
  events: unknown[],
  latencyMs = 20,
  msPerRun = 2500
): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey, latencyMs })
  const code = readFileSync(BUILD_FILE, 'utf8')
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  try {
    for (const size of [20, 400]) {
      const batches = inBatches(events, size)
      for (const lanes of [1, 4]) {
        braze.reset()
        // A fresh instance per case: what one case's invocations remembered (merges, values) must not spare the next.
        const runtime = loadFunction(code, { brazeBaseUrl: braze.url })
        let next = 0
        let notDelivered = 0
        const run = async () => {
          const batch = freshIds(batches[next++ % batches.length]!)
          const results = (await runtime.handlers.onBatch!(batch, BENCH_SETTINGS)) as Array<{ status: number }>
          notDelivered += results.filter((result) => result.status !== 200).length
        }
        const { rate, calls } = await concurrentRate(run, size, lanes, msPerRun)
        const perRequest = braze.requests.length / calls
        rows.push({
          metric: `end to end, ${latencyMs} ms latency: batches of ${size}, ${lanes === 1 ? 'sequential' : `${lanes} concurrent`}`,
          value: rate,
          unit: 'ev/s',
          display: `${Math.round(rate).toLocaleString('en-US')} ev/s (${perRequest.toFixed(1)} req/batch${notDelivered ? `, ${notDelivered} not delivered` : ''})`
        })
        details[`batch ${size} x${lanes}`] = { rate, batches: calls, requests: braze.requests.length, notDelivered }
      }
    }
    return { rows, details }
  } finally {
    await braze.close()
  }
}
