// `replay <file|dir>` in-process (and, where it matters, as the bin users run):
// JSONL, JSON array, gzip and directory inputs through the current build
// against the embedded Braze; every event accounted for (reasons, places,
// the rejects file, warnings); exit codes; --live against nock (429, retries)
// and against a local server from worker threads; a stale build rebuilt;
// the bin from another folder; Ctrl-C.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import nock from 'nock'
import { Response } from 'node-fetch'
import { userFolder } from '../src/tools/cli'
import type { CommandIO } from '../src/tools/command-io'
import { expectedScript } from '../src/tools/current-build'
import { startEmbeddedBraze, type EmbeddedBraze } from '../src/tools/embedded-braze'
import { BUILT_FUNCTION_ENV, ROOT } from '../src/tools/paths'
import { openEventSource } from '../src/tools/replay/event-source'
import { parseReplayArgs } from '../src/tools/replay/options'
import { JsonArraySplitter } from '../src/tools/replay/json-array-splitter'
import { Executor } from '../src/tools/replay/executor'
import { BrazeRateLimiter, realClock, TokenBucket, type Clock } from '../src/tools/replay/rate-limiter'
import { replayCommand, type ReplayOptions } from '../src/tools/replay/replay'
import { renderSummary, type ReplaySummaryJson } from '../src/tools/replay/summary'
import { resumeTime } from '../src/tools/replay/transport'
import { duration, plural } from '../src/tools/wording'
import { loadBuilt } from './helpers/runtime'

/** package.json's name, as npm passes it to the scripts it runs. */
const NAME = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name

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

/** In-process, in the main thread (--workers 0) unless the arguments say otherwise. */
async function replay(args: string[], options: ReplayOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture()
  const stderr = new Capture()
  const io: CommandIO = { stdout, stderr, env, cwd: dir }
  const withWorkers = args.some((arg) => arg.startsWith('--workers')) ? args : ['--workers', '0', ...args]
  const code = await replayCommand(withWorkers, io, options)
  return { code, stdout: stdout.text, stderr: stderr.text }
}

async function replayJson(args: string[], options: ReplayOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const result = await replay([...args, '--json', '--quiet'], options, env)
  if (result.code > 1) throw new Error(`replay exited ${result.code}: ${result.stderr}`)
  return { ...(JSON.parse(result.stdout) as ReplaySummaryJson), exitCode: result.code }
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const at = (minute: number) => `2025-06-03T10:${String(minute).padStart(2, '0')}:00.000Z`
const identify = (userId: string, traits: Record<string, unknown>, minute = 0, messageId?: string) => ({
  type: 'identify',
  userId,
  traits,
  timestamp: at(minute),
  ...(messageId ? { messageId } : {})
})
const track = (userId: string, event: string, properties: Record<string, unknown> = {}, minute = 0) => ({
  type: 'track',
  userId,
  event,
  properties,
  timestamp: at(minute)
})
/** The Segment Test tab's event without a user: the function rejects it (Braze needs an identified user). */
const anonymous = (messageId: string) => ({ type: 'track', event: 'foo', messageId })
const jsonl = (...events: unknown[]) => events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n') + '\n'

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
  test('a file holding every event twice (a source that resent them): each is logged in Braze once, and every copy ends delivered; exit 0', async () => {
    // Batches run side by side: the function holds back a copy of an event whose other copy is in flight (500,
    // retryable), and the replay retries it as Segment would; by then Braze has the event and the copy is done.
    const events = Array.from({ length: 40 }, (_, n) => ({ ...track(`dup-${n % 10}`, 'Viewed', { n }, n % 60), messageId: `dup-m-${n}` }))
    const input = file('twice.jsonl', jsonl(...events, ...events))
    const summary = await replayJson([input], { braze })
    expect(summary.exitCode).toBe(0)
    expect(summary.events).toEqual({ total: 80, delivered: 80, rejected: 0, retry: 0, unfinished: 0 })
    expect(summary.retries.eventsRetried).toBeGreaterThan(0)
    const logged = Array.from({ length: 10 }, (_, n) => braze.profile({ external_id: `dup-${n}` })!.eventCount)
    expect(logged).toEqual(Array.from({ length: 10 }, () => 4))
  })

  test('a JSON array file: outcomes, the reason and place of the rejected event, the resulting profiles; exit 1', async () => {
    const events = [
      identify('u-1', { plan: 'free', logins: 1 }, 1),
      identify('u-1', { plan: 'pro' }, 2),
      track('u-1', 'Signed Up', { method: 'email' }, 3),
      track('u-2', 'Order Completed', { order_id: 'o1', products: [{ product_id: 'p1', price: 9.5, quantity: 2 }] }, 4),
      anonymous('test-tab-1'),
      identify('u-2', { email: 'b@example.com' }, 5)
    ]
    const input = file('events.json', JSON.stringify(events, null, 2))
    const summary = await replayJson([input], { braze })

    expect(summary.exitCode).toBe(1)
    expect(summary.events).toEqual({ total: 6, delivered: 5, rejected: 1, retry: 0, unfinished: 0 })
    expect(summary.reasons.rejected).toEqual([{ reason: expect.stringMatching(/^status 400: Braze needs an identified user/), count: 1 }])
    expect(summary.failures).toEqual({
      listed: [{ where: 'events.json[4]', messageId: 'test-tab-1', outcome: 'rejected', reason: summary.reasons.rejected[0]!.reason }],
      notListed: 0
    })
    expect(summary.handler).toBe('onBatch')
    // What the function sent, counted from its requests: two identifies of u-1 became one attributes object;
    // Order Completed is Braze's recommended ecommerce.order_placed event (the examples' settings).
    expect(summary.objects.sent).toEqual({ attributes: 2, events: 2, purchases: 0 })
    expect(summary.objects.accepted).toEqual(summary.objects.sent)
    expect(summary.requests.byEndpoint['POST /users/track']).toEqual({ count: 1, statuses: { '201': 1 } })

    const u1 = braze.profile({ external_id: 'u-1' })!
    expect(u1.attributes).toMatchObject({ plan: 'pro', logins: 1 })
    expect(u1.events.map((event) => event.name)).toEqual(['Signed Up'])
    const u2 = braze.profile({ external_id: 'u-2' })!
    expect(u2.events).toMatchObject([
      { name: 'ecommerce.order_placed', properties: { order_id: 'o1', products: [{ product_id: 'p1', price: 9.5, quantity: 2 }] } }
    ])
    expect(u2.attributes.email).toBe('b@example.com')
  })

  test('JSONL: bad lines rejected with their line, blank lines skipped, a line holding an array is a batch; reading goes on', async () => {
    const input = file(
      'events.jsonl',
      jsonl(
        identify('u-3', { plan: 'pro' }),
        '{"type": "track", "userId": "u-3", "event": ',
        '',
        '42',
        track('u-3', 'Song Played', { title: 'Intro' }),
        'not json at all',
        [track('u-3', 'Song Played'), 'oops', track('u-3', 'Song Paused')]
      )
    )
    const summary = await replayJson([input], { braze })

    expect(summary.events).toEqual({ total: 8, delivered: 4, rejected: 4, retry: 0, unfinished: 0 })
    expect(summary.reasons.rejected.map((row) => row.reason).sort()).toEqual([
      'Unreadable input: not an event: a JSON number, not an object',
      'Unreadable input: not an event: a JSON string, not an object',
      'Unreadable input: not valid JSON (Unexpected end of JSON input)',
      "Unreadable input: not valid JSON (Unexpected token 'o')"
    ])
    expect(summary.failures.listed.map((failed) => failed.where).sort()).toEqual([
      'events.jsonl:2',
      'events.jsonl:4',
      'events.jsonl:6',
      'events.jsonl:7[1]' // the array's second element: counted from 0, as in a .json file
    ])
    expect(braze.profile({ external_id: 'u-3' })!.events.map((event) => event.name)).toEqual(['Song Played', 'Song Played', 'Song Paused'])
  })

  test('a .json file holding one array of events per line (a batch per line) is read line by line: no event lost', async () => {
    const lines = [0, 1].map((line) => JSON.stringify(Array.from({ length: 3 }, (_, n) => identify(`batch-${line}-${n}`, { n }))))
    const input = file('batches.json', `${lines.join('\n')}\n`)
    const summary = await replayJson([input], { braze })
    expect(summary.events).toEqual({ total: 6, delivered: 6, rejected: 0, retry: 0, unfinished: 0 })
    // One array on one line, nothing after it: the file is that array.
    const single = await replayJson([file('one-line.json', `${lines[0]}\n`)], { braze })
    expect(single.events).toEqual({ total: 3, delivered: 3, rejected: 0, retry: 0, unfinished: 0 })
  })

  test('a line too long to be an event is rejected unread, and the lines after it are read', async () => {
    // 17 MB goes over the cap inside a chunk; 16 MB + 100 characters only at its newline.
    const giant = 'x'.repeat(17 * 1024 * 1024)
    const justOver = 'y'.repeat(16 * 1024 * 1024 + 100)
    const event = (userId: string) => JSON.stringify(identify(userId, {}))
    const input = file('giant.jsonl', [event('u-4'), giant, event('u-5'), justOver, event('u-6')].join('\n'))
    const summary = await replayJson([input], { braze })
    expect(summary.events).toMatchObject({ total: 5, delivered: 3, rejected: 2 })
    expect(summary.failures.listed.map((failed) => failed.where)).toEqual(['giant.jsonl:2', 'giant.jsonl:4'])
    expect(summary.reasons.rejected[0]!.reason).toMatch(/the line is longer than 16 MB: not one event/)
  })

  test('a directory: every .json/.jsonl/.gz file in name order, one event or an array each; other files ignored', async () => {
    const folder = join(dir, 'folder')
    mkdirSync(folder)
    writeFileSync(join(folder, 'a-single.json'), JSON.stringify(identify('u-4', { plan: 'free' }, 1), null, 2))
    writeFileSync(join(folder, 'b-array.json'), JSON.stringify([identify('u-4', { plan: 'pro' }, 2), track('u-4', 'Upgraded', {}, 3)]))
    writeFileSync(join(folder, 'c-lines.jsonl'), `${JSON.stringify(track('u-5', 'Signed Up'))}\n{broken\n`)
    writeFileSync(join(folder, 'd-lines.jsonl.gz'), gzipSync(jsonl(track('u-5', 'Logged In'))))
    writeFileSync(join(folder, 'notes.txt'), 'not events')
    const summary = await replayJson([folder, '--batch-size', '2'], { braze })

    expect(summary.events).toEqual({ total: 6, delivered: 5, rejected: 1, retry: 0, unfinished: 0 })
    expect(summary.failures.listed).toEqual([
      { where: 'c-lines.jsonl:2', outcome: 'rejected', reason: expect.stringMatching(/^Unreadable input: not valid JSON/) }
    ])
    expect(braze.profile({ external_id: 'u-4' })!.attributes.plan).toBe('pro')
    expect(braze.profile({ external_id: 'u-5' })!.events.map((event) => event.name)).toEqual(['Signed Up', 'Logged In'])
  })

  test("a bucket synced from Segment's AWS S3 destination: segment-logs/{source-id}/{received-day}/filename.gz, as it is", async () => {
    // https://segment.com/docs/connections/storage/catalog/aws-s3/#data-format
    const logs = join(dir, 'bucket', 'segment-logs')
    const day = (source: string, received: string) => {
      const folder = join(logs, source, received)
      mkdirSync(folder, { recursive: true })
      return folder
    }
    writeFileSync(
      join(day('src-a', '1717459200000'), '1717485600000.e8c1d5d8-0b1f.gz'),
      gzipSync(jsonl(identify('u-8', { plan: 'free' }, 1)))
    )
    writeFileSync(
      join(day('src-a', '1717545600000'), '1717549200000.2a4b6c8d-3e5f.gz'),
      gzipSync(`${JSON.stringify(identify('u-8', { plan: 'pro' }, 2))}\n{broken\n`)
    )
    writeFileSync(join(logs, 'dummy-object.txt'), 'Segment tests the bucket with this file')
    const summary = await replayJson([join(dir, 'bucket'), '--batch-size', '1'], { braze })

    expect(summary.events).toEqual({ total: 3, delivered: 2, rejected: 1, retry: 0, unfinished: 0 })
    expect(summary.failures.listed).toEqual([
      {
        where: join('segment-logs', 'src-a', '1717545600000', '1717549200000.2a4b6c8d-3e5f.gz:2'),
        outcome: 'rejected',
        reason: expect.stringMatching(/^Unreadable input: not valid JSON/)
      }
    ])
    // Name order is time order here: the later day's plan wins.
    expect(braze.profile({ external_id: 'u-8' })!.attributes.plan).toBe('pro')
  })

  test('gzip: .jsonl.gz, or gzip data under any name, is read through zlib; a corrupt one is reported, not read as text', async () => {
    const gz = file('events.jsonl.gz', gzipSync(jsonl(identify('u-6', { plan: 'pro' }), track('u-6', 'Signed Up'))))
    const ok = await replayJson([gz], { braze })
    expect(ok.exitCode).toBe(0)
    expect(ok.events).toMatchObject({ total: 2, delivered: 2 })
    // Compressed but named without .gz: known by gzip's first bytes.
    const unnamed = await replayJson([file('compressed.jsonl', gzipSync(jsonl(track('u-6', 'Logged In'))))], { braze })
    expect(unnamed.events).toMatchObject({ total: 1, delivered: 1 })

    const corrupt = file('corrupt.jsonl.gz', Buffer.concat([gzipSync(jsonl(identify('u-6', {}))).subarray(0, 12), Buffer.from('garbage')]))
    const bad = await replayJson([corrupt], { braze })
    expect(bad.exitCode).toBe(1)
    expect(bad.failures.listed).toEqual([
      {
        where: 'corrupt.jsonl.gz',
        outcome: 'rejected',
        reason: expect.stringMatching(/^Unreadable input: cannot read the file \(not valid gzip data/)
      }
    ])
  })

  test('a pretty-printed JSON array saved as .jsonl is read as an array, with a note', async () => {
    const input = file('array.jsonl', JSON.stringify([identify('u-7', { plan: 'pro' }), track('u-7', 'Signed Up')], null, 2))
    const { code, stdout, stderr } = await replay([input], { braze })
    expect(code).toBe(0)
    expect(stderr).toContain('replay: array.jsonl holds a JSON array, not one event per line: read as a JSON array.')
    expect(stdout).toContain('Note: array.jsonl holds a JSON array')
    expect(stdout).toMatch(/delivered +2\n/)
  })

  test.each([
    ['', {}],
    [' (past the first 64 KB read to decide)', Object.fromEntries(Array.from({ length: 4000 }, (_, n) => [`trait_${n}`, n]))]
  ])(
    'one pretty-printed event saved as .jsonl (the Debugger shows events so) is read as one event, with a note%s',
    async (_size, traits) => {
      const input = file('one.jsonl', JSON.stringify(identify('u-7', { plan: 'pro', ...traits }), null, 2))
      const { code, stdout, stderr } = await replay([input], { braze })
      expect(code).toBe(0)
      expect(stderr).toContain('replay: one.jsonl holds one pretty-printed event, not one event per line: read as one event.')
      expect(stdout).toMatch(/Events: 1\n +delivered +1\n/)
    }
  )

  const settings = { apiKey: 'secret-rest-key', dataCenter: 'US-01' }
  test.each([
    ['pretty-printed', 'settings.json', JSON.stringify(settings, null, 2), 'settings.json'],
    ['on one line', 'settings.json', JSON.stringify(settings), 'settings.json:1'],
    ['as a line among events', 'more.jsonl', jsonl(settings), 'more.jsonl:1'],
    ['in an array', 'list.json', JSON.stringify([settings]), 'list.json[0]']
  ])('settings %s among the inputs are no event, and the API key never reaches the rejects file', async (_form, name, text, where) => {
    const folder = join(dir, `with-settings-${name}-${where.length}`)
    mkdirSync(folder)
    writeFileSync(join(folder, 'events.jsonl'), jsonl(identify('u-8', { plan: 'pro' })))
    writeFileSync(join(folder, name), text)
    const rejects = `settings-rejects-${where.length}-${name}.jsonl`
    const summary = await replayJson([folder, '--rejects', rejects], { braze })
    expect(summary.events).toMatchObject({ total: 2, delivered: 1, rejected: 1 })
    expect(summary.failures.listed).toEqual([
      { where, outcome: 'rejected', reason: 'Unreadable input: a settings file (it has an apiKey and no type), not an event' }
    ])
    expect(readFileSync(join(dir, rejects), 'utf8')).not.toContain('secret-rest-key')
  })

  test('a broken settings file (a trailing comma) never puts its key in the rejects file; settings saved as .jsonl get no event note', async () => {
    const folder = join(dir, 'broken-settings')
    mkdirSync(folder)
    writeFileSync(join(folder, 'events.jsonl'), jsonl(identify('u-8', { plan: 'pro' })))
    writeFileSync(join(folder, 'settings.json'), '{\n  "apiKey": "secret-rest-key",\n}\n')
    writeFileSync(join(folder, 'settings.jsonl'), JSON.stringify(settings, null, 2))
    const { stdout, stderr } = await replay([folder, '--rejects', 'broken-rejects.jsonl', '--json'], { braze })
    const summary = JSON.parse(stdout)
    expect(summary.failures.listed).toContainEqual({
      where: 'settings.json:2',
      outcome: 'rejected',
      reason: 'Unreadable input: not JSON, and it names an apiKey (its text is kept out of the rejects file)'
    })
    expect(summary.failures.listed).toContainEqual(expect.objectContaining({ where: 'settings.jsonl', outcome: 'rejected' }))
    expect(stderr).not.toContain('pretty-printed event')
    expect(readFileSync(join(dir, 'broken-rejects.jsonl'), 'utf8')).not.toContain('secret-rest-key')
  })

  /** What two identifies with a long trait each and an unknown gender get, whichever handler runs them. */
  const long = 'x'.repeat(300)
  const THREE_WARNINGS = {
    total: 3,
    byText: expect.arrayContaining([
      { reason: expect.stringMatching(/^trait "long" was cut to 255 characters/), count: 1 },
      { reason: expect.stringMatching(/^trait "nickname" was cut to 255 characters/), count: 1 },
      { reason: expect.stringMatching(/^trait "gender" was dropped/), count: 1 }
    ])
  }

  test('--batch-size 1 uses the single handlers: the error class Segment would see, and the warnings', async () => {
    const input = file(
      'single.json',
      JSON.stringify([
        identify('u-8', { plan: 'pro', long, gender: 'sometimes' }),
        identify('u-8', { nickname: long }),
        anonymous('m-2'),
        { type: 'page', userId: 'u-8' },
        { type: 'bogus', userId: 'u-8' }
      ])
    )
    const settings = file('settings-no-pages.json', JSON.stringify({ apiKey: EXAMPLE_KEY, dataCenter: 'US-01' }))
    const summary = await replayJson([input, '--batch-size', '1', '--settings', settings], { braze })
    expect(summary.handler).toBe('single')
    expect(summary.events).toEqual({ total: 5, delivered: 2, rejected: 3, retry: 0, unfinished: 0 })
    expect(summary.reasons.rejected.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ValidationError: Braze needs an identified user/),
        expect.stringMatching(/^EventNotSupported: page calls are not sent to Braze/),
        expect.stringMatching(/^EventNotSupported: bogus not supported/)
      ])
    )
    expect(summary.warnings).toEqual(THREE_WARNINGS)
  })

  test('onBatch (the default): the warnings it logs are counted too, once each', async () => {
    const input = file(
      'batch-warnings.json',
      JSON.stringify([
        identify('u-9', { plan: 'pro', long, gender: 'sometimes' }),
        identify('u-9', { nickname: long }, 1, 'quote"and\\backslash'),
        track('u-9', 'Signed Up')
      ])
    )
    const summary = await replayJson([input], { braze })
    expect(summary.handler).toBe('onBatch')
    expect(summary.events.delivered).toBe(3)
    expect(summary.warnings).toEqual(THREE_WARNINGS)
  })

  test('against a Braze that answers 500 once: retried after the (injected) backoff, then delivered; exit 0', async () => {
    braze.enqueue({ status: 500, body: { message: 'Internal Server Error' } })
    const sleeps: number[] = []
    const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) }
    const input = file('retry.json', JSON.stringify([identify('u-9', { plan: 'pro' })]))
    const summary = await replayJson([input], { braze, clock, retry: { delaysMs: [5, 10] } })
    expect(summary.exitCode).toBe(0)
    expect(summary.events).toEqual({ total: 1, delivered: 1, rejected: 0, retry: 0, unfinished: 0 })
    expect(summary.retries).toEqual({ attempts: 1, eventsRetried: 1, deliveredAfterRetry: 1, waitedMs: 5 })
    expect(sleeps).toEqual([5])
    expect(summary.requests.byEndpoint['POST /users/track']!.statuses).toEqual({ '500': 1, '201': 1 })
    expect(summary.objects.sent.attributes).toBe(2)
    expect(summary.objects.accepted.attributes).toBe(1)
    // Braze bills only what it accepted.
    expect(summary.dataPoints.total).toBe(1)
  })

  test('a connection the embedded Braze resets reaches the function as node-fetch reports it: retried, then delivered', async () => {
    braze.enqueue({ status: 0, destroySocket: true })
    const clock: Clock = { now: () => Date.now(), sleep: async () => undefined }
    const input = file('reset.json', JSON.stringify([identify('u-11', { plan: 'pro' })]))
    const summary = await replayJson([input], { braze, clock, retry: { delaysMs: [5] } })
    expect(summary.events).toEqual({ total: 1, delivered: 1, rejected: 0, retry: 0, unfinished: 0 })
    expect(summary.requests.byEndpoint['POST /users/track']!.statuses).toEqual({ error: 1, '201': 1 })
  })
})

describe('every event accounted for', () => {
  test('--rejects FILE holds every failed event as it was in the input, one per line, ready to replay', async () => {
    const pretty = JSON.stringify([identify('u-10', { plan: 'pro' }), anonymous('arr-1')], null, 2)
    file('pretty.json', pretty)
    const input = file(
      'mixed.jsonl',
      jsonl(identify('u-10', { plan: 'pro' }), anonymous('line-2'), '{broken', [track('u-10', 'Played'), anonymous('line-4b')], 7)
    )
    const rejects = join(dir, 'rejects.jsonl')
    const summary = await replayJson([input, '--rejects', 'rejects.jsonl'], { braze })
    expect(summary.exitCode).toBe(1)
    expect(summary.rejectsFile).toBe('rejects.jsonl')
    expect(readFileSync(rejects, 'utf8').split('\n').sort()).toEqual(
      ['', JSON.stringify(anonymous('line-2')), '{broken', JSON.stringify(anonymous('line-4b')), '7'].sort()
    )

    // A pretty-printed array element keeps to one line.
    const again = await replayJson([join(dir, 'pretty.json'), '--rejects', 'rejects-2.jsonl'], { braze })
    expect(again.events.rejected).toBe(1)
    const lines = readFileSync(join(dir, 'rejects-2.jsonl'), 'utf8').split('\n').filter(Boolean)
    expect(lines.map((line) => JSON.parse(line))).toEqual([anonymous('arr-1')])
  })

  test('--requests FILE holds every request the function made to the embedded Braze, body and status, one per line', async () => {
    const input = file(
      'to-see.jsonl',
      jsonl(identify('u-11', { plan: 'pro', email: 'u11@example.com' }, 1), track('u-11', 'Played', { level: 2 }, 2))
    )
    // One event at a time: the lines are in the order of the events.
    const summary = await replayJson([input, '--batch-size', '1', '--concurrency', '1', '--requests', 'requests.jsonl'], { braze })
    expect(summary.requestsFile).toBe('requests.jsonl')
    const lines = readFileSync(join(dir, 'requests.jsonl'), 'utf8').trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { endpoint: '/users/track', status: 201, body: { attributes: [{ external_id: 'u-11', plan: 'pro', email: 'u11@example.com' }] } },
      {
        endpoint: '/users/merge',
        status: 202,
        body: {
          merge_updates: [
            {
              identifier_to_merge: { email: 'u11@example.com', prioritization: ['unidentified', 'least_recently_updated'] },
              identifier_to_keep: { external_id: 'u-11' }
            }
          ]
        }
      },
      {
        endpoint: '/users/track',
        status: 201,
        body: { events: [{ external_id: 'u-11', name: 'Played', time: at(2), properties: { level: 2 } }] }
      }
    ])
    expect(summary.requests.total).toBe(3)
    const text = await replay([input, '--requests', 'requests.jsonl', '--quiet'], { braze })
    expect(text.stdout).toMatch(/Braze requests: \d+, each with its body in requests\.jsonl/)
    // Only the embedded Braze's: a live replay's requests are in Braze's logs.
    const live = await replay([input, '--live', '--requests', 'requests.jsonl'], {}, { BRAZE_API_KEY: 'k' })
    expect(live.code).toBe(2)
    expect(live.stderr).toMatch(/--requests records what the embedded Braze receives/)
  })

  test('the text shows every reason up to ten, then "+N more", and where each failed event is', async () => {
    const events = Array.from({ length: 13 }, (_, i) => ({
      type: 'identify',
      userId: 'u-11',
      traits: [],
      messageId: `m-${i}`,
      timestamp: at(i)
    }))
    events.forEach((event, i) => ((event as Record<string, unknown>).type = i < 12 ? `kind-${i}` : 'identify'))
    const input = file('reasons.jsonl', jsonl(...events))
    const { code, stdout } = await replay([input, '--batch-size', '1', '--quiet'], { braze })
    expect(code).toBe(1)
    expect(stdout).toContain('Rejection reasons (12):')
    expect(stdout).toMatch(/^ {2}\+2 more reasons \(2 events; --json lists them all\)$/m)
    expect(stdout).toContain('Events not delivered (the first 10 of 12; --json lists the first 1,000):')
    expect(stdout).toContain('  reasons.jsonl:1 (messageId m-0): rejected, EventNotSupported: kind-0 not supported')
    expect(stdout).toContain('--rejects FILE writes all of them')
    const json = await replayJson([input, '--batch-size', '1'], { braze })
    expect(json.reasons.rejected).toHaveLength(12)
    expect(json.failures.listed).toHaveLength(12)
  })

  test('the text summary: plurals, durations, requests, objects, data points', async () => {
    const input = file('text.json', JSON.stringify([identify('u-12', { plan: 'pro' }), anonymous('m-1')]))
    const { code, stdout, stderr } = await replay([input, '--quiet'], { braze })
    expect(code).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).toMatch(
      /^Replayed .*text\.json through \S+ \(onBatch, batches of up to 20, in the main thread\) against the embedded Braze \(no network\)\nin (\d+ ms|\d+\.\d s)(, [\d,]+ events\/s)?, peak memory \d+ MB\n/
    )
    expect(stdout).toMatch(/delivered +1\n/)
    expect(stdout).toMatch(/Rejection reasons \(1\):\n +1 × status 400: Braze needs an identified user/)
    expect(stdout).toMatch(/POST \/users\/track +1 +\(201 ×1\)/)
    expect(stdout).toContain('Objects sent to /users/track: 1 attribute object, 0 events, 0 purchases, all in requests Braze accepted')
    expect(stdout).toContain('Estimated data points: 1 (attributes 1, events 0, purchases 0)')
    expect(stdout).toContain('Warnings: none')
    expect(stdout).toContain('Embedded Braze profiles: 1')
  })

  test('a rate only for a replay that took a second or more: under that, the time is mostly start-up', async () => {
    const input = file('rate.json', JSON.stringify([identify('u-13', { plan: 'pro' })]))
    const summary = await replayJson([input], { braze })
    expect(renderSummary({ ...summary, durationMs: 400 }, 'f.js')).toContain('\nin 400 ms, peak memory')
    expect(renderSummary({ ...summary, durationMs: 2000 }, 'f.js')).toContain('\nin 2.0 s, 1 event/s, peak memory')
    expect(renderSummary({ ...summary, durationMs: 1000 }, 'f.js')).toContain('\nin 1.0 s, 1 event/s, peak memory')
  })

  test.each([
    [0, 'ms', '0 ms'],
    [40, 'ms', '40 ms'],
    [4240, 's', '4.2 s'],
    [102_000, 'min', '1 min 42 s'],
    [7_500_000, 'h', '2 h 5 min']
  ])('duration(%d) is in %s: %s', (ms, _unit, text) => {
    expect(duration(ms)).toBe(text)
  })

  test('plural', () => {
    expect([plural(0, 'event'), plural(1, 'event'), plural(1200, 'event'), plural(1, 'alias to identify', 'aliases to identify')]).toEqual([
      '0 events',
      '1 event',
      '1,200 events',
      '1 alias to identify'
    ])
  })
})

describe('progress', () => {
  test('progress lines go to stderr (every second by default), not with --quiet', async () => {
    const input = file('progress.json', JSON.stringify([identify('u-13', { plan: 'pro' }), track('u-13', 'Signed Up')]))
    const loud = await replay([input, '--batch-size', '1'], { braze, progressIntervalMs: 0 })
    expect(loud.stderr).toMatch(/^replayed 2 events… \([\d,]+\/s\)\n$/)
    const quiet = await replay([input, '--batch-size', '1', '--quiet'], { braze, progressIntervalMs: 0 })
    expect(quiet.stderr).toBe('')
  })
})

describe('the --json summary', () => {
  test('has a stable shape', async () => {
    const input = file('shape.json', JSON.stringify([identify('u-14', { plan: 'pro' })]))
    const summary = await replayJson([input])
    const { exitCode, ...json } = summary
    expect(exitCode).toBe(0)
    expect(Object.keys(json).sort()).toEqual(
      [
        'batchSize',
        'cpuSeconds',
        'dataPoints',
        'durationMs',
        'events',
        'failures',
        'handler',
        'input',
        'interrupted',
        'notices',
        'objects',
        'peakRssMB',
        'profiles',
        'rateLimit',
        'reasons',
        'requests',
        'retries',
        'target',
        'warnings',
        'workers'
      ].sort()
    )
    expect(json).toMatchObject({
      input,
      target: 'embedded',
      handler: 'onBatch',
      batchSize: 20,
      workers: 0,
      interrupted: false,
      events: { total: 1, delivered: 1, rejected: 0, retry: 0, unfinished: 0 },
      reasons: { rejected: [], retry: [] },
      failures: { listed: [], notListed: 0 },
      warnings: { total: 0, byText: [] },
      retries: { attempts: 0, eventsRetried: 0, deliveredAfterRetry: 0, waitedMs: 0 },
      rateLimit: { pausedMs: 0 },
      requests: { total: 1, byEndpoint: { 'POST /users/track': { count: 1, statuses: { '201': 1 } } } },
      objects: { sent: { attributes: 1, events: 0, purchases: 0 }, accepted: { attributes: 1, events: 0, purchases: 0 } },
      dataPoints: { attributes: 1, events: 0, purchases: 0, total: 1 },
      notices: [],
      profiles: 1
    })
    expect(json.peakRssMB).toBeGreaterThan(10)
  })
})

describe('usage and unusable input: exit 2', () => {
  test('--help', async () => {
    const { code, stdout } = await replay(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: braze-destination-function replay <file|dir> [options]')
    expect(stdout).toContain('BRAZE_API_KEY')
    expect(stdout).toContain('Exit codes: 0 every event was delivered; 1 some were not')
  })

  test.each<[string, string[], string]>([
    ['no input', [], 'Give the file or directory of events to replay.'],
    [
      'two inputs (or an option npm took for itself, without `--`)',
      ['a.json', '1'],
      'Give one file or directory, not 2 (a.json, 1). Through npm, options go after `--`: npm run replay -- file.jsonl --batch-size 400.'
    ],
    ['an unknown option', ['x.json', '--fast'], "Unknown option '--fast'."],
    ['a flag with a value', ['x.json', '--live=yes'], "Option '--live' does not take an argument."],
    ['a batch size over 400', ['x.json', '--batch-size', '401'], '--batch-size must be between 1 and 400, got 401.'],
    ['a batch size that is not a number', ['x.json', '--batch-size=many'], '--batch-size expects a whole number, got "many".'],
    ['a missing value', ['x.json', '--settings'], "Option '--settings <value>' argument missing."],
    [
      'two files (a shell glob)',
      ['a.gz', 'b.gz'],
      'Give one file or directory, not 2 (a.gz, b.gz). For several files, replay the folder that holds them.'
    ],
    [
      'a value that looks like an option',
      ['x.json', '--rejects', '--json'],
      '--rejects needs a value (one that starts with "-" goes as --rejects=<value>).'
    ],
    ['a negative number', ['x.json', '--workers', '-1'], '--workers needs a value (one that starts with "-" goes as --workers=<value>).'],
    ['a negative number, as the message says', ['x.json', '--workers=-1'], '--workers expects a whole number, got "-1".'],
    [
      'more invocations in flight than the rate limits leave room for',
      ['x.json', '--live', '--workers', '16', '--concurrency', '64'],
      'With --live, --workers × --concurrency is at most 32 (here 1024)'
    ],
    ['--braze-url without --live', ['x.json', '--braze-url', 'http://127.0.0.1:1'], '--braze-url goes with --live'],
    [
      '--braze-url that is not a URL',
      ['x.json', '--live', '--braze-url', 'localhost'],
      '--braze-url must be an http(s) URL, got "localhost".'
    ]
  ])('bad usage (%s)', async (_name, args, message) => {
    const { code, stderr } = await replay(args)
    expect(code).toBe(2)
    expect(stderr).toContain(`replay: ${message}`)
    expect(stderr).toMatch(/\(see replay --help\)\n$/)
  })

  test.each<[string, () => string[], RegExp]>([
    ['a missing input', () => [join(dir, 'nope.jsonl')], /nope\.jsonl: no such file or directory/],
    [
      'a directory without event files',
      () => [mkdtempSync(join(dir, 'empty-'))],
      /the directory and its folders have no \.json, \.jsonl, \.ndjson or \.gz files/
    ],
    ['a file without events', () => [file('blank.jsonl', '\n\n')], /found no events in .*blank\.jsonl/],
    [
      'an unwritable rejects file',
      () => [file('ok.jsonl', jsonl(identify('u', {}))), '--rejects', join(dir, 'no-such-dir', 'r.jsonl')],
      /cannot write the rejects file .* \(ENOENT\)/
    ],
    [
      "--live without --settings (the default ones are the embedded Braze's)",
      () => [file('two.json', '[]'), '--live'],
      /--live sends to your real Braze workspace: pass --settings with your own settings file .*examples\/settings\.json is for the embedded Braze only/
    ],
    [
      '--live with the example key',
      () => [file('two.json', '[]'), '--live', '--settings', join(ROOT, 'examples', 'settings.json')],
      /needs your REST API key, not the examples' "example-rest-api-key": set it in examples\/settings\.json, or in the BRAZE_API_KEY/
    ]
  ])('%s', async (_name, args, message) => {
    const { code, stderr } = await replay(args())
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  test('--rejects naming the input file is refused, and the input is left as it was', async () => {
    const content = jsonl(identify('u-1', {}), anonymous('same-1'))
    const input = file('same.jsonl', content)
    const { code, stderr } = await replay([input, '--rejects', 'same.jsonl'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/--rejects same\.jsonl is the input file .*same\.jsonl: give the rejects file another name/)
    expect(readFileSync(input, 'utf8')).toBe(content)
  })

  test('a settings file that starts with a byte order mark is read; a broken one says where, never quoting it', async () => {
    const bom = file('bom-settings.json', `\uFEFF${JSON.stringify({ apiKey: EXAMPLE_KEY, dataCenter: 'US-01' })}`)
    const read = await replay([file('bom-events.json', JSON.stringify([identify('u-2', {})])), '--settings', bom, '--quiet'], { braze })
    expect(read).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/delivered +1\n/) })
    const broken = file('broken-settings.json', '{"apiKey": "secret-in-file", }')
    const { code, stderr } = await replay([file('one-more.json', '[]'), '--settings', broken])
    expect(code).toBe(2)
    expect(stderr).toMatch(/broken-settings\.json is not valid JSON \(at character 30\)/)
    expect(stderr).not.toContain('secret-in-file')
  })

  test('a settings key the function does not read (a typo) is named on stderr; the replay runs', async () => {
    const settings = file('typo-settings.json', JSON.stringify({ apiKey: EXAMPLE_KEY, dataCenter: 'US-01', ecomerceMode: 'both' }))
    const { code, stderr } = await replay([file('typo.json', JSON.stringify([identify('u-3', {})])), '--settings', settings, '--quiet'], {
      braze
    })
    expect(code).toBe(0)
    expect(stderr).toBe(
      'replay: the function does not read "ecomerceMode" in the settings file (a typo?); see the README\'s settings table.\n'
    )
  })

  test('a bad key from BRAZE_API_KEY is blamed on the variable, not on the settings file', async () => {
    const { code, stderr } = await replay([file('env.json', '[]')], {}, { BRAZE_API_KEY: 'SECRET KEY with spaces' })
    expect(code).toBe(2)
    expect(stderr).toMatch(/replay: the BRAZE_API_KEY environment variable: Setting "apiKey"/)
    expect(stderr).not.toContain('SECRET KEY')
  })

  test('invalid settings name the setting, never echo the key', async () => {
    const settings = file('bad-settings.json', JSON.stringify({ apiKey: 'secret-key-123', dataCenter: 'US-09' }))
    const { code, stderr } = await replay([file('one.json', '[]'), '--settings', settings])
    expect(code).toBe(2)
    expect(stderr).toMatch(/Setting "dataCenter"/)
    expect(stderr).not.toContain('secret-key-123')
  })
})

describe('current code, always', () => {
  test('a build that is not what the sources build to is rebuilt before the replay (into the file the tools use)', async () => {
    const stale = join(dir, 'stale-build.js')
    writeFileSync(
      stale,
      (await expectedScript()).replace(
        'async function onBatch(events, settings) {',
        'async function onBatch(events, settings) {\n  return [];'
      )
    )
    const saved = process.env[BUILT_FUNCTION_ENV]
    process.env[BUILT_FUNCTION_ENV] = stale
    try {
      const { code, stderr } = await replay([file('fresh.jsonl', jsonl(identify('u-15', { plan: 'pro' }))), '--quiet'], { braze })
      expect(stderr).toBe(`replay: rebuilt ${stale}: it was not what the current sources build to.\n`)
      expect(code).toBe(0)
      expect(readFileSync(stale, 'utf8')).toBe(await expectedScript())
    } finally {
      process.env[BUILT_FUNCTION_ENV] = saved
    }
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
    nock.enableNetConnect('127.0.0.1')
  })
  afterEach(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })

  test('a 429 pauses until X-RateLimit-Reset, the retry is delivered; the key comes from BRAZE_API_KEY', async () => {
    let offset = 0
    const sleeps: number[] = []
    const clock: Clock = {
      now: () => Date.now() + offset,
      sleep: async (ms) => {
        sleeps.push(ms)
        offset += ms
      }
    }
    const reset = Math.ceil(Date.now() / 1000) + 3
    const scope = nock(BRAZE, { reqheaders: { authorization: 'Bearer live-key-from-env' } })
      .post('/users/track')
      .reply(
        429,
        { message: 'Too Many Requests' },
        { 'X-RateLimit-Limit': '3000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }
      )
      .post('/users/track')
      .reply(201, { message: 'success', attributes_processed: 1, events_processed: 1 })
    const settings = file('live-settings.json', JSON.stringify({ apiKey: 'key-in-file', dataCenter: 'US-01' }))
    const input = file('live.json', JSON.stringify([identify('u-16', { plan: 'pro' }), track('u-16', 'Signed Up')]))

    const summary = await replayJson([input, '--live', '--settings', settings], { clock }, { BRAZE_API_KEY: 'live-key-from-env' })

    expect(scope.isDone()).toBe(true)
    expect(summary.exitCode).toBe(0)
    expect(summary.target).toBe('live')
    expect(summary.profiles).toBeUndefined()
    expect(summary.events).toEqual({ total: 2, delivered: 2, rejected: 0, retry: 0, unfinished: 0 })
    expect(summary.retries).toEqual({ attempts: 1, eventsRetried: 2, deliveredAfterRetry: 2, waitedMs: 1000 })
    // The first backoff (1 s), then the rest of the way to Braze's reset.
    expect(sleeps[0]).toBe(1000)
    expect(summary.rateLimit.pausedMs).toBeGreaterThan(1000)
    expect(summary.rateLimit.pausedMs).toBeLessThanOrEqual(3000)
    expect(summary.requests.byEndpoint).toEqual({ 'POST /users/track': { count: 2, statuses: { '429': 1, '201': 1 } } })
    expect(summary.dataPoints).toEqual({ attributes: 1, events: 1, purchases: 0, total: 2 })
  })

  test('retryable results that keep failing end as "retry" after 3 retries with backoff; exit 1; nothing counted as accepted', async () => {
    nock(BRAZE).post('/users/track').times(4).reply(503, 'Service Unavailable')
    const settings = file('live-settings-2.json', JSON.stringify({ apiKey: 'real-looking-key', dataCenter: 'US-01' }))
    const input = file('live-2.json', JSON.stringify([identify('u-17', { plan: 'pro' }, 0, 'live-m-1')]))
    const sleeps: number[] = []
    const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) }
    const { code, stdout } = await replay([input, '--live', '--settings', settings, '--quiet'], { clock })
    expect(code).toBe(1)
    expect(sleeps).toEqual([1000, 2000, 4000])
    expect(stdout).toMatch(/retry +1 +\(still failing after the retries/)
    expect(stdout).toMatch(/Retry reasons \(1\):\n +1 × status 500: Braze had a problem with \/users\/track \(HTTP 503\)/)
    expect(stdout).toContain('live-2.json[0] (messageId live-m-1): retry, status 500')
    expect(stdout).toContain('Retries: 3 retry calls for 1 event, 0 delivered after a retry, 7.0 s waited')
    expect(stdout).toContain(
      'Objects sent to /users/track: 4 attribute objects, 0 events, 0 purchases\n  in requests Braze accepted (2xx): 0 attribute objects, 0 events, 0 purchases'
    )
  })

  test("an event's warnings are counted once, however often onBatch ran it again", async () => {
    nock(BRAZE).post('/users/track').times(4).reply(503, 'Service Unavailable')
    const settings = file('live-settings-warn.json', JSON.stringify({ apiKey: 'real-looking-key', dataCenter: 'US-01' }))
    const input = file(
      'live-warn.json',
      JSON.stringify([identify('u-19', { gender: 'xyz' }, 0, 'live-m-2'), identify('u-20', { plan: 'pro' })])
    )
    const clock: Clock = { now: () => Date.now(), sleep: async () => undefined }
    const summary = await replayJson([input, '--live', '--settings', settings], { clock })
    expect(summary.events).toMatchObject({ retry: 2 })
    expect(summary.warnings).toEqual({ total: 1, byText: [{ reason: expect.stringMatching(/^trait "gender" was dropped/), count: 1 }] })
  })

  test("--live: a 200 that is no Braze answer (a proxy's HTML page) is retried, and nothing is counted as accepted", async () => {
    nock(BRAZE).post('/users/track').times(4).reply(200, '<html>Sign in to the network</html>', { 'content-type': 'text/html' })
    const settings = file('live-settings-html.json', JSON.stringify({ apiKey: 'real-looking-key', dataCenter: 'US-01' }))
    const input = file('live-html.json', JSON.stringify([identify('u-18', { plan: 'pro' })]))
    const clock: Clock = { now: () => Date.now(), sleep: async () => undefined }
    const summary = await replayJson([input, '--live', '--settings', settings], { clock })
    expect(summary.events).toMatchObject({ delivered: 0, retry: 1 })
    expect(summary.objects.accepted).toEqual({ attributes: 0, events: 0, purchases: 0 })
    expect(summary.dataPoints.total).toBe(0)
  })
})

describe('worker threads and the bin', () => {
  let server: Server
  let url: string
  let received = 0
  let answerAfterMs = 0
  /** When set, the first request is answered 429, with an X-RateLimit-Reset (epoch seconds) this far ahead, rounded up. */
  let limitedFor: number | undefined
  let limitedUntil = 0
  let arrivals: number[] = []
  const firstRequest: Array<() => void> = []

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume()
      request.on('end', () => {
        received++
        arrivals.push(Date.now())
        firstRequest.splice(0).forEach((notify) => notify())
        if (limitedFor !== undefined && received === 1) {
          limitedUntil = Math.ceil((Date.now() + limitedFor) / 1000)
          response
            .writeHead(429, { 'content-type': 'application/json', 'X-RateLimit-Reset': String(limitedUntil) })
            .end('{"message":"Too Many Requests"}')
          return
        }
        setTimeout(() => response.writeHead(201, { 'content-type': 'application/json' }).end('{"message":"success"}'), answerAfterMs)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  beforeEach(() => {
    received = 0
    answerAfterMs = 0
    limitedFor = undefined
    arrivals = []
  })

  const liveSettings = () => file('worker-settings.json', JSON.stringify({ apiKey: 'worker-key', dataCenter: 'US-03' }))
  const manyEvents = (n: number) =>
    jsonl(
      ...Array.from({ length: n }, (_, i) =>
        i % 2 ? identify(`w-${i % 50}`, { n: i }, i % 60) : track(`w-${i % 50}`, 'Played', { n: i }, i % 60)
      )
    )

  test('--workers 2 against the embedded Braze: both threads ask the one embedded Braze in the main thread, no HTTP', async () => {
    const input = file('embedded-workers.jsonl', manyEvents(400))
    const summary = await replayJson([input, '--workers', '2'], { braze })
    expect(summary.exitCode).toBe(0)
    expect(summary.workers).toBe(2)
    expect(summary.events).toMatchObject({ total: 400, delivered: 400 })
    // One store: the 50 users' identifies and tracks, whichever thread sent them, made 50 profiles.
    expect(summary.profiles).toBe(50)
    expect(braze.profile({ external_id: 'w-2' })!.eventCount).toBe(8)
    expect(summary.requests.total).toBe(braze.requests.length)
    expect(received).toBe(0)
  }, 20_000)

  test('--live --workers 2 against a local Braze: every event delivered, each thread counting what it sent', async () => {
    const input = file('workers.jsonl', manyEvents(400))
    const summary = await replayJson([input, '--live', '--braze-url', url, '--workers', '2', '--settings', liveSettings()])
    expect(summary.exitCode).toBe(0)
    expect(summary.workers).toBe(2)
    expect(summary.events).toMatchObject({ total: 400, delivered: 400 })
    expect(summary.requests.total).toBe(received)
    expect(summary.objects.sent.attributes + summary.objects.sent.events).toBeGreaterThan(200)
  }, 20_000)

  test("--braze-url: the summary says that the function's messages naming its dataCenter host mean that URL", async () => {
    const input = file('redirected.jsonl', manyEvents(2))
    const { code, stdout } = await replay([input, '--live', '--braze-url', url, '--settings', liveSettings()])
    expect(code).toBe(0)
    expect(stdout).toContain(`against Braze at ${url}`)
    expect(stdout).toContain(`(Messages below that name the dataCenter's Braze host mean ${url}.)`)
  })

  test('a 429 seen by one thread pauses every thread until X-RateLimit-Reset; the event is retried and delivered', async () => {
    // At most a second and a half of real waiting: Braze's reset is in whole seconds.
    limitedFor = 500
    const input = file('paused.jsonl', manyEvents(3000))
    const summary = await replayJson([
      input,
      '--live',
      '--braze-url',
      url,
      '--workers',
      '2',
      '--concurrency',
      '1',
      '--settings',
      liveSettings()
    ])
    expect(summary.events).toMatchObject({ total: 3000, delivered: 3000 })
    expect(summary.requests.byEndpoint['POST /users/track']!.statuses['429']).toBe(1)
    expect(summary.retries).toMatchObject({ attempts: 1, deliveredAfterRetry: 20 })
    // Until the pause reaches the other thread (through the main thread, later on a busy machine) it
    // goes on, one request at a time; after that nothing arrives before the reset. Without the
    // pause, hundreds would.
    const early = arrivals.slice(1).filter((at) => at < limitedUntil * 1000)
    expect(early.length).toBeLessThan(10)
    expect(arrivals.filter((at) => at >= limitedUntil * 1000).length).toBeGreaterThan(100)
  }, 20_000)

  test.each<[string, NodeJS.ProcessEnv, string]>([
    [
      'npm run replay, typed in a subfolder: that subfolder',
      { npm_package_name: NAME, npm_lifecycle_event: 'replay', INIT_CWD: '/home/me/project/events' },
      '/home/me/project/events'
    ],
    ['npm start: where npm was run', { npm_package_name: NAME, npm_lifecycle_event: 'start', INIT_CWD: '/home/me' }, '/home/me'],
    [
      "another of this package's scripts (npm test spawning the bin): the bin's own folder",
      { npm_package_name: NAME, npm_lifecycle_event: 'test', INIT_CWD: '/home/me' },
      '/cwd'
    ],
    ["another package's script", { npm_package_name: 'my-app', npm_lifecycle_event: 'replay', INIT_CWD: '/home/me' }, '/cwd'],
    ['the bin itself', {}, '/cwd']
  ])('relative paths are relative to where the user is: %s', (_name, env, expected) => {
    expect(userFolder(env, '/cwd')).toBe(expected)
  })

  test('the bin from another folder: relative input there, settings and build found in the package', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'replay-elsewhere-'))
    try {
      writeFileSync(join(elsewhere, 'mine.jsonl'), jsonl(identify('b-1', { plan: 'pro' }), anonymous('bin-2')))
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin/braze-destination-function.js'), 'replay', 'mine.jsonl', '--workers', '1', '--rejects', 'out.jsonl', '--quiet'],
        {
          cwd: elsewhere,
          env: { ...process.env, BRAZE_API_KEY: '' }
        }
      )
      const { code, stdout, stderr } = await finished(child)
      expect(stderr).toBe('')
      expect(code).toBe(1)
      expect(stdout).toMatch(/^Replayed mine\.jsonl through /)
      expect(stdout).toMatch(/delivered +1\n +rejected +1 /)
      expect(readFileSync(join(elsewhere, 'out.jsonl'), 'utf8')).toBe(`${JSON.stringify(anonymous('bin-2'))}\n`)
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  }, 20_000)

  test('a source that does not compile: the bin says where and exits 2, then output cut short by `| head` ends quietly', async () => {
    // A copy of the package, so the tracked sources stay untouched.
    const copy = mkdtempSync(join(tmpdir(), 'replay-broken-'))
    try {
      for (const part of ['bin', 'src', 'functions', 'package.json', 'tsconfig.json'])
        cpSync(join(ROOT, part), join(copy, part), { recursive: true })
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
      const settings = join(copy, 'src/destination/settings.ts')
      writeFileSync(settings, `${readFileSync(settings, 'utf8')}\nconst broken = ;\n`)
      const line = readFileSync(settings, 'utf8').split('\n').length - 1
      const broken = await finished(spawn(process.execPath, [join(copy, 'bin/braze-destination-function.js'), 'start'], { cwd: copy }))
      expect(broken.stderr).toBe(`start: the sources do not build: src/destination/settings.ts:${line}: Unexpected ";"\n`)
      expect(broken.code).toBe(2)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
    const help = spawn(process.execPath, [join(ROOT, 'bin/braze-destination-function.js'), 'replay', '--help'])
    help.stdout.destroy()
    const { code, stderr } = await finished(help)
    expect(stderr).toBe('')
    expect(code).toBe(0)
  }, 20_000)

  test('Ctrl-C: stops reading, lets the batches in flight finish, prints the partial summary, exits 130', async () => {
    answerAfterMs = 300
    const input = file('interrupted.jsonl', manyEvents(3000))
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/braze-destination-function.js'),
        'replay',
        input,
        '--live',
        '--braze-url',
        url,
        '--workers',
        '1',
        '--settings',
        liveSettings(),
        '--rejects',
        'interrupted-rejects.jsonl',
        '--json',
        '--quiet'
      ],
      { cwd: dir }
    )
    // Once the function's first request is in flight, press Ctrl-C.
    let pressed = 0
    firstRequest.push(() => {
      pressed = Date.now()
      child.kill('SIGINT')
    })
    const { code, stdout, stderr } = await finished(child)
    // The batches in flight finished well within the 5 s grace (the server answers in 300 ms).
    expect(Date.now() - pressed).toBeLessThan(4000)
    expect(stderr).toContain('Stopping: finishing the batches in flight')
    expect(code).toBe(130)
    const summary = JSON.parse(stdout) as ReplaySummaryJson
    expect(summary.interrupted).toBe(true)
    expect(summary.events.total).toBeGreaterThan(0)
    // Reading stopped: the rest of the file was never read; what was read and not sent is counted apart.
    expect(summary.events.total + summary.events.unfinished).toBeLessThan(3000)
    // The batches in flight finished (the server answers in 300 ms): every event that ran was delivered.
    expect(summary.events).toMatchObject({ rejected: 0, retry: 0 })
    expect(summary.events.delivered).toBe(summary.events.total)
    // Where to resume: every line up to the last one read either ran or is in the rejects file, unsent.
    const stoppedAt = Number(/^interrupted\.jsonl:(\d+)$/.exec(summary.stoppedAfter ?? '')?.[1])
    expect(summary.events.total + summary.events.unfinished).toBe(stoppedAt)
    const rejected = readFileSync(join(dir, 'interrupted-rejects.jsonl'), 'utf8').split('\n').filter(Boolean)
    expect(rejected).toHaveLength(summary.events.unfinished)
  }, 20_000)
})

function finished(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('building blocks', () => {
  test("a 429 pauses for X-Ratelimit-Retry-After's seconds, else until X-RateLimit-Reset: an epoch in seconds, or the seconds left when too small for a date", () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    const resume = (headers: Record<string, string>) => resumeTime(new Headers(headers), now, 1000)
    expect(resume({ 'X-RateLimit-Reset': String(now / 1000 + 3) })).toBe(now + 3000)
    expect(resume({ 'X-RateLimit-Reset': '27' })).toBe(now + 27_000)
    expect(resume({ 'X-Ratelimit-Retry-After': '5' })).toBe(now + 5000)
    expect(resume({ 'X-Ratelimit-Retry-After': '5', 'X-RateLimit-Reset': String(now / 1000 + 3) })).toBe(now + 5000)
    for (const unusable of ['', 'soon', '-5', '1e12']) expect(resume({ 'X-RateLimit-Reset': unusable })).toBe(now + 1000)
    expect(resume({})).toBe(now + 1000)
  })

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
    expect(truncated.end()).toEqual([{ problem: 'the file ends inside the element at [1] (the array is not closed)', index: 2 }])
    expect(new JsonArraySplitter().push('{"a":1}')).toEqual([
      { problem: 'the file is not a JSON array (it does not start with "[")', index: 0 }
    ])
  })

  test('the rate budget: no 3-second window holds more than 3,000 /users/track requests, however they are timed', async () => {
    let now = 0
    const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) }
    // Two threads, each with half of the budget, sending as fast as their buckets let them.
    const buckets = [
      new TokenBucket({ limit: 3000, windowMs: 3000 }, clock, 0.5),
      new TokenBucket({ limit: 3000, windowMs: 3000 }, clock, 0.5)
    ]
    const sent: number[] = []
    for (let round = 0; round < 20_000; round++) {
      const bucket = buckets[round % 2]!
      await bucket.settled()
      // An invocation makes a few requests without waiting (the function is never paused inside its 5 s).
      for (let k = 0; k < 5; k++) {
        bucket.spend()
        sent.push(now)
      }
    }
    let most = 0
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]! - sent[j]! >= 3000) j++
      most = Math.max(most, i - j + 1)
    }
    expect(most).toBeLessThanOrEqual(3000)
    // …and the pace is close to the limit: 100,000 requests in a little over 100 s.
    expect(now).toBeLessThan(120_000)
  })
})

describe('inputs and wording, as a user meets them', () => {
  const line = (i: number) =>
    JSON.stringify({ type: 'track', event: 'E', userId: `u${i}`, messageId: `m${i}`, timestamp: '2025-01-01T00:00:00Z' })

  // /proc lists a Linux process's open files; elsewhere there is nothing to count by.
  ;(existsSync('/proc/self/fd') ? test : test.skip)(
    'a folder of .gz files: each file is closed once read (a synced S3 bucket does not run out of file descriptors)',
    async () => {
      const folder = join(dir, 'gz-folder')
      mkdirSync(folder)
      // Over 64 KB compressed each, so that sniffing a file stops before its end.
      for (let k = 0; k < 30; k++) {
        const lines = Array.from({ length: 200 }, (_, i) =>
          JSON.stringify({ type: 'track', event: 'E', userId: `u${i}`, properties: { pad: randomBytes(600).toString('base64') } })
        )
        writeFileSync(join(folder, `f${String(k).padStart(3, '0')}.jsonl.gz`), gzipSync(lines.join('\n') + '\n'))
      }
      const open = () => readdirSync('/proc/self/fd').length
      const before = open()
      const source = await openEventSource(folder)
      let events = 0
      for await (const item of source.items) if (item.kind === 'text') events++
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(events).toBe(6000)
      expect(open() - before).toBeLessThanOrEqual(2)
    }
  )

  test('a symbolic link to an event file inside a folder is read', async () => {
    const folder = join(dir, 'linked')
    mkdirSync(folder)
    file('real.jsonl', `${line(1)}\n${line(2)}\n`)
    writeFileSync(join(folder, 'a.jsonl'), `${line(3)}\n`)
    symlinkSync(join(dir, 'real.jsonl'), join(folder, 'b.jsonl'))
    expect((await replayJson([folder])).events.total).toBe(3)
  })

  test('the rejects file is said to hold only the events it could hold (an unreadable line has no event to write)', async () => {
    const huge = JSON.stringify({ type: 'track', event: 'Big', userId: 'u', properties: { x: 'a'.repeat(17 * 1024 * 1024) } })
    file('huge.jsonl', `${line(1)}\n${huge}\n${line(2)}\n`)
    const { code, stdout } = await replay(['huge.jsonl', '--rejects', 'huge-rejects.jsonl', '--quiet'])
    expect(code).toBe(1)
    expect(readFileSync(join(dir, 'huge-rejects.jsonl'), 'utf8')).toBe('')
    expect(stdout).toContain('huge.jsonl:2: rejected')
    expect(stdout).toContain('0 of them, as they were in the input, in huge-rejects.jsonl (the others could not be read')
  })

  test('one mistake (text after the JSON) is one reason, whatever its position', async () => {
    const lines = Array.from(
      { length: 50 },
      (_, i) => `${JSON.stringify({ type: 'track', event: 'E', userId: 'u', messageId: `z${'0'.repeat(i)}` })}}`
    )
    file('trailing.jsonl', lines.join('\n') + '\n')
    expect((await replayJson(['trailing.jsonl'])).reasons.rejected).toHaveLength(1)
  })

  test('durations never round up into the next unit\'s figure ("1000 ms", "60.0 s")', () => {
    expect([duration(999.4), duration(999.7), duration(59_940), duration(59_960)]).toEqual(['999 ms', '1.0 s', '59.9 s', '1 min 0 s'])
  })
})

test("Ctrl-C while batches wait out a 429's pause: they stop at once, unsent (so --rejects holds them), none is sent", async () => {
  // The pause's timer must not hold jest for its minute once the test is done.
  const clock: Clock = { now: realClock.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()) }
  const limiter = new BrazeRateLimiter(clock)
  limiter.pause.pauseUntil(Date.now() + 60_000)
  let sent = 0
  const executor = new Executor({
    runtime: loadBuilt({ fetch: async () => (sent++, new Response('{}', { status: 201 })) }),
    rawSettings: { apiKey: EXAMPLE_KEY, dataCenter: 'US-01' },
    batchSize: 20,
    concurrency: 4,
    retry: { delaysMs: [] },
    clock,
    limiter
  })
  const texts = Array.from({ length: 100 }, (_, i) => JSON.stringify(track(`u${i}`, 'Viewed')))
  const running = executor.run(texts)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const stopped = Date.now()
  executor.stop()
  const result = await running
  expect(Date.now() - stopped).toBeLessThan(1000)
  expect(sent).toBe(0)
  expect(result.unsent).toHaveLength(100)
  expect(result.events).toBe(0)
})

test('--live on a machine of many cores: the default batches per thread shrink to fit the in-flight bound; values you give are checked', () => {
  expect(parseReplayArgs(['x.jsonl', '--live', '--workers', '16'])).toMatchObject({ workers: 16, concurrency: 2 })
  expect(parseReplayArgs(['x.jsonl', '--live', '--workers', '32'])).toMatchObject({ workers: 32, concurrency: 1 })
  expect(() => parseReplayArgs(['x.jsonl', '--live', '--workers', '16', '--concurrency', '4'])).toThrow(
    'With --live, --workers × --concurrency is at most 32 (here 64)'
  )
})
