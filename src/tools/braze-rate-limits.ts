// Braze's REST rate limits (https://www.braze.com/docs/api/api_limits/), shared by the embedded Braze's
// X-RateLimit-* headers and replay's --live limiter.
export interface BrazeRateLimit {
  limit: number
  windowMs: number
}

/** /users/track: 3,000 requests per 3 seconds (since 2024-10-28). */
export const TRACK_RATE_LIMIT: BrazeRateLimit = { limit: 3000, windowMs: 3000 }
/** /users/delete, identify, merge, alias/new share 20,000 requests per minute. */
export const USERS_RATE_LIMIT: BrazeRateLimit = { limit: 20000, windowMs: 60000 }
