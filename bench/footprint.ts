import { readFileSync, statSync } from 'node:fs'
import { MAX_BUNDLE_BYTES } from '../src/tools/build'
import { BUILD_FILE } from '../src/tools/paths'
import { loadFunction } from '../src/tools/segment-runtime'
import { useInProcessBraze } from './fake-braze'
import { gc, mb, peakMemory } from './measure'
import { BENCH_SETTINGS } from './stream'
import type { Row } from './table'

/** Bundle size, and the memory one 400-event batch takes (in-process Braze, so sockets don't blur it). */
export async function footprint(warmBatch: unknown[], batch: unknown[]): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const bytes = statSync(BUILD_FILE).size
  const runtime = loadFunction(readFileSync(BUILD_FILE, 'utf8'))
  useInProcessBraze(runtime)
  await runtime.handlers.onBatch!(warmBatch, BENCH_SETTINGS)

  gc()
  const before = process.memoryUsage()
  const { heapPeak, rssPeak, gcs } = await peakMemory(() => runtime.handlers.onBatch!(batch, BENCH_SETTINGS))
  gc()
  const retained = process.memoryUsage()

  const heapDelta = mb(heapPeak - before.heapUsed)
  const kb = bytes / 1024
  return {
    rows: [
      // The build's own budget (Segment documents no limit).
      {
        metric: 'bundle size build/braze-destination.js',
        value: kb,
        unit: 'KB',
        target: `≤ ${MAX_BUNDLE_BYTES / 1024} KB`,
        ok: bytes <= MAX_BUNDLE_BYTES
      },
      {
        metric: `peak memory of one ${batch.length}-event onBatch`,
        value: heapDelta,
        unit: 'MB',
        display: `heap +${heapDelta.toFixed(1)} MB${gcs ? ` (${gcs} GC during)` : ''}, RSS +${Math.max(0, mb(rssPeak - before.rss)).toFixed(1)} MB (${mb(rssPeak).toFixed(0)} MB), retained +${Math.max(0, mb(retained.heapUsed - before.heapUsed)).toFixed(2)} MB`
      }
    ],
    details: { bytes, before, heapPeak, rssPeak, gcsDuringBatch: gcs, retained }
  }
}
