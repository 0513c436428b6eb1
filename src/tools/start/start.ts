import { existsSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { BUILD_FILE } from '../paths'
import { planDelivery, requestLimits } from '../../destination/delivery-plan'
import { isProblem } from '../../destination/errors'
import { mapEvent } from '../../destination/map-event'
import type { Settings } from '../../destination/settings'
import type { CommandIO } from '../command-io'
import { estimateRequestDataPoints } from '../data-points'
import { startEmbeddedBraze } from '../embedded-braze'
import { SettingsError, loadSettingsFile } from '../replay/settings-file'
import { pathOf } from '../replay/summary'
import { loadBuiltFunction, type ObservedRequest } from '../segment-runtime'
import { describeBriefly, describeExchange, describeSegmentCall, outcomeOfError, plural, type SampleOutcome } from './describe'
import { renderProfiles } from './profiles-report'
import { EXAMPLES_DIR, SETTINGS_FILE, SampleError, loadSamples, type BatchSample, type SingleSample } from './samples'
import { styleFor } from './style'

/**
 * `npm start`: the examples through the built function, in a local copy of
 * Segment's runtime, against an embedded Braze — no account, no network —
 * and a report of what each event became in Braze.
 */
export const START_USAGE = `Usage: npm start
       braze-destination-function start

Runs the examples (examples/events.json lists them; settings from
examples/settings.json) through build/braze-destination.js as Segment would:
each single event through its handler (onIdentify, onTrack, onPage, …), the
batch through onBatch. Braze is an embedded stand-in on 127.0.0.1: nothing
leaves your machine. Prints, per example, the Segment call, the Braze
requests made and the outcome as Segment's Event Delivery would show it; then
the Braze profiles that resulted and a summary.

Exit code 0 when every example ended as the examples expect (the Test-tab
event without a user is expected to be rejected), 1 otherwise.
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

export function tallyLine(t: Tally): string {
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

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n')
}

export async function startCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(START_USAGE)
    return 0
  }
  if (args.length > 0) {
    io.stderr.write(`start: unexpected argument ${args[0]}\n\n${START_USAGE}`)
    return 2
  }
  const fail = (message: string) => {
    io.stderr.write(`start: ${message}\n`)
    return 1
  }
  const style = styleFor(io.stdout, io.env)
  const out = (line = '') => io.stdout.write(`${line}\n`)
  const examplesDir = resolve(io.cwd, EXAMPLES_DIR)

  if (!existsSync(BUILD_FILE)) return fail('build/braze-destination.js is missing: run `npm run build` first (npm start does).')
  let samples
  let loaded
  try {
    samples = await loadSamples(examplesDir)
    // The embedded Braze only; a BRAZE_API_KEY in the environment has no business here.
    loaded = await loadSettingsFile(join(examplesDir, SETTINGS_FILE), {})
  } catch (error) {
    if (error instanceof SampleError || error instanceof SettingsError) return fail(error.message)
    throw error
  }

  const braze = await startEmbeddedBraze({ apiKey: loaded.settings.apiKey })
  try {
    let exchanges: ObservedRequest[] = []
    const runtime = loadBuiltFunction({ brazeBaseUrl: braze.url, onRequest: (exchange) => exchanges.push(exchange) })
    const settings = loaded.raw
    const kb = (statSync(BUILD_FILE).size / 1024).toFixed(1)

    out(style.bold('Braze Destination Function: local run'))
    out(`Function  ${relative(io.cwd, BUILD_FILE) || BUILD_FILE} (${kb} KB) in a local copy of Segment's function runtime`)
    out(`Braze     embedded stand-in at ${braze.url} (requests for ${loaded.settings.dataCenter.restHost} go there; no network)`)
    out(`Settings  ${EXAMPLES_DIR}/${SETTINGS_FILE}: ${describeSettings(loaded.raw)}`)
    out()

    const singles = samples.filter((s): s is SingleSample => s.kind === 'single')
    const batches = samples.filter((s): s is BatchSample => s.kind === 'batch')
    const singleTally = emptyTally()
    const batchTally = emptyTally()
    const surprises: string[] = []

    out(style.bold(`━━ Single events: each through the handler Segment picks by its type (${singles.length}) ━━`))
    out()
    for (const [i, sample] of singles.entries()) {
      exchanges = []
      runtime.logs.length = 0
      let outcome: SampleOutcome
      let text: string
      let warnings: string[] = []
      try {
        const result = (await runtime.deliver(sample.event, settings)) as { warnings?: unknown } | undefined
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

      out(style.bold(`${i + 1}. ${sample.title}`))
      if (sample.note) out(style.dim(indent(sample.note, '   ')))
      out(`   Segment   ${describeSegmentCall(sample.event)}`)
      if (seen.length === 0) out(`   Braze     no request`)
      seen.forEach((exchange, k) => out(`   ${k === 0 ? 'Braze    ' : '         '} ${describeExchange(exchange)}`))
      const colour = outcome === 'delivered' ? style.green : outcome === 'retry' ? style.yellow : style.red
      out(`   Result    ${colour(text)}`)
      for (const warning of warnings) out(`   ${style.yellow('Warning')}   ${warning}`)
      for (const line of runtime.logs) out(`   Log       ${line}`)
      if (outcome !== sample.expect) {
        const surprise = `"${sample.title}" ended ${outcome}, the examples expect ${sample.expect}`
        surprises.push(surprise)
        out(`   ${style.red(`UNEXPECTED: ${surprise}`)}`)
      }
      out()
    }

    for (const sample of batches) {
      exchanges = []
      out(style.bold(`━━ ${sample.title} ━━`))
      if (sample.note) out(style.dim(indent(sample.note, '   ')))
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
      seen.forEach((exchange, k) => out(`   ${k === 0 ? 'Braze    ' : '         '} ${describeExchange(exchange)}`))
      batchTally.requests += seen.length
      batchTally.dataPoints += dataPointsOf(seen)
      out(`   Statuses  ${style.dim('200 delivered · 400 rejected (Segment discards it) · 500 Segment retries it')}`)
      for (let start = 0; start < sample.events.length; start += 10) {
        const row = sample.events.slice(start, start + 10).map((_, k) => {
          const status = statuses[start + k]?.status
          const text = String(status ?? '—')
          return status === 200 ? style.green(text) : status === 500 ? style.yellow(text) : style.red(text)
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
          const label = status === 500 ? style.yellow('Retry') : style.red('Rejected')
          out(`   #${k + 1} ${describeBriefly(event)} → ${status ?? 'no status'} ${label}: ${statuses[k]?.errormessage ?? ''}`)
        }
        if (status !== expected) {
          const surprise = `batch event #${k + 1} (${describeBriefly(event)}) got ${status ?? 'no status'}, the examples expect ${expected}`
          surprises.push(surprise)
          out(`   ${style.red(`UNEXPECTED: ${surprise}`)}`)
        }
      })
      const merge = attributeMerge(sample.events, loaded.settings)
      out(
        `   Merging   ${plural(merge.before, 'attribute update')} became ${plural(merge.after, 'attribute object')} (one per user); ` +
          `${plural(seen.length, 'Braze request')} for ${plural(sample.events.length, 'event')}`
      )
      out()
    }

    const profiles = braze.profiles()
    out(style.bold(`━━ What Braze now holds: ${plural(profiles.length, 'profile')} ━━`))
    out()
    for (const line of renderProfiles(profiles, style)) out(line)

    const total: Tally = emptyTally()
    for (const t of [singleTally, batchTally]) for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += t[key]
    out(style.bold('━━ Summary ━━'))
    out(`Single events  ${tallyLine(singleTally)}`)
    out(`Batch          ${tallyLine(batchTally)}`)
    out(`Total          ${tallyLine(total)}`)
    out(`Braze now holds ${plural(profiles.length, 'profile')}.`)
    if (surprises.length === 0) {
      out(style.green('Every example ended as expected (the Test-tab event without a user is meant to be rejected).'))
      return 0
    }
    out(style.red(`${plural(surprises.length, 'example')} did not end as expected:`))
    for (const surprise of surprises) out(style.red(`  - ${surprise}`))
    return 1
  } finally {
    await braze.close()
  }
}

/** What onBatch's per-user merge saves, planned locally with the function's own code. */
function attributeMerge(events: unknown[], settings: Settings): { before: number; after: number } {
  const plans = events.map((event) => {
    const plan = mapEvent(event, settings)
    return isProblem(plan) ? undefined : plan
  })
  const { requests } = planDelivery(plans, { limits: requestLimits(settings.maxObjectsPerRequest) })
  return {
    before: plans.reduce((sum, plan) => sum + (plan?.attributes.length ?? 0), 0),
    after: requests.reduce((sum, request) => sum + request.attributes.length, 0)
  }
}

/** The settings in one line, without the key. */
function describeSettings(raw: Record<string, unknown>): string {
  return Object.entries(raw)
    .filter(([key, value]) => key !== 'apiKey' && value !== '' && value !== undefined && value !== null)
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ')
}
