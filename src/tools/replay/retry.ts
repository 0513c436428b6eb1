// What Segment would do with a retryable result, done locally (no Segment is
// there to retry during a replay): wait and send again, a few times, with
// exponential backoff. A 429's X-Ratelimit-Retry-After (else X-RateLimit-Reset) is honoured by the rate
// limiter's pause (transport.ts), which every later invocation waits for.
export interface RetryPolicy {
  /** Wait before retry 1, 2, 3, …; its length is the number of retries. */
  delaysMs: readonly number[]
}

export const LIVE_RETRY_POLICY: RetryPolicy = { delaysMs: [1000, 2000, 4000] }
/** The embedded Braze answers at once and never limits: a retryable result there is a result to show. */
export const NO_RETRIES: RetryPolicy = { delaysMs: [] }
