// `npm start` in-process: the real examples through the freshly built
// function against the embedded Braze, read as a person would read it.
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { ROOT } from '../src/tools/paths'
import type { CommandIO } from '../src/tools/command-io'
import { startCommand } from '../src/tools/start/start'

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

function makeIO(): { io: CommandIO; stdout: Capture; stderr: Capture } {
  const stdout = new Capture()
  const stderr = new Capture()
  // Run from elsewhere than the package: the examples and the build are found from the package root.
  return { io: { stdout, stderr, env: {}, cwd: tmpdir() }, stdout, stderr }
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'examples/events.json'), 'utf8')) as Array<{ title: string; file: string }>

let report = ''
let errors = ''
let exitCode: number

beforeAll(async () => {
  const { io, stdout, stderr } = makeIO()
  exitCode = await startCommand([], io)
  report = stdout.text
  errors = stderr.text
}, 30_000)

test('runs as designed: exit code 0, nothing on stderr', () => {
  expect(exitCode).toBe(0)
  expect(errors).toBe('')
  expect(report).toContain('Every example ended as expected')
})

test('the README shows the summary it ends with, line for line', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const summary = report.slice(report.lastIndexOf('\nSingle events') + 1)
  const shown = readme.slice(readme.indexOf('\nSingle events') + 1)
  expect(shown.slice(0, shown.indexOf('\n```'))).toBe(summary.trimEnd())
})

test('the report names every example of the manifest', () => {
  expect(manifest.length).toBeGreaterThanOrEqual(15)
  for (const { title } of manifest) expect(report).toContain(title)
})

test('the Test-tab event without a user is rejected with the clear ValidationError', () => {
  const section = report.slice(report.indexOf('Segment Test tab event without a user'))
  expect(section).toMatch(/Result +Rejected \(ValidationError\): Braze needs an identified user/)
  expect(section).toContain('anonymousAliasLabel')
})

test('each single event shows the Segment call, the Braze calls and the outcome', () => {
  expect(report).toMatch(/Segment +track "Order Completed" · userId u-20931/)
  expect(report).toMatch(/Braze +POST \/users\/track {2}4 purchases → 201/)
  expect(report).toMatch(/POST \/users\/merge {2}1 merge update → 202/)
  expect(report).toMatch(
    /Segment +identify · userId 97980cfea0067 · traits: total_revenue_180_days, email · Engage computed trait total_revenue_180_days/
  )
  expect(report.match(/Result +Delivered/g)?.length).toBe(20)
})

test('the batch shows per-event statuses, the rejected event and the request count', () => {
  expect(report).toContain('onBatch with 30 events')
  expect(report).toMatch(/#11-20 {2}200 200 200 200 200 200 400 200 200 200/)
  expect(report).toMatch(/#17 track \(no event name\) u-31008 → 400 Rejected: A track call needs an "event" name/)
  expect(report).toMatch(
    /Sent +5 attribute objects \(one per user: updates of a user are merged\), 12 events, 0 purchases in 2 Braze requests for 30 events/
  )
})

test('the resulting Braze profiles: identifiers, attributes, events, purchases', () => {
  const profiles = report.slice(report.indexOf('What Braze now holds'), report.indexOf('━━ Summary'))
  expect(profiles).toMatch(/What Braze now holds: 7 profiles/)
  // One person, one profile: both devices' events on u-20944, the email lead merged into u-41752,
  // no alias-only or email-only profile left, and nothing for the unknown user under updateExistingOnly.
  expect(profiles).toMatch(
    /external_id u-20944 · email marcus\.reed@example\.com .*\n(.*\n)*? +events +ecommerce\.product_viewed ×1 · Viewed Pricing ×1/
  )
  expect(profiles).toMatch(/external_id u-41752 · email dana\.kim@example\.com .*\n +attributes +webinar_attended +true/)
  expect(profiles.split('\n').filter((line) => /^(alias|email|\(no external_id)/.test(line))).toEqual([])
  expect(profiles).not.toContain('u-99999')
  // Added again later in the examples, high_value_customers moved to the end, as Braze moves it.
  expect(profiles).toMatch(/segment_audiences +\["first_time_shopper","j_o_first_purchase__opened_email_dje83h"/)
  expect(profiles).toMatch(/dob +"1991-04-12"/)
  expect(profiles).toMatch(/events +Trait Computed ×2 · Audience Entered ×2 · Audience Exited ×1 · Viewed Docs Pricing Page ×1/)
  expect(profiles).toContain('61a7c3e2f1b9d40012ab34cd  150 × 12.99 EUR in 2 purchase objects')
  expect(profiles).toContain('505bd76785ebb509fc183733  2 × 12.99 EUR')
})

test('the summary lines are stable text', () => {
  const summary = report.slice(report.indexOf('━━ Summary'))
  expect(summary).toMatch(
    /^Single events {2}21 events: 20 delivered, 1 rejected, 0 retry · 25 Braze requests · \d+ estimated data points$/m
  )
  expect(summary).toMatch(/^Batch {10}30 events: 29 delivered, 1 rejected, 0 retry · 2 Braze requests · \d+ estimated data points$/m)
  expect(summary).toMatch(/^Total {10}51 events: 49 delivered, 2 rejected, 0 retry · 27 Braze requests · \d+ estimated data points$/m)
  expect(summary).toContain('Braze now holds 7 profiles.')
})

test('no colour codes when stdout is not a terminal; the API key never printed', () => {
  expect(report).not.toContain('\u001b[')
  expect(report).not.toContain('example-rest-api-key')
})

test('--help prints the usage; unknown arguments are bad usage', async () => {
  const help = makeIO()
  expect(await startCommand(['--help'], help.io)).toBe(0)
  expect(help.stdout.text).toContain('Usage: npm start')
  const bad = makeIO()
  expect(await startCommand(['--nope'], bad.io)).toBe(2)
  expect(bad.stderr.text).toContain("Unknown option '--nope'.")
  const extra = makeIO()
  expect(await startCommand(['events.json'], extra.io)).toBe(2)
  expect(extra.stderr.text).toContain('Unexpected argument "events.json".')
})

test('--bodies prints each Braze request body under its line, as the function sent it', async () => {
  const { io, stdout } = makeIO()
  expect(await startCommand(['--bodies'], io)).toBe(0)
  const first = stdout.text.slice(stdout.text.indexOf('1. Engage computed trait (identify)'))
  expect(first).toMatch(
    /POST \/users\/track {2}1 attribute object → 201\n {13}\{\n {15}"attributes": \[\n {17}\{\n {19}"external_id": "97980cfea0067",/
  )
})
