// What Segment would do with a retryable result, done locally (no Segment is
// there to retry during a replay): wait and send again, a few times, with
// exponential backoff. A 429's X-Ratelimit-Retry-After (else X-RateLimit-Reset) is honoured by the rate
// limiter's pause (transport.ts), which every later invocation waits for.
export interface RetryPolicy {
  /** Wait before retry 1, 2, 3, …; its length is the number of retries. */
  delaysMs: readonly number[]
}

export const LIVE_RETRY_POLICY: RetryPolicy = { delaysMs: [1000, 2000, 4000] }
/**
 * The embedded Braze answers at once and never limits, so its retries need no backoff; what the function
 * marks retryable is still retried, as Segment would: a copy of an event held back while another copy of it
 * is in flight in a batch beside it (sources send duplicates), an event behind a delete. The waits let the
 * batches beside it finish first.
 */
export const EMBEDDED_RETRY_POLICY: RetryPolicy = { delaysMs: [50, 100, 200] }
