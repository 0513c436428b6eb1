// Braze answers that break off, carry odd error entries or run long, through the built function in
// every runtime profile: a cut-off answer is a retry (what Braze refused is unknown), Braze's answer is
// never taken for a network failure, and "Max Input Length Exceeded" is read from Braze's own message.
import { createServer, type Server, type Socket } from 'node:net'
import { Response } from 'node-fetch'
import type { RuntimeProfile, SegmentRuntime } from '../src/tools/segment-runtime'
import { loadBuilt, RUNTIME_PROFILES } from './helpers/runtime'
import { expectBatchShape, settle, thrownClass } from './adversarial-support'

const KEY = 'brz-ANSWERS-5d0c7e2a-91f8-4b36-a1f0-c0ffee5ec4e7'
const SETTINGS = { apiKey: KEY, dataCenter: 'US-01' }
const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00.000Z`
const track = (i: number) => ({
  type: 'track',
  messageId: `r-${i}`,
  userId: `user-${i}`,
  timestamp: at(i),
  event: 'Clicked',
  properties: { n: i }
})
const BATCH = [track(0), track(1), track(2)]

type Answer = (path: string, body: any) => { status: number; raw: string; headers?: Record<string, string> }

/** The built function whose Braze requests are answered in-process, as node-fetch hands an answer over. */
function answering(profile: RuntimeProfile, answer: Answer): { runtime: SegmentRuntime; seen: string[] } {
  const seen: string[] = []
  const runtime = loadBuilt({
    profile,
    fetch: async (url, init) => {
      const path = new URL(url).pathname
      seen.push(path)
      const reply = answer(path, JSON.parse(init.body ?? 'null'))
      return new Response(reply.raw, { status: reply.status, headers: reply.headers ?? { 'Content-Type': 'application/json' } })
    }
  })
  return { runtime, seen }
}

const success = () => ({ status: 201, raw: JSON.stringify({ message: 'success' }) })

describe.each(RUNTIME_PROFILES)('in the %s runtime profile', (profile) => {
  describe('a 400 that breaks off while it is read (a TCP reset mid-body)', () => {
    let server: Server
    let url: string
    let complete = false
    const sockets = new Set<Socket>()
    const BODY =
      "{\"message\":\"Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.\"," +
      '"errors":[{"type":"bad event","input_array":"events","index":1}]}'
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket)
        socket.on('error', () => undefined)
        socket.once('data', () => {
          if (complete) {
            socket.end(
              `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`
            )
            return
          }
          // Status line, headers and a third of the body; then a TCP reset.
          socket.write(
            `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 60)}`
          )
          setTimeout(() => socket.resetAndDestroy(), 20)
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    })
    afterAll(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    })

    test('read whole: only the named event is 400, its neighbours 500 (Braze took none)', async () => {
      complete = true
      const runtime = loadBuilt({ profile, brazeBaseUrl: url, timeScale: 20 })
      const outcome = await settle(runtime, () => runtime.handlers.onBatch!(BATCH, SETTINGS))
      expect(outcome.kind).toBe('returned')
      if (outcome.kind !== 'returned') return
      expectBatchShape(outcome.value, BATCH.length)
      expect(outcome.value.map((result) => result.status)).toEqual([500, 400, 500])
    })

    test('cut mid-body → every event 500: which objects Braze refused is unknown, so Segment retries them', async () => {
      complete = false
      const runtime = loadBuilt({ profile, brazeBaseUrl: url, timeScale: 20 })
      const outcome = await settle(runtime, () => runtime.handlers.onBatch!(BATCH, SETTINGS))
      expect(outcome.kind).toBe('returned')
      if (outcome.kind !== 'returned') return
      expectBatchShape(outcome.value, BATCH.length)
      expect(outcome.value.map((result) => result.status)).toEqual([500, 500, 500])
    })

    test('cut mid-body → onTrack is a RetryError, not a ValidationError', async () => {
      complete = false
      const runtime = loadBuilt({ profile, brazeBaseUrl: url, timeScale: 20 })
      const outcome = await settle(runtime, () => runtime.handlers.onTrack!(track(0), SETTINGS))
      expect(thrownClass(outcome)).toBe('RetryError')
    })
  })

  test('a 201 whose errors[] entry has an odd "type" ({"toString": null}): the event is refused with it, never taken for a network failure', async () => {
    // {"toString": null} is valid JSON; String() of it throws a TypeError inside classify(), caught as a network failure.
    const { runtime } = answering(profile, () => ({
      status: 201,
      raw: '{"message":"success","errors":[{"type":{"toString":null},"input_array":"events","index":0}]}'
    }))
    const outcome = await settle(runtime, () => runtime.handlers.onTrack!(track(0), SETTINGS))
    expect(outcome.kind === 'thrown' ? outcome.message : '').not.toMatch(/could not be reached/)
    expect(thrownClass(outcome)).toBe('ValidationError')
  })

  describe('"400 Max Input Length Exceeded" (https://www.braze.com/docs/api/errors/), however long the answer', () => {
    // 75 track events of 60 users: one request of 75 objects, which this contract refuses (over 50).
    const events = Array.from({ length: 75 }, (_, i) => ({ ...track(i % 60), messageId: `big-${i}`, timestamp: at(i % 60) }))
    const tooLong = (errors: string[]) => (path: string, body: any) => {
      const total = ['attributes', 'events', 'purchases'].reduce((n, name) => n + (body[name]?.length ?? 0), 0)
      if (path === '/users/track' && total > 50)
        return { status: 400, raw: JSON.stringify({ message: 'Max Input Length Exceeded', errors }) }
      return success()
    }
    const run = async (errors: string[]) => {
      const { runtime, seen } = answering(profile, tooLong(errors))
      const outcome = await settle(runtime, () => runtime.handlers.onBatch!(events, SETTINGS))
      expect(outcome.kind).toBe('returned')
      if (outcome.kind !== 'returned') throw new Error('threw')
      expectBatchShape(outcome.value, events.length)
      return { statuses: outcome.value.map((result) => result.status), requests: seen.length }
    }

    test('a short answer: resent in requests of 50, every event 200', async () => {
      const { statuses, requests } = await run(['75 objects combined (at most 50 per request)'])
      expect(requests).toBe(3)
      expect(statuses.filter((status) => status !== 200)).toEqual([])
    })

    test('the same answer listing each object (2,900 characters): resent in requests of 50 too', async () => {
      const { statuses, requests } = await run(Array.from({ length: 75 }, (_, i) => `object ${i}: over the 50-object limit`))
      expect(requests).toBe(3)
      expect(statuses.filter((status) => status !== 200)).toEqual([])
    })
  })
})
