// The HTTP client the function's `fetch` uses during a replay (the runtime's
// `fetch` option): node-fetch, as in Segment's runtime, over keep-alive
// connections (a replay sends thousands of requests per second; a new
// connection for each would exhaust the machine's ports), with Braze's rate
// limits when the target is a real Braze. A 429 pauses everyone until its
// X-RateLimit-Reset (https://www.braze.com/docs/api/api_limits/).
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import nodeFetch from 'node-fetch'
import type { FetchInit } from '../segment-runtime'
import type { BrazeRateLimiter, Clock } from './rate-limiter'

export interface Transport {
  fetch: (url: string, init: FetchInit) => Promise<unknown>
  /** Closes the idle connections. */
  close: () => void
}

/** Epoch ms of an X-RateLimit-Reset header (seconds since the epoch), if usable. */
export function resetTime(header: string | null, now: number, fallbackMs: number): number {
  const seconds = Number(header)
  // As braze-client reads it: below 1e9 (before 2001) it can only be the seconds left.
  if (Number.isFinite(seconds) && seconds > 0 && seconds < 1e11) return seconds < 1e9 ? now + seconds * 1000 : seconds * 1000
  return now + fallbackMs
}

/** A clock skewed against Braze's must not stall a replay for hours. */
const MAX_PAUSE_MS = 60_000
/** Pause after a 429 without a usable reset time. */
const FALLBACK_PAUSE_MS = 1000

export function createTransport(options: { limiter?: BrazeRateLimiter; clock: Clock; onPause?: (until: number) => void }): Transport {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 64 })
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 64 })
  const { limiter, clock, onPause } = options
  return {
    async fetch(url, init) {
      limiter?.spend(new URL(url).pathname)
      const response = await nodeFetch(url, { ...(init as object), agent: (parsed: URL) => (parsed.protocol === 'http:' ? http : https) })
      if (response.status === 429 && limiter) {
        const now = clock.now()
        const until = Math.min(now + MAX_PAUSE_MS, resetTime(response.headers.get('x-ratelimit-reset'), now, FALLBACK_PAUSE_MS))
        limiter.pause.pauseUntil(until)
        onPause?.(until)
      }
      return response
    },
    close() {
      http.destroy()
      https.destroy()
    }
  }
}
