/**
 * What Segment would do with a retryable result, done locally: wait and send
 * again, a few times, with exponential backoff. When the retry comes from a
 * Braze 429, the wait lasts at least until Braze's X-RateLimit-Reset.
 */
export interface RetryPolicy {
  /** Wait before retry 1, 2, 3, …; its length is the number of retries. */
  delaysMs: readonly number[]
  /** Upper bound for a wait announced by Braze (a skewed clock must not stall a replay for hours). */
  maxResetWaitMs: number
  /** Wait when a 429 came without a usable reset time. */
  fallbackResetWaitMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: [1000, 2000, 4000],
  maxResetWaitMs: 60_000,
  fallbackResetWaitMs: 1000
}

/** A 429 is recognisable in the function's retry message ("Braze rate limit reached (HTTP 429) until <ISO time>"). */
const RATE_LIMITED = /\(HTTP 429\)/
const UNTIL = /\(HTTP 429\) until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/

export interface RateLimitSignal {
  /** Epoch ms when Braze's window resets, if the message said. */
  resetAt: number | undefined
}

/**
 * Reads a 429 out of retry messages. The runtime's `onRequest` reports the
 * status but not the response headers, so X-RateLimit-Reset is taken from the
 * function's own message, which quotes it.
 */
export function rateLimitSignal(messages: readonly string[]): RateLimitSignal | undefined {
  let found = false
  let resetAt: number | undefined
  for (const message of messages) {
    if (!RATE_LIMITED.test(message)) continue
    found = true
    const match = UNTIL.exec(message)
    const at = match ? Date.parse(match[1]!) : NaN
    if (Number.isFinite(at)) resetAt = Math.max(resetAt ?? 0, at)
  }
  return found ? { resetAt } : undefined
}

/** How long to wait before retry number `attempt` (1-based). */
export function retryDelay(policy: RetryPolicy, attempt: number, signal: RateLimitSignal | undefined, now: number): number {
  const backoff = policy.delaysMs[Math.min(attempt, policy.delaysMs.length) - 1] ?? 0
  if (!signal) return backoff
  const untilReset = signal.resetAt === undefined ? policy.fallbackResetWaitMs : Math.min(policy.maxResetWaitMs, signal.resetAt - now)
  return Math.max(backoff, untilReset)
}
