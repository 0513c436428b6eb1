// The local Segment runtime itself: each profile is what it claims to be, and
// the built function keeps Segment's contract in each of them.
import nock from 'nock'
import { loadFunction, RUNTIME_PROFILES } from '../src/tools/segment-runtime'
import { BRAZE_HOST, SETTINGS, connectionReset, mockBraze, useNock } from './helpers/braze-nock'
import { track } from './helpers/events'
import { loadBuilt } from './helpers/runtime'

useNock()

const probe = `
async function onTrack() {
  return {
    AbortController: typeof AbortController,
    TextEncoder: typeof TextEncoder,
    structuredClone: typeof structuredClone,
    setImmediate: typeof setImmediate,
    queueMicrotask: typeof queueMicrotask,
    RetryError: typeof RetryError,
    cache: typeof cache,
    require: typeof require,
    module: typeof module,
    exports: typeof exports,
    process: typeof process,
    fetch: typeof fetch,
    window: typeof window,
    hostRealmErrors: !(new ValidationError('x') instanceof Error)
  }
}`

describe('what each profile provides', () => {
  test("segment: the emulator's globals plus RetryError and cache, all host-realm", async () => {
    expect(await loadFunction(probe).handlers.onTrack!({}, {})).toEqual({
      AbortController: 'undefined',
      TextEncoder: 'undefined',
      structuredClone: 'undefined',
      setImmediate: 'undefined',
      queueMicrotask: 'undefined',
      RetryError: 'function',
      cache: 'object',
      require: 'undefined',
      module: 'undefined',
      exports: 'undefined',
      process: 'undefined',
      fetch: 'function',
      window: 'object',
      hostRealmErrors: true
    })
  })

  test("minimal: exactly the emulator's globals, so no RetryError and no cache", async () => {
    expect(await loadFunction(probe, { profile: 'minimal' }).handlers.onTrack!({}, {})).toMatchObject({
      AbortController: 'undefined',
      TextEncoder: 'undefined',
      RetryError: 'undefined',
      cache: 'undefined',
      hostRealmErrors: true
    })
  })

  test("minimal: the names of the emulator's window (buildpack/boreal/window.js) and window itself, nothing more", () => {
    // The list in window.js's module.exports, in its order.
    const emulator = [
      'AWS',
      'atob',
      'btoa',
      'crypto',
      'FormData',
      'OAuth',
      'xml',
      '_',
      'console',
      'Buffer',
      'URL',
      'URLSearchParams',
      'fetch'
    ]
      .concat(['Request', 'Response', 'ServerRequest', 'Headers', 'clearTimeout', 'clearInterval', 'setTimeout', 'setInterval'])
      .concat(['ValidationError', 'EventNotSupported', 'InvalidEventPayload', 'Segment'])
    const { global } = loadFunction('', { profile: 'minimal' })
    expect(Object.keys(global).sort()).toEqual([...emulator, 'window'].sort())
  })

  test("the libraries the function does not use have the emulator's types, and fail on use", async () => {
    const runtime = loadFunction(
      'async function onTrack() { return [typeof _, typeof FormData, typeof xml, typeof ServerRequest, typeof OAuth, typeof AWS] }',
      { profile: 'minimal' }
    )
    expect(await runtime.handlers.onTrack!({}, {})).toEqual(['function', 'function', 'function', 'function', 'object', 'object'])
    const user = loadFunction('async function onTrack() { return _.merge({}, {}) }', { profile: 'minimal' })
    await expect(user.handlers.onTrack!({}, {})).rejects.toThrow('lodash (_) is not available in the local Segment runtime')
  })

  test("console is Node's, as the emulator passes the host's: every method, util.format's output, one log entry per call", async () => {
    const lines: string[] = []
    const runtime = loadFunction(
      `async function onTrack() {
        const missing = ['log', 'info', 'warn', 'error', 'debug', 'table', 'dir', 'time', 'timeEnd', 'assert', 'trace', 'count', 'group'].filter((m) => typeof console[m] !== 'function')
        console.log('%s has %d', 'cart', 2)
        console.error(new Error('boom').message, { a: 1 })
        return missing
      }`,
      { profile: 'minimal', onLog: (line) => lines.push(line) }
    )
    expect(await runtime.handlers.onTrack!({}, {})).toEqual([])
    expect(lines).toEqual(['cart has 2', 'boom { a: 1 }'])
    expect(runtime.logs).toEqual(lines)
  })

  test('node: a generous Node 20 set, with the error classes created inside the context', async () => {
    expect(await loadFunction(probe, { profile: 'node' }).handlers.onTrack!({}, {})).toMatchObject({
      AbortController: 'function',
      TextEncoder: 'function',
      structuredClone: 'function',
      setImmediate: 'function',
      queueMicrotask: 'function',
      RetryError: 'function',
      cache: 'object',
      require: 'undefined',
      hostRealmErrors: false
    })
  })

  test('the script is wrapped like the emulator: handlers it does not declare are EventNotSupported', async () => {
    const runtime = loadFunction('async function onTrack() { return "tracked" }')
    expect(Object.keys(runtime.handlers)).toEqual(['onTrack'])
    await expect(runtime.deliver({ type: 'identify' }, {})).rejects.toBeInstanceOf(runtime.errors.EventNotSupported)
    expect(await runtime.deliver({ type: 'track' }, {})).toBe('tracked')
  })
})

describe.each(RUNTIME_PROFILES)('the built function in the %s profile', (profile) => {
  test('Braze 503 → RetryError Segment recognises; 400 → ValidationError', async () => {
    const runtime = loadBuilt({ profile })
    nock(BRAZE_HOST).post('/users/track').reply(503, { message: 'Service Unavailable' })
    const retry = await runtime.handlers.onTrack!(track('u1', 'Signed Up'), SETTINGS).catch((error: unknown) => error)
    expect(runtime.classify(retry)).toBe('RetryError')
    if (runtime.errors.RetryError) expect(retry).toBeInstanceOf(runtime.errors.RetryError)
    else expect((retry as Error).name).toBe('RetryError')

    nock(BRAZE_HOST).post('/users/track').reply(400, { message: 'Invalid request' })
    const rejected = await runtime.handlers.onTrack!(track('u1', 'Signed Up'), SETTINGS).catch((error: unknown) => error)
    expect(rejected).toBeInstanceOf(runtime.errors.ValidationError!)
    expect((rejected as Error).message).toContain('Invalid request')
  })

  test('a connection failure → RetryError, without AbortController where the profile has none', async () => {
    const runtime = loadBuilt({ profile })
    nock(BRAZE_HOST).post('/users/track').replyWithError(connectionReset())
    const error = await runtime.handlers.onTrack!(track('u1', 'Signed Up'), SETTINGS).catch((thrown: unknown) => thrown)
    expect(runtime.classify(error)).toBe('RetryError')
    expect((error as Error).message).toMatch(/could not be reached.*ECONNRESET/)
  })

  test('onBatch returns one status per event', async () => {
    const runtime = loadBuilt({ profile })
    mockBraze()
    expect(await runtime.handlers.onBatch!([track('u1', 'A'), { type: 'track', event: 'x' }], SETTINGS)).toEqual([
      { status: 200 },
      { status: 400, errormessage: expect.stringMatching(/userId/) }
    ])
  })
})
