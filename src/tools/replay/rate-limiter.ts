// Keeps a --live replay inside Braze's documented rate limits
// (braze-rate-limits.ts; https://www.braze.com/docs/api/api_limits/).
//
// Replay cannot know how many requests the function will make for a batch
// (that is the function's business), so it paces what it observes: every
// request the function sends spends a token, the balance may go below zero
// while an invocation runs (it is never made to wait inside its own 5 s),
// and the next invocation starts only once the balance is back at zero and
// no 429 pause is running. Budget: a small burst plus a steady rate, with a
// margin for the requests of invocations already running, so that no window
// of the limit's length ever holds more than the limit, whatever the window's
// alignment. Worker threads each get an equal share of the budget.
import { TRACK_RATE_LIMIT, USERS_RATE_LIMIT, type BrazeRateLimit } from '../braze-rate-limits'

export interface Clock {
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** Burst allowed at once, as a share of the limit. */
const BURST_SHARE = 0.1
/** Kept free for requests of invocations that are already running when the balance runs out. */
const IN_FLIGHT_SHARE = 0.05

export class TokenBucket {
  private tokens: number
  private last: number
  readonly capacity: number
  /** Tokens per millisecond. */
  readonly rate: number

  /** `share`: this bucket's part of the limit (1 / number of threads sharing it). */
  constructor(
    limit: BrazeRateLimit,
    private readonly clock: Clock = realClock,
    share = 1
  ) {
    this.capacity = Math.max(1, limit.limit * BURST_SHARE * share)
    this.rate = (limit.limit * (1 - BURST_SHARE - IN_FLIGHT_SHARE) * share) / limit.windowMs
    this.tokens = this.capacity
    this.last = clock.now()
  }

  /** One request was sent. */
  spend(count = 1): void {
    this.refill()
    this.tokens -= count
  }

  /** Resolves when the balance is not negative. */
  async settled(): Promise<number> {
    let waited = 0
    for (;;) {
      this.refill()
      if (this.tokens >= 0) return waited
      const wait = Math.ceil(-this.tokens / this.rate)
      await this.clock.sleep(wait)
      waited += wait
    }
  }

  balance(): number {
    this.refill()
    return this.tokens
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate)
    this.last = now
  }
}

/** Nobody starts an invocation until the latest reset Braze announced with a 429. */
export class SharedPause {
  private until = 0

  constructor(private readonly clock: Clock = realClock) {}

  pauseUntil(epochMs: number): void {
    this.until = Math.max(this.until, epochMs)
  }

  get pausedUntil(): number {
    return this.until
  }

  /** Resolves at the end of the pause; returns how long it waited. */
  async wait(): Promise<number> {
    let waited = 0
    for (;;) {
      const left = this.until - this.clock.now()
      if (left <= 0) return waited
      await this.clock.sleep(left)
      waited += left
    }
  }
}

export class BrazeRateLimiter {
  readonly track: TokenBucket
  readonly users: TokenBucket
  readonly pause: SharedPause
  /** Time invocations waited for a 429's reset. */
  pausedMs = 0

  constructor(clock: Clock = realClock, share = 1, limits: { track?: BrazeRateLimit; users?: BrazeRateLimit } = {}) {
    this.track = new TokenBucket(limits.track ?? TRACK_RATE_LIMIT, clock, share)
    this.users = new TokenBucket(limits.users ?? USERS_RATE_LIMIT, clock, share)
    this.pause = new SharedPause(clock)
  }

  /** Before an invocation: after any 429 pause, with no request debt on either limit. */
  async ready(): Promise<void> {
    this.pausedMs += await this.pause.wait()
    await this.track.settled()
    await this.users.settled()
  }

  /** Every request the function sends, by path: /users/track has its own limit, the other /users endpoints share one. */
  spend(path: string): void {
    if (path === '/users/track') this.track.spend()
    else this.users.spend()
  }
}
