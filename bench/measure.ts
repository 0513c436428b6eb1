import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Timing and memory helpers for the benchmark. */
export const now = (): number => performance.now()

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Events per second of `run` (which handles `perCall` events): after a short
 * warm-up, the best of `windows` timing windows of `ms` each. The best window
 * is the one least disturbed by other work on a shared machine.
 */
export function syncRate(run: () => void, perCall: number, windows = 5, ms = 200): number {
  const warmUntil = now() + 150
  while (now() < warmUntil) run()
  let best = 0
  for (let w = 0; w < windows; w++) {
    let calls = 0
    const start = now()
    let elapsed = 0
    do {
      for (let i = 0; i < 20; i++) run()
      calls += 20
      elapsed = now() - start
    } while (elapsed < ms)
    best = Math.max(best, (calls * perCall * 1000) / elapsed)
  }
  return best
}

export async function asyncRate(run: () => Promise<unknown>, perCall: number, windows = 3, ms = 200): Promise<number> {
  const warmUntil = now() + 100
  while (now() < warmUntil) await run()
  let best = 0
  for (let w = 0; w < windows; w++) {
    let calls = 0
    const start = now()
    let elapsed = 0
    do {
      await run()
      calls++
      elapsed = now() - start
    } while (elapsed < ms)
    best = Math.max(best, (calls * perCall * 1000) / elapsed)
  }
  return best
}

/** `lanes` loops running `run` back to back for `ms`; total events per second. */
export async function concurrentRate(
  run: () => Promise<unknown>,
  perCall: number,
  lanes: number,
  ms: number
): Promise<{ rate: number; calls: number }> {
  const start = now()
  let calls = 0
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (now() - start < ms) {
        await run()
        calls++
      }
    })
  )
  return { rate: (calls * perCall * 1000) / (now() - start), calls }
}

let gcFn: (() => void) | undefined
/** A full GC, without needing node --expose-gc on the command line. */
export function gc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc')
    gcFn = runInNewContext('gc') as () => void
  }
  gcFn()
  gcFn()
}

export const mb = (bytes: number): number => bytes / (1024 * 1024)

/**
 * Samples the heap and RSS between event-loop turns while `run` is pending
 * (the synchronous mapping and packing happen before the first await, so the
 * sample taken when the requests are in flight sees everything they built).
 */
export async function peakMemory<T>(run: () => Promise<T>): Promise<{ result: T; heapPeak: number; rssPeak: number; gcs: number }> {
  let heapPeak = 0
  let rssPeak = 0
  let sampling = true
  const sample = () => {
    const usage = process.memoryUsage()
    heapPeak = Math.max(heapPeak, usage.heapUsed)
    rssPeak = Math.max(rssPeak, usage.rss)
  }
  const loop = () => {
    sample()
    if (sampling) setImmediate(loop)
  }
  const { PerformanceObserver } = await import('node:perf_hooks')
  let gcs = 0
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length
  })
  observer.observe({ entryTypes: ['gc'] })
  setImmediate(loop)
  const promise = run()
  sample()
  const result = await promise
  sample()
  sampling = false
  await new Promise((resolve) => setImmediate(resolve))
  observer.disconnect()
  return { result, heapPeak, rssPeak, gcs }
}
