// The function's own work per single event, against Segment's Braze (Actions)
// destination doing the same job: one track after another, each sent through
// node-fetch to a Braze stand-in on 127.0.0.1 that answers at once
// (bench/zero-latency-braze.ts, in a process of its own), so that what is
// timed is the destination's code (mapping, validation, the request) on the
// same HTTP stack. Ours runs as Segment runs it: the built script in the
// local runtime. Theirs runs as Segment's actions engine does:
// Destination.executeAction with the action's default mappings.
//
// @segment/action-destinations is not a dependency of this project (over
// 100 MB with the AWS SDK, Kafka and SFTP clients it bundles), so install it
// anywhere and name that folder:
//   npm i --prefix /tmp/actions @segment/action-destinations @segment/actions-core
//   npx tsx bench/actions-comparison.ts /tmp/actions
// Measured with 3.497.0. Its schema keys contain spaces, which fast-uri 3.1
// (through ajv) refuses with "URI scheme is malformed": pin fast-uri to 3.0.6
// with an npm "overrides" entry in that folder's package.json.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { builtFunctionFile, ROOT } from '../src/tools/paths'
import { loadFunction } from '../src/tools/segment-runtime'

const EVENTS = 3000
const WARM_UP = 500

interface ActionsCore {
  Destination: new (definition: unknown) => {
    executeAction(action: string, input: Record<string, unknown>): Promise<unknown>
  }
  defaultValues(fields: unknown): Record<string, unknown>
}

function track(i: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Viewed Item',
    userId: `user-${i % 500}`,
    anonymousId: `anon-${i % 500}`,
    messageId: `compare-${i}`,
    timestamp: new Date(Date.UTC(2024, 4, 1, 10, 0, i % 60)).toISOString(),
    receivedAt: '2024-05-01T10:00:01.000Z',
    properties: { item: `item-${i % 11}`, price: 12.5, category: 'shoes' },
    context: { library: { name: 'analytics.js', version: '2.11.1' } }
  }
}

/** Mean wall and processor time per call over EVENTS calls, after WARM_UP. */
async function perEvent(send: (event: Record<string, unknown>) => Promise<unknown>): Promise<{ wallUs: number; cpuUs: number }> {
  for (let i = 0; i < WARM_UP; i++) await send(track(i))
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < EVENTS; i++) await send(track(WARM_UP + i))
  const used = process.cpuUsage(cpu)
  return { wallUs: ((performance.now() - started) * 1000) / EVENTS, cpuUs: (used.user + used.system) / EVENTS }
}

async function main(): Promise<void> {
  const dir = process.argv[2]
  if (!dir) throw new Error('usage: npx tsx bench/actions-comparison.ts <folder where @segment/action-destinations is installed>')
  const load = createRequire(join(resolve(dir), 'package.json'))
  const core = load('@segment/actions-core') as ActionsCore
  const braze = (
    load('@segment/action-destinations/dist/destinations/braze') as { default: { actions: Record<string, { fields: unknown }> } }
  ).default
  const version = (load('@segment/action-destinations/package.json') as { version: string }).version

  const server = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(__dirname, 'zero-latency-braze.ts')], {
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const url = await new Promise<string>((done) => server.stdout.once('data', (chunk) => done(String(chunk).trim())))

  const ours = loadFunction(readFileSync(builtFunctionFile(), 'utf8'), { brazeBaseUrl: url })
  const settings = { apiKey: 'compare-key', dataCenter: 'US-01' }
  const function_ = await perEvent((event) => ours.handlers.onTrack!(event, settings))

  const destination = new core.Destination(braze)
  const mapping = core.defaultValues(braze.actions.trackEvent!.fields)
  const actionSettings = { api_key: 'compare-key', endpoint: url, app_id: 'app' }
  const noop = () => undefined
  const actions = await perEvent((event) =>
    destination.executeAction('trackEvent', {
      event,
      mapping,
      settings: actionSettings,
      features: {},
      statsContext: {},
      logger: { info: noop, error: noop },
      transactionContext: {},
      stateContext: {},
      subscriptionMetadata: {}
    })
  )
  server.kill('SIGTERM')

  const row = (name: string, { wallUs, cpuUs }: { wallUs: number; cpuUs: number }) =>
    `${name.padEnd(58)} ${(wallUs / 1000).toFixed(3)} ms wall, ${(cpuUs / 1000).toFixed(3)} ms CPU per event`
  process.stdout.write(`One track at a time, Braze answering at once on 127.0.0.1, ${EVENTS} events after ${WARM_UP} to warm up:\n`)
  process.stdout.write(`${row('this function, onTrack (built script, segment runtime)', function_)}\n`)
  process.stdout.write(`${row(`Braze (Actions) ${version}, trackEvent, default mappings`, actions)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
