/**
 * Keeps a replay against the real Braze inside its rate limits
 * (braze-rate-limits.ts). A token bucket per limit,
 * taken before a batch is sent (for the requests the batch will make), plus
 * a shared pause when Braze answered 429: nobody sends until its reset.
 */
import { TRACK_RATE_LIMIT, USERS_RATE_LIMIT, type BrazeRateLimit } from '../braze-rate-limits'

export interface Clock {
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}


export class TokenBucket {
  private tokens: number
  private last: number
  /** Takes are served in order: a big take is not starved by small ones. */
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly limit: BrazeRateLimit,
    private readonly clock: Clock = realClock
  ) {
    this.tokens = limit.limit
    this.last = clock.now()
  }

  /** Resolves once `count` requests may be sent. */
  take(count: number): Promise<void> {
    const wanted = Math.min(Math.max(0, count), this.limit.limit)
    const turn = this.queue.then(() => this.takeNow(wanted))
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async takeNow(count: number): Promise<void> {
    for (;;) {
      this.refill()
      if (this.tokens >= count) {
        this.tokens -= count
        return
      }
      const rate = this.limit.limit / this.limit.windowMs
      await this.clock.sleep(Math.ceil((count - this.tokens) / rate))
    }
  }

  private refill(): void {
    const now = this.clock.now()
    const rate = this.limit.limit / this.limit.windowMs
    this.tokens = Math.min(this.limit.limit, this.tokens + (now - this.last) * rate)
    this.last = now
  }

  available(): number {
    this.refill()
    return this.tokens
  }
}

/** Everyone waits until the latest reset Braze announced. */
export class SharedPause {
  private until = 0

  constructor(private readonly clock: Clock = realClock) {}

  pauseUntil(epochMs: number): void {
    this.until = Math.max(this.until, epochMs)
  }

  async wait(): Promise<void> {
    for (;;) {
      const left = this.until - this.clock.now()
      if (left <= 0) return
      await this.clock.sleep(left)
    }
  }
}

/** What a replay takes before sending one batch: tokens on each limit, after any 429 pause. */
export class BrazeRateLimiter {
  readonly track: TokenBucket
  readonly users: TokenBucket
  readonly pause: SharedPause

  constructor(clock: Clock = realClock, limits: { track?: BrazeRateLimit; users?: BrazeRateLimit } = {}) {
    this.track = new TokenBucket(limits.track ?? TRACK_RATE_LIMIT, clock)
    this.users = new TokenBucket(limits.users ?? USERS_RATE_LIMIT, clock)
    this.pause = new SharedPause(clock)
  }

  async acquire(paths: readonly string[]): Promise<void> {
    await this.pause.wait()
    const track = paths.filter((path) => path === '/users/track').length
    const users = paths.length - track
    if (track > 0) await this.track.take(track)
    if (users > 0) await this.users.take(users)
  }
}
