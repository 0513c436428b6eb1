// A zero-latency Braze inside the process, for timing the function without
// loopback HTTP: swaps `fetch` in the runtime's global object; everything
// else stays exactly as loadFunction built it.
import { Response } from 'node-fetch'
import type { SegmentRuntime } from '../src/tools/segment-runtime'

export function useInProcessBraze(runtime: SegmentRuntime): { requests: number } {
  const counter = { requests: 0 }
  runtime.global.fetch = async (_url: string, init: { body?: string }) => {
    counter.requests++
    const body = JSON.parse(init.body ?? '{}') as Record<string, unknown[] | undefined>
    const answer: Record<string, unknown> = { message: 'success' }
    for (const name of ['attributes', 'events', 'purchases']) {
      if (Array.isArray(body[name])) answer[`${name}_processed`] = body[name]!.length
    }
    return new Response(JSON.stringify(answer), { status: 201, headers: { 'content-type': 'application/json' } })
  }
  return counter
}
