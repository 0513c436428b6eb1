// A cold start as Segment has one: the built script compiled into a fresh
// runtime context, then its first identify, to an embedded Braze answering
// with zero latency. Each run appends a unique comment so that V8's
// in-process compilation cache cannot hand back the previous run's script.
// Also timed: an empty context (the runtime's own share), and the same cold
// start with an in-process Braze (no HTTP).
import { readFileSync } from 'node:fs'
import { BUILD_FILE } from '../src/tools/paths'
import { startEmbeddedBraze } from '../src/tools/embedded-braze'
import { loadFunction } from '../src/tools/segment-runtime'
import { useInProcessBraze } from './fake-braze'
import { median, now } from './measure'
import { BENCH_SETTINGS, SAMPLE_EVENTS } from './stream'
import type { Row } from './table'

export async function coldStart(runs = 20): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const code = readFileSync(BUILD_FILE, 'utf8')
  const braze = await startEmbeddedBraze({ apiKey: BENCH_SETTINGS.apiKey, latencyMs: 0 })
  try {
    const total: number[] = []
    const load: number[] = []
    const first: number[] = []
    const empty: number[] = []
    const noHttp: number[] = []
    for (let run = 0; run < runs; run++) {
      const t0 = now()
      loadFunction(`// empty context ${run}\n`)
      const t1 = now()
      const runtime = loadFunction(`${code}\n// cold start ${run} ${Date.now()}\n`, { brazeBaseUrl: braze.url })
      const t2 = now()
      await runtime.handlers.onIdentify!(SAMPLE_EVENTS.engageIdentify, BENCH_SETTINGS)
      const t3 = now()
      const inProcess = loadFunction(`${code}\n// cold start in-process ${run} ${Date.now()}\n`)
      useInProcessBraze(inProcess)
      await inProcess.handlers.onIdentify!(SAMPLE_EVENTS.engageIdentify, BENCH_SETTINGS)
      noHttp.push(now() - t3)
      empty.push(t1 - t0)
      load.push(t2 - t1)
      first.push(t3 - t2)
      total.push(t3 - t1)
    }
    const failed = braze.requests.filter((request) => request.status !== 201).length
    if (failed > 0) throw new Error(`cold start: ${failed} identify requests were not accepted by the embedded Braze`)
    const coldMedian = median(total)
    return {
      rows: [
        {
          metric: `cold start: new context + first identify (median of ${runs})`,
          value: coldMedian,
          unit: 'ms',
          target: '≤ 20 ms',
          ok: coldMedian <= 20
        },
        { metric: '  load: context + evaluating the script', value: median(load), unit: 'ms', note: 'of which an empty context' },
        { metric: '    of which an empty vm context', value: median(empty), unit: 'ms' },
        { metric: '  first identify (loopback Braze)', value: median(first), unit: 'ms' },
        { metric: '  same cold start, in-process Braze (no HTTP)', value: median(noHttp), unit: 'ms' }
      ],
      details: { totalMs: total, loadMs: load, firstIdentifyMs: first, emptyContextMs: empty, inProcessMs: noHttp }
    }
  } finally {
    await braze.close()
  }
}
