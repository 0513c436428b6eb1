// Plausible X-RateLimit-* headers. Nothing is ever refused for going over:
// tests script 429s with enqueue(), so limits never surprise them.

import type { BrazeRateLimit } from '../braze-rate-limits'

export class RateWindow {
  private windowStart = Number.NEGATIVE_INFINITY
  private used = 0

  constructor(private readonly policy: BrazeRateLimit) {}

  /** Counts one request made at `nowMs` and returns the headers for its answer. */
  hit(nowMs: number): Record<string, string> {
    if (nowMs >= this.windowStart + this.policy.windowMs) {
      this.windowStart = nowMs
      this.used = 0
    }
    this.used += 1
    const resetSeconds = Math.ceil((this.windowStart + this.policy.windowMs) / 1000)
    return {
      'X-RateLimit-Limit': String(this.policy.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.policy.limit - this.used)),
      'X-RateLimit-Reset': String(resetSeconds)
    }
  }

  reset(): void {
    this.windowStart = Number.NEGATIVE_INFINITY
    this.used = 0
  }
}
