// `npm start`: the examples through the current build of the function, in a
// local copy of Segment's runtime, against an embedded Braze (no account, no
// network), and a report of what each event became in Braze.
import type { CommandIO } from '../command-io'
import { BuildError, currentBuild } from '../current-build'
import { estimateRequestDataPoints } from '../data-points'
import { startEmbeddedBraze } from '../embedded-braze'
import { DEFAULT_SETTINGS_FILE, EXAMPLES_DIR, shownPath } from '../paths'
import { pathOf } from '../replay/request-stats'
import { SettingsError, loadSettingsFile } from '../replay/settings-file'
import { loadFunction, type ObservedRequest } from '../segment-runtime'
import { parseOptions, UsageError } from '../usage'
import { plural } from '../wording'
import { describeBriefly, describeExchange, describeSegmentCall, outcomeOfError, type SampleOutcome } from './describe'
import { painter } from './paint'
import { renderProfiles } from './profiles-report'
import { SampleError, loadSamples, type BatchSample, type SingleSample } from './samples'

const START_USAGE = `Usage: npm start [-- --bodies]
       braze-destination-function start [--bodies]

Runs the examples (examples/events.json lists them; settings from
examples/settings.json, in this package) through build/braze-destination.js,
rebuilt first when the sources changed, as Segment would:
each single event through its handler (onIdentify, onTrack, onPage, …), the
batch through onBatch. Braze is an embedded stand-in on 127.0.0.1: nothing
leaves your machine. Prints, per example, the Segment call, the Braze
requests made and the outcome as Segment's Event Delivery would show it; then
the Braze profiles that resulted and a summary.

--bodies  also print each Braze request's JSON body, as the function sent it.

Exit codes: 0 every example ended as the examples expect (the Test-tab event
without a user and the batch's track without a name are meant to be
rejected); 1 one did not, or the examples could not run; 2 bad usage.
`

interface Tally {
  events: number
  delivered: number
  rejected: number
  retry: number
  requests: number
  dataPoints: number
}

const emptyTally = (): Tally => ({ events: 0, delivered: 0, rejected: 0, retry: 0, requests: 0, dataPoints: 0 })

function tallyLine(t: Tally): string {
  return `${plural(t.events, 'event')}: ${t.delivered} delivered, ${t.rejected} rejected, ${t.retry} retry · ${plural(t.requests, 'Braze request')} · ${plural(t.dataPoints, 'estimated data point')}`
}

function dataPointsOf(exchanges: ObservedRequest[]): number {
  let total = 0
  for (const exchange of exchanges) {
    if (exchange.status === undefined || exchange.status < 200 || exchange.status >= 300) continue
    let body: unknown
    try {
      body = exchange.body === undefined ? undefined : JSON.parse(exchange.body)
    } catch {
      continue
    }
    total += estimateRequestDataPoints(pathOf(exchange.url), body).total
  }
  return total
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n')
}

export async function startCommand(args: string[], io: CommandIO): Promise<number> {
  let showBodies = false
  try {
    const { values, positionals } = parseOptions(args, { help: { type: 'boolean', short: 'h' }, bodies: { type: 'boolean' } })
    if (values.help) {
      io.stdout.write(START_USAGE)
      return 0
    }
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`)
    showBodies = values.bodies === true
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`start: ${error.message} (see start --help)\n`)
    return 2
  }
  const fail = (message: string) => {
    io.stderr.write(`start: ${message}\n`)
    return 1
  }
  const paint = painter(io.stdout, io.env)
  const out = (line = '') => io.stdout.write(`${line}\n`)
  const showExchange = (exchange: ObservedRequest, k: number) => {
    out(`   ${k === 0 ? 'Braze    ' : '         '} ${describeExchange(exchange)}`)
    if (showBodies && exchange.body !== undefined) out(paint('dim', indent(prettyJson(exchange.body), '             ')))
  }

  let build
  let samples
  let loaded
  try {
    build = await currentBuild()
    samples = await loadSamples(EXAMPLES_DIR)
    // The embedded Braze only; a BRAZE_API_KEY in the environment has no business here.
    loaded = await loadSettingsFile(DEFAULT_SETTINGS_FILE, {})
  } catch (error) {
    if (error instanceof SampleError || error instanceof SettingsError || error instanceof BuildError) return fail(error.message)
    throw error
  }
  const builtFile = shownPath(build.file)
  if (build.rebuilt) io.stderr.write(`start: rebuilt ${builtFile}: it was not what the current sources build to.\n`)

  const braze = await startEmbeddedBraze({ apiKey: loaded.settings.apiKey })
  try {
    let exchanges: ObservedRequest[] = []
    const runtime = loadFunction(build.code, { brazeBaseUrl: braze.url, onRequest: (exchange) => exchanges.push(exchange) })
    const settings = loaded.raw
    const kb = (Buffer.byteLength(build.code) / 1024).toFixed(1)

    out(paint('bold', 'Braze Destination Function: local run'))
    out(`Function  ${builtFile} (${kb} KB) in a local copy of Segment's function runtime`)
    out(`Braze     embedded stand-in at ${braze.url} (requests for ${loaded.settings.dataCenter.restHost} go there; no network)`)
    out(`Settings  ${shownPath(DEFAULT_SETTINGS_FILE)}: ${describeSettings(loaded.raw)}`)
    out()

    const singles = samples.filter((s): s is SingleSample => s.kind === 'single')
    const batches = samples.filter((s): s is BatchSample => s.kind === 'batch')
    const singleTally = emptyTally()
    const batchTally = emptyTally()
    const surprises: string[] = []

    out(paint('bold', `━━ Single events: each through the handler Segment picks by its type (${singles.length}) ━━`))
    out()
    for (const [i, sample] of singles.entries()) {
      exchanges = []
      runtime.logs.length = 0
      let outcome: SampleOutcome
      let text: string
      let warnings: string[] = []
      try {
        const result = (await runtime.deliver(sample.event, { ...settings, ...sample.settings })) as { warnings?: unknown } | undefined
        outcome = 'delivered'
        text = 'Delivered'
        if (Array.isArray(result?.warnings)) warnings = result.warnings.map(String)
      } catch (error) {
        ;({ outcome, text } = outcomeOfError(error))
      }
      const seen = exchanges
      singleTally.events++
      singleTally[outcome === 'unsupported' ? 'rejected' : outcome]++
      singleTally.requests += seen.length
      singleTally.dataPoints += dataPointsOf(seen)

      out(paint('bold', `${i + 1}. ${sample.title}`))
      if (sample.note) out(paint('dim', indent(sample.note, '   ')))
      if (sample.settings) out(`   Settings  ${describeSettings(sample.settings)} (this example only)`)
      out(`   Segment   ${describeSegmentCall(sample.event)}`)
      if (seen.length === 0) out(`   Braze     no request`)
      seen.forEach((exchange, k) => showExchange(exchange, k))
      const colour = outcome === 'delivered' ? 'green' : outcome === 'retry' ? 'yellow' : 'red'
      out(`   Result    ${paint(colour, text)}`)
      for (const warning of warnings) out(`   ${paint('yellow', 'Warning')}   ${warning}`)
      for (const line of runtime.logs) out(`   Log       ${line}`)
      if (outcome !== sample.expect) {
        const surprise = `"${sample.title}" ended ${outcome}, the examples expect ${sample.expect}`
        surprises.push(surprise)
        out(`   ${paint('red', `UNEXPECTED: ${surprise}`)}`)
      }
      out()
    }

    for (const sample of batches) {
      exchanges = []
      out(paint('bold', `━━ ${sample.title} ━━`))
      if (sample.note) out(paint('dim', indent(sample.note, '   ')))
      out(`   Segment   onBatch with ${plural(sample.events.length, 'event')} (${sample.file})`)
      let statuses: Array<{ status: number; errormessage?: string }>
      try {
        const result = await runtime.handlers.onBatch!(sample.events, settings)
        statuses = Array.isArray(result) ? (result as typeof statuses) : []
      } catch (error) {
        const { outcome, text } = outcomeOfError(error)
        statuses = sample.events.map(() => ({ status: outcome === 'retry' ? 500 : 400, errormessage: text }))
      }
      const seen = exchanges
      seen.forEach((exchange, k) => showExchange(exchange, k))
      batchTally.requests += seen.length
      batchTally.dataPoints += dataPointsOf(seen)
      out(`   Statuses  ${paint('dim', '200 delivered · 400 rejected (Segment discards it) · 500 Segment retries it')}`)
      for (let start = 0; start < sample.events.length; start += 10) {
        const row = sample.events.slice(start, start + 10).map((_, k) => {
          const status = statuses[start + k]?.status
          const text = String(status ?? '—')
          return status === 200 ? paint('green', text) : status === 500 ? paint('yellow', text) : paint('red', text)
        })
        const range = `#${start + 1}-${Math.min(start + 10, sample.events.length)}`
        out(`   ${range.padStart(8)}  ${row.join(' ')}`)
      }
      sample.events.forEach((event, k) => {
        const status = statuses[k]?.status
        batchTally.events++
        if (status === 200) batchTally.delivered++
        else if (status === 500) batchTally.retry++
        else batchTally.rejected++
        const expected = sample.expectRejected.includes(k + 1) ? 400 : 200
        if (status !== 200) {
          const label = status === 500 ? paint('yellow', 'Retry') : paint('red', 'Rejected')
          out(`   #${k + 1} ${describeBriefly(event)} → ${status ?? 'no status'} ${label}: ${statuses[k]?.errormessage ?? ''}`)
        }
        if (status !== expected) {
          const surprise = `batch event #${k + 1} (${describeBriefly(event)}) got ${status ?? 'no status'}, the examples expect ${expected}`
          surprises.push(surprise)
          out(`   ${paint('red', `UNEXPECTED: ${surprise}`)}`)
        }
      })
      const sent = trackObjects(seen)
      out(
        `   Sent      ${plural(sent.attributes, 'attribute object')} (one per user: updates of a user are merged), ${plural(sent.events, 'event')}, ` +
          `${plural(sent.purchases, 'purchase')} in ${plural(seen.length, 'Braze request')} for ${plural(sample.events.length, 'event')}`
      )
      out()
    }

    const profiles = braze.profiles()
    out(paint('bold', `━━ What Braze now holds: ${plural(profiles.length, 'profile')} ━━`))
    out()
    for (const line of renderProfiles(profiles, paint)) out(line)

    const total: Tally = emptyTally()
    for (const t of [singleTally, batchTally]) for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += t[key]
    out(paint('bold', '━━ Summary ━━'))
    out(`Single events  ${tallyLine(singleTally)}`)
    out(`Batch          ${tallyLine(batchTally)}`)
    out(`Total          ${tallyLine(total)}`)
    out(`Braze now holds ${plural(profiles.length, 'profile')}.`)
    if (surprises.length === 0) {
      out(
        paint(
          'green',
          "Every example ended as expected (the Test-tab event without a user and the batch's track without a name are meant to be rejected)."
        )
      )
      return 0
    }
    out(paint('red', `${plural(surprises.length, 'example')} did not end as expected:`))
    for (const surprise of surprises) out(paint('red', `  - ${surprise}`))
    return 1
  } finally {
    await braze.close()
  }
}

/** The objects of the /users/track requests the function sent. */
function trackObjects(exchanges: ObservedRequest[]): { attributes: number; events: number; purchases: number } {
  const sent = { attributes: 0, events: 0, purchases: 0 }
  for (const exchange of exchanges) {
    if (pathOf(exchange.url) !== '/users/track' || exchange.body === undefined) continue
    try {
      const body = JSON.parse(exchange.body) as Record<string, unknown>
      for (const name of ['attributes', 'events', 'purchases'] as const) {
        const items = body[name]
        if (Array.isArray(items)) sent[name] += items.length
      }
    } catch {
      // Not JSON: nothing to count.
    }
  }
  return sent
}

/** The settings in one line, without the key. */
function describeSettings(raw: Record<string, unknown>): string {
  return Object.entries(raw)
    .filter(([key, value]) => key !== 'apiKey' && value !== '' && value !== undefined && value !== null)
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ')
}
