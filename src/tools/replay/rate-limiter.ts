/**
 * Keeps a replay against the real Braze inside its rate limits
 * (reference/braze-api.md): /users/track allows 3,000 requests per 3 s, the
 * other /users/* endpoints share 20,000 per minute. A token bucket per limit,
 * taken before a batch is sent (for the requests the batch will make), plus
 * a shared pause when Braze answered 429: nobody sends until its reset.
 */
export interface Clock {
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

export interface RateLimit {
  requests: number
  perMs: number
}

export const BRAZE_TRACK_LIMIT: RateLimit = { requests: 3000, perMs: 3000 }
export const BRAZE_USERS_LIMIT: RateLimit = { requests: 20000, perMs: 60000 }

export class TokenBucket {
  private tokens: number
  private last: number
  /** Takes are served in order: a big take is not starved by small ones. */
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock = realClock
  ) {
    this.tokens = limit.requests
    this.last = clock.now()
  }

  /** Resolves once `count` requests may be sent. */
  take(count: number): Promise<void> {
    const wanted = Math.min(Math.max(0, count), this.limit.requests)
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
      const rate = this.limit.requests / this.limit.perMs
      await this.clock.sleep(Math.ceil((count - this.tokens) / rate))
    }
  }

  private refill(): void {
    const now = this.clock.now()
    const rate = this.limit.requests / this.limit.perMs
    this.tokens = Math.min(this.limit.requests, this.tokens + (now - this.last) * rate)
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

  constructor(clock: Clock = realClock, limits: { track?: RateLimit; users?: RateLimit } = {}) {
    this.track = new TokenBucket(limits.track ?? BRAZE_TRACK_LIMIT, clock)
    this.users = new TokenBucket(limits.users ?? BRAZE_USERS_LIMIT, clock)
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
