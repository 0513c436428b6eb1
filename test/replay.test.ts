// `replay <file|dir>` in-process: JSON array, JSONL and directory inputs
// through the freshly built function against the embedded Braze, bad input
// counted, a streamed 100k-event file in bounded memory, a --live run against
// a nock Braze that answers 429 first, and the --json summary.
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import nock from 'nock'
import { ROOT } from '../src/tools/paths'
import type { CommandIO } from '../src/tools/command-io'
import { startEmbeddedBraze, type EmbeddedBraze } from '../src/tools/embedded-braze'
import { JsonArraySplitter } from '../src/tools/replay/json-array-splitter'
import { TokenBucket, type Clock } from '../src/tools/replay/rate-limiter'
import { rateLimitSignal, retryDelay, DEFAULT_RETRY_POLICY } from '../src/tools/replay/retry'
import { replayCommand, type ReplayOptions } from '../src/tools/replay/replay'
import type { ReplaySummaryJson } from '../src/tools/replay/summary'

/** V8's gc(), when the flag can still be set at run time (it can in Node 20); undefined otherwise. */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : undefined
  } catch {
    return undefined
  }
}

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

const EXAMPLE_KEY = 'example-rest-api-key'
let dir: string
let braze: EmbeddedBraze

async function replay(args: string[], options: ReplayOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture()
  const stderr = new Capture()
  const io: CommandIO = { stdout, stderr, env, cwd: ROOT }
  const code = await replayCommand(args, io, options)
  return { code, stdout: stdout.text, stderr: stderr.text }
}

async function replayJson(args: string[], options: ReplayOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const result = await replay([...args, '--json', '--quiet'], options, env)
  if (result.code !== 0) throw new Error(`replay exited ${result.code}: ${result.stderr}`)
  return JSON.parse(result.stdout) as ReplaySummaryJson
}

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const at = (minute: number) => `2025-06-03T10:${String(minute).padStart(2, '0')}:00.000Z`
const identify = (userId: string, traits: Record<string, unknown>, minute = 0) => ({ type: 'identify', userId, traits, timestamp: at(minute) })
const track = (userId: string, event: string, properties: Record<string, unknown> = {}, minute = 0) => ({
  type: 'track',
  userId,
  event,
  properties,
  timestamp: at(minute)
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replay-test-'))
  braze = await startEmbeddedBraze({ apiKey: EXAMPLE_KEY })
}, 30_000)

afterAll(async () => {
  await braze.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => braze.reset())

describe('inputs against the embedded Braze', () => {
  test('a JSON array file: outcomes, merged attributes and the resulting profiles', async () => {
    const events = [
      identify('u-1', { plan: 'free', logins: 1 }, 1),
      identify('u-1', { plan: 'pro' }, 2),
      track('u-1', 'Signed Up', { method: 'email' }, 3),
      track('u-2', 'Order Completed', { order_id: 'o1', products: [{ product_id: 'p1', price: 9.5, quantity: 2 }] }, 4),
      { type: 'track', event: 'foo' },
      identify('u-2', { email: 'b@example.com' }, 5)
    ]
    const input = file('events.json', JSON.stringify(events, null, 2))
    const summary = await replayJson([input], { braze })

    expect(summary.events).toEqual({ total: 6, delivered: 5, rejected: 1, retry: 0 })
    expect(summary.reasons.rejected).toEqual([
      { reason: expect.stringMatching(/^ValidationError: Braze needs an identified user/), count: 1 }
    ])
    expect(summary.handler).toBe('onBatch')
    // Two identifies of u-1 become one attributes object.
    expect(summary.attributeMerge).toEqual({ before: 3, after: 2, mergedAway: 1 })
    expect(summary.objectsSent).toEqual({ attributes: 2, events: 1, purchases: 1 })
    expect(summary.requests.byEndpoint['POST /users/track']).toEqual({ count: 1, statuses: { '201': 1 } })

    const u1 = braze.profile({ external_id: 'u-1' })!
    expect(u1.attributes).toMatchObject({ plan: 'pro', logins: 1 })
    expect(u1.events.map((event) => event.name)).toEqual(['Signed Up'])
    const u2 = braze.profile({ external_id: 'u-2' })!
    expect(u2.purchases).toMatchObject([{ product_id: 'p1', price: 9.5, quantity: 2 }])
    expect(u2.attributes.email).toBe('b@example.com')
  })

  test('JSONL: bad lines are counted as rejected with a reason, blank lines skipped, reading goes on', async () => {
    const lines = [
      JSON.stringify(identify('u-3', { plan: 'pro' })),
      '{"type": "track", "userId": "u-3", "event": ',
      '',
      '42',
      JSON.stringify(track('u-3', 'Song Played', { title: 'Intro' })),
      'not json at all',
      JSON.stringify([track('u-3', 'Song Played'), track('u-3', 'Song Paused')])
    ]
    const input = file('events.jsonl', lines.join('\n') + '\n')
    const summary = await replayJson([input], { braze })

    expect(summary.events).toEqual({ total: 7, delivered: 4, rejected: 3, retry: 0 })
    expect(summary.reasons.rejected.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Unreadable input: not valid JSON/),
        'Unreadable input: not an event: a JSON number, not an object'
      ])
    )
    expect(summary.badInput.map((bad) => bad.where)).toEqual(['events.jsonl:2', 'events.jsonl:4', 'events.jsonl:6'])
    expect(braze.profile({ external_id: 'u-3' })!.events.map((event) => event.name)).toEqual(['Song Played', 'Song Played', 'Song Paused'])
  })

  test('a directory: every .json/.jsonl file in name order, one event or an array each; other files ignored', async () => {
    const folder = join(dir, 'folder')
    require('node:fs').mkdirSync(folder)
    writeFileSync(join(folder, 'a-single.json'), JSON.stringify(identify('u-4', { plan: 'free' }, 1), null, 2))
    writeFileSync(join(folder, 'b-array.json'), JSON.stringify([identify('u-4', { plan: 'pro' }, 2), track('u-4', 'Upgraded', {}, 3)]))
    writeFileSync(join(folder, 'c-lines.jsonl'), `${JSON.stringify(track('u-5', 'Signed Up'))}\n{broken\n`)
    writeFileSync(join(folder, 'notes.txt'), 'not events')
    const summary = await replayJson([folder, '--batch-size', '2'], { braze })

    expect(summary.events).toEqual({ total: 5, delivered: 4, rejected: 1, retry: 0 })
    expect(summary.badInput).toEqual([{ where: 'c-lines.jsonl:2', reason: expect.stringMatching(/^not valid JSON/) }])
    expect(braze.profile({ external_id: 'u-4' })!.attributes.plan).toBe('pro')
    expect(braze.profile({ external_id: 'u-4' })!.events.map((event) => event.name)).toEqual(['Upgraded'])
    expect(braze.profile({ external_id: 'u-5' })).toBeDefined()
  })

  test('--batch-size 1 uses the single handlers and names the error class Segment would see', async () => {
    const input = file('single.json', JSON.stringify([identify('u-6', { plan: 'pro' }), { type: 'track', event: 'foo' }, { type: 'page', userId: 'u-6' }, { type: 'bogus', userId: 'u-6' }]))
    const summary = await replayJson([input, '--batch-size', '1', '--settings', file('settings-no-pages.json', JSON.stringify({ apiKey: EXAMPLE_KEY, dataCenter: 'US-01' }))], { braze })
    expect(summary.handler).toBe('single')
    expect(summary.batchSize).toBe(1)
    expect(summary.events).toEqual({ total: 4, delivered: 1, rejected: 3, retry: 0 })
    const reasons = summary.reasons.rejected.map((r) => r.reason)
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ValidationError: Braze needs an identified user/),
        expect.stringMatching(/^EventNotSupported: page calls are not sent to Braze/),
        expect.stringMatching(/^EventNotSupported: bogus not supported/)
      ])
    )
  })

  test('against a Braze that answers 500 once: retried after the (injected) backoff, then delivered', async () => {
    braze.enqueue({ status: 500, body: { message: 'Internal Server Error' } })
    const sleeps: number[] = []
    const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) }
    const input = file('retry.json', JSON.stringify([identify('u-7', { plan: 'pro' })]))
    const summary = await replayJson([input], { braze, clock, retry: { ...DEFAULT_RETRY_POLICY, delaysMs: [5, 10] } })
    expect(summary.events).toEqual({ total: 1, delivered: 1, rejected: 0, retry: 0 })
    expect(summary.retries).toEqual({ attempts: 1, eventsRetried: 1, deliveredAfterRetry: 1, waitedMs: 5 })
    expect(sleeps).toEqual([5])
    expect(summary.requests.byEndpoint['POST /users/track']!.statuses).toEqual({ '500': 1, '201': 1 })
    // Braze bills only what it accepted.
    expect(summary.dataPoints.total).toBe(1)
  })

  test('the text summary is for people: outcomes, top reasons, requests, objects, merges, data points', async () => {
    const input = file('text.json', JSON.stringify([identify('u-8', { plan: 'pro' }), { type: 'track', event: 'foo' }]))
    const { code, stdout, stderr } = await replay([input, '--quiet'], { braze })
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(/^Replayed .*text\.json through build\/braze-destination\.js \(onBatch, batches of up to 20\) against the embedded Braze/)
    expect(stdout).toMatch(/delivered +1/)
    expect(stdout).toMatch(/rejected +1/)
    expect(stdout).toMatch(/Top rejection reasons:\n +1 × ValidationError: Braze needs an identified user/)
    expect(stdout).toMatch(/POST \/users\/track +1 +\(201 ×1\)/)
    expect(stdout).toContain('Objects sent: 1 attributes, 0 events, 0 purchases')
    expect(stdout).toContain('Attribute objects: 1 built, 1 after merging per user (0 merged away)')
    expect(stdout).toContain('Estimated data points: 1 (attributes 1, events 0, purchases 0)')
  })
})

describe('progress', () => {
  test('progress lines go to stderr (every second by default), not with --quiet', async () => {
    const input = file('progress.json', JSON.stringify([identify('u-12', { plan: 'pro' }), track('u-12', 'Signed Up')]))
    const loud = await replay([input, '--batch-size', '1'], { braze, progressIntervalMs: 0 })
    expect(loud.stderr).toMatch(/^replayed 1 event… \(\d+\/s\)\nreplayed 2 events… \(\d+\/s\)\n$/)
    const quiet = await replay([input, '--batch-size', '1', '--quiet'], { braze, progressIntervalMs: 0 })
    expect(quiet.stderr).toBe('')
  })
})

describe('the --json summary', () => {
  test('has a stable shape', async () => {
    const input = file('shape.json', JSON.stringify([identify('u-9', { plan: 'pro' })]))
    const summary = await replayJson([input])
    expect(Object.keys(summary).sort()).toEqual(
      [
        'attributeMerge', 'badInput', 'batchSize', 'dataPoints', 'durationMs', 'events', 'handler', 'input',
        'objectsSent', 'profiles', 'reasons', 'requests', 'retries', 'target'
      ].sort()
    )
    expect(summary).toMatchObject({
      input,
      target: 'embedded',
      handler: 'onBatch',
      batchSize: 20,
      events: { total: 1, delivered: 1, rejected: 0, retry: 0 },
      reasons: { rejected: [], retry: [] },
      retries: { attempts: 0, eventsRetried: 0, deliveredAfterRetry: 0, waitedMs: 0 },
      requests: { total: 1, byEndpoint: { 'POST /users/track': { count: 1, statuses: { '201': 1 } } } },
      objectsSent: { attributes: 1, events: 0, purchases: 0 },
      attributeMerge: { before: 1, after: 1, mergedAway: 0 },
      dataPoints: { attributes: 1, events: 0, purchases: 0, total: 1 },
      badInput: [],
      profiles: 1
    })
    expect(typeof summary.durationMs).toBe('number')
  })
})

describe('usage and unusable input', () => {
  test('--help', async () => {
    const { code, stdout } = await replay(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: braze-destination-function replay <file|dir> [options]')
    expect(stdout).toContain('BRAZE_API_KEY')
  })

  test.each<[string, string[], RegExp]>([
    ['no input', [], /Give the file or directory/],
    ['two inputs', ['a.json', 'b.json'], /Give one file or directory/],
    ['an unknown option', ['x.json', '--fast'], /Unknown option --fast/],
    ['a batch size over 400', ['x.json', '--batch-size', '401'], /--batch-size must be between 1 and 400/],
    ['a batch size that is not a number', ['x.json', '--batch-size=many'], /--batch-size expects a whole number/],
    ['a missing value', ['x.json', '--settings'], /--settings needs a value/]
  ])('bad usage (%s) → exit 2 with the usage', async (_name, args, message) => {
    const { code, stderr } = await replay(args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(stderr).toContain('Usage:')
  })

  test('a missing input → exit 1', async () => {
    const { code, stderr } = await replay([join(dir, 'nope.jsonl')])
    expect(code).toBe(1)
    expect(stderr).toMatch(/no such file or directory/)
  })

  test('a directory without event files → exit 1', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'))
    const { code, stderr } = await replay([empty])
    expect(code).toBe(1)
    expect(stderr).toMatch(/has no \.json, \.jsonl or \.ndjson files/)
  })

  test('invalid settings → exit 1 naming the setting, never echoing the key', async () => {
    const settings = file('bad-settings.json', JSON.stringify({ apiKey: 'secret-key-123', dataCenter: 'US-09' }))
    const { code, stderr } = await replay([file('one.json', '[]'), '--settings', settings])
    expect(code).toBe(1)
    expect(stderr).toMatch(/Setting "dataCenter"/)
    expect(stderr).not.toContain('secret-key-123')
  })

  test('--live with the example key → exit 1, pointing to BRAZE_API_KEY', async () => {
    const { code, stderr } = await replay([file('two.json', '[]'), '--live'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/BRAZE_API_KEY/)
  })
})

// nock patches Node's http for the whole jest worker: leave it as the next test file expects.
afterAll(() => {
  nock.restore()
})

describe('--live against a nock Braze', () => {
  const BRAZE = 'https://rest.iad-01.braze.com'

  beforeEach(() => {
    nock.disableNetConnect()
  })
  afterEach(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })

  test('a 429 waits until X-RateLimit-Reset, the retry is delivered; the key comes from BRAZE_API_KEY', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2
    const scope = nock(BRAZE, { reqheaders: { authorization: 'Bearer live-key-from-env' } })
      .post('/users/track')
      .reply(429, { message: 'Too Many Requests' }, { 'X-RateLimit-Limit': '3000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) })
      .post('/users/track')
      .reply(201, { message: 'success', attributes_processed: 1, events_processed: 1 })
    const settings = file('live-settings.json', JSON.stringify({ apiKey: 'key-in-file', dataCenter: 'US-01' }))
    const input = file('live.json', JSON.stringify([identify('u-10', { plan: 'pro' }), track('u-10', 'Signed Up')]))

    let offset = 0
    const sleeps: number[] = []
    const clock: Clock = {
      now: () => Date.now() + offset,
      sleep: async (ms) => {
        sleeps.push(ms)
        offset += ms
      }
    }
    const summary = await replayJson([input, '--live', '--settings', settings], { clock }, { BRAZE_API_KEY: 'live-key-from-env' })

    expect(scope.isDone()).toBe(true)
    expect(summary.target).toBe('live')
    expect(summary.profiles).toBeUndefined()
    expect(summary.events).toEqual({ total: 2, delivered: 2, rejected: 0, retry: 0 })
    expect(summary.retries).toMatchObject({ attempts: 1, eventsRetried: 2, deliveredAfterRetry: 2 })
    // Waited until the announced reset (more than the 1 s first backoff), not less.
    const waited = summary.retries.waitedMs
    expect(waited).toBeGreaterThan(1000)
    expect(waited).toBeLessThanOrEqual(3000)
    expect(sleeps).toContain(waited)
    expect(summary.requests.byEndpoint).toEqual({ 'POST /users/track': { count: 2, statuses: { '429': 1, '201': 1 } } })
    expect(summary.dataPoints).toEqual({ attributes: 1, events: 1, purchases: 0, total: 2 })
  })

  test('retryable results that keep failing end as "retry" after 3 retries with backoff', async () => {
    nock(BRAZE).post('/users/track').times(4).reply(503, 'Service Unavailable')
    const settings = file('live-settings-2.json', JSON.stringify({ apiKey: 'real-looking-key', dataCenter: 'US-01' }))
    const input = file('live-2.json', JSON.stringify([identify('u-11', { plan: 'pro' })]))
    const sleeps: number[] = []
    const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) }
    const summary = await replayJson([input, '--live', '--settings', settings], { clock })
    expect(sleeps).toEqual([1000, 2000, 4000])
    expect(summary.events).toEqual({ total: 1, delivered: 0, rejected: 0, retry: 1 })
    expect(summary.reasons.retry).toEqual([{ reason: expect.stringMatching(/^RetryError: Braze had a problem with \/users\/track \(HTTP 503\)/), count: 1 }])
    expect(summary.retries).toMatchObject({ attempts: 3, eventsRetried: 1, deliveredAfterRetry: 0, waitedMs: 7000 })
  })
})

describe('streaming a 100k-event JSONL file', () => {
  test('every event is counted and the heap stays bounded', async () => {
    const path = join(dir, 'big.jsonl')
    const out = createWriteStream(path)
    const N = 100_000
    for (let i = 0; i < N; i++) {
      const userId = `u-${i % 500}`
      const timestamp = new Date(Date.UTC(2025, 5, 1) + i * 1000).toISOString()
      const event =
        i % 3 === 0
          ? { type: 'identify', userId, timestamp, traits: { plan: i % 2 ? 'pro' : 'free', logins: i } }
          : { type: 'track', userId, event: 'Song Played', timestamp, properties: { n: i } }
      if (!out.write(`${i === 777 ? '{"type": "track",' : JSON.stringify(event)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve) => out.end(() => resolve()))

    // Retained heap, not garbage V8 has yet to collect: a full GC before each sample.
    const gc = exposeGc()
    const heap = () => {
      gc?.()
      return process.memoryUsage().heapUsed
    }
    const before = heap()
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, heap())
    }, 1000)
    const started = Date.now()
    let summary: ReplaySummaryJson
    // nock intercepts every HTTP request of this file while active; this test talks to the loopback only.
    nock.restore()
    try {
      summary = await replayJson([path, '--batch-size', '400'])
    } finally {
      clearInterval(sampler)
      nock.activate()
    }
    peak = Math.max(peak, heap())

    expect(summary.events).toEqual({ total: N, delivered: N - 1, rejected: 1, retry: 0 })
    expect(summary.badInput).toEqual([{ where: 'big.jsonl:778', reason: expect.stringMatching(/^not valid JSON/) }])
    expect(summary.profiles).toBe(500)
    expect(summary.objectsSent.attributes + summary.objectsSent.events).toBe(N - 1)
    // Measured: ~20 MB retained (mostly the embedded Braze's profiles). Without gc() the samples include garbage.
    expect(peak - before).toBeLessThan((gc ? 100 : 200) * 1024 * 1024)
    expect(Date.now() - started).toBeLessThan(60_000)
  }, 90_000)
})

describe('building blocks', () => {
  test('the JSON array splitter survives any chunking, strings with brackets, commas and escapes', () => {
    const events = [{ a: 'x,]}"\\' }, { b: [1, [2, { c: '[' }]] }, 'str', 7, null, { d: '\u2603 \\"' }]
    const text = ` \n${JSON.stringify(events, null, 2)}\n `
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const splitter = new JsonArraySplitter()
      const items = []
      for (let i = 0; i < text.length; i += size) items.push(...splitter.push(text.slice(i, i + size)))
      items.push(...splitter.end())
      expect(items.map((item) => ('text' in item ? JSON.parse(item.text) : item))).toEqual(events)
    }
  })

  test('the splitter reports a truncated array and a file that is not an array', () => {
    const truncated = new JsonArraySplitter()
    expect(truncated.push('[{"a":1},{"b":')).toEqual([{ text: '{"a":1}', index: 1 }])
    expect(truncated.end()).toEqual([{ problem: 'the file ends inside element 2 (the array is not closed)', index: 2 }])
    expect(new JsonArraySplitter().push('{"a":1}')).toEqual([{ problem: 'the file is not a JSON array (it does not start with "[")', index: 0 }])
  })

  test('a 429 message gives the reset time; the wait is at least the backoff, at most the cap', () => {
    const reset = Date.parse('2025-06-03T10:00:03.000Z')
    const signal = rateLimitSignal(['RetryError: Braze rate limit reached (HTTP 429) until 2025-06-03T10:00:03.000Z: Too Many Requests.'])
    expect(signal).toEqual({ resetAt: reset })
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, signal, reset - 2500)).toBe(2500)
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, signal, reset - 200)).toBe(1000)
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, signal, reset - 3_600_000)).toBe(60_000)
    expect(retryDelay(DEFAULT_RETRY_POLICY, 2, rateLimitSignal(['(HTTP 429).']), 0)).toBe(2000)
    expect(retryDelay(DEFAULT_RETRY_POLICY, 3, undefined, 0)).toBe(4000)
    expect(rateLimitSignal(['RetryError: Braze had a problem (HTTP 503)'])).toBeUndefined()
  })

  test('the token bucket lets 3,000 requests through at once, then paces them', async () => {
    let now = 0
    const sleeps: number[] = []
    const clock: Clock = { now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) }
    const bucket = new TokenBucket({ limit: 3000, windowMs: 3000 }, clock)
    await bucket.take(3000)
    expect(sleeps).toEqual([])
    await bucket.take(30)
    expect(sleeps).toEqual([30])
    expect(now).toBe(30)
  })
})
