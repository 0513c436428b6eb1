// The HTTP client the function's `fetch` uses during a replay (the runtime's
// `fetch` option): node-fetch, as in Segment's runtime, over keep-alive
// connections (a replay sends thousands of requests per second; a new
// connection for each would exhaust the machine's ports), with Braze's rate
// limits when the target is a real Braze. A 429 pauses everyone for as long
// as it asks (rateLimitWait: X-Ratelimit-Retry-After or X-RateLimit-Reset).
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import nodeFetch from 'node-fetch'
import { rateLimitWait } from '../../destination/braze-client'
import type { FetchInit } from '../segment-runtime'
import type { BrazeRateLimiter, Clock } from './rate-limiter'

export interface Transport {
  fetch: (url: string, init: FetchInit) => Promise<unknown>
  /** Closes the idle connections. */
  close: () => void
}

/** Epoch ms when a 429 says requests may resume, as the function reads it. */
export function resumeTime(headers: { get(name: string): string | null }, now: number, fallbackMs: number): number {
  const wait = rateLimitWait(headers)
  if (!wait) return now + fallbackMs
  return 'seconds' in wait ? now + wait.seconds * 1000 : wait.until * 1000
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
        const until = Math.min(now + MAX_PAUSE_MS, resumeTime(response.headers, now, FALLBACK_PAUSE_MS))
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
