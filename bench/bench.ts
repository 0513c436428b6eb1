// `npm run bench`: builds, then measures the built function and prints
// metric | value | target | ok?, and writes the same (with the machine) to
// bench/results.json (committed: the README's performance table is generated
// from it by `npm run docs`). Deterministic input; a few minutes on 2 cores,
// most of it the replay rows (bench/replay.ts).
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, platform, release, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { coldStart } from './cold-start'
import { billedTime } from './billed-time'
import { unchangedAttributes } from './unchanged-attributes'
import { batchEfficiency } from './efficiency'
import { endToEnd } from './end-to-end'
import { footprint } from './footprint'
import { mappingThroughput } from './mapping'
import { replayRows } from './replay'
import { BENCH_STREAM, generateEvents, inBatches } from './stream'
import { renderTable, type Row } from './table'

const USAGE = `Usage: npm run bench

Builds the function, measures it (a few minutes of both cores; best on a quiet
machine), prints the table and writes it to bench/results.json, from which
\`npm run docs\` makes the README's performance table.
BENCH_REPLAY_EVENTS=N makes the embedded-Braze replay row smaller (a quick look).
`

/** No options but --help: anything else is a mistake, not a reason to start a run of several minutes. */
function wantsHelp(): boolean {
  try {
    return parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help === true
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  if (wantsHelp()) {
    process.stdout.write(USAGE)
    return
  }
  const started = Date.now()
  const events = generateEvents(BENCH_STREAM)
  const batches = inBatches(events, BENCH_STREAM.batchSize)
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100)
  }
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  const section = async <T extends { rows: Row[] }>(name: string, run: () => Promise<T>) => {
    const t0 = Date.now()
    process.stderr.write(`bench: ${name}…`)
    const result = await run()
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
    rows.push(...result.rows)
    details[name] = result
    return result
  }

  await section('cold start', () => coldStart(20))
  await section('mapping', () => mappingThroughput(batches[0]!))
  await section('efficiency L=75', () => batchEfficiency(batches, 75))
  await section('efficiency L=50', () => batchEfficiency(batches, 50))
  await section('footprint', () => footprint(batches[1]!, batches[0]!))
  await section('end to end', () => endToEnd(events))
  await section('billed time', () => billedTime())
  await section('unchanged attributes', () => unchangedAttributes())
  await section('replay', () => replayRows())

  const title = `Braze destination benchmark — ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.os}, ${machine.date}, load average at start ${machine.loadAverage.join(' ')}`
  const stream = `stream: ${events.length} events, ${BENCH_STREAM.users} users, seed ${BENCH_STREAM.seed}, ${batches.length} batches of ${BENCH_STREAM.batchSize}`
  const notes = [
    'in-process = the built script with fetch answered inside the process (no HTTP); loopback = the embedded Braze over HTTP, latency 0.',
    'throughputs are the best of several short windows; end to end runs the embedded Braze in this same process and thread.',
    'data points: src/tools/data-points.ts (estimateTrackDataPoints); "unmerged" = every event\'s own objects from mapEvent.'
  ]
  console.log(
    `${title}\n${stream}\n\n${renderTable(rows)}\n\n${notes.map((note) => `* ${note}`).join('\n')}\n(total ${((Date.now() - started) / 1000).toFixed(1)} s)`
  )
  const file = resolve(__dirname, 'results.json')
  writeFileSync(
    file,
    `${JSON.stringify({ machine, stream: BENCH_STREAM, rows, details, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`
  )
  const missed = rows.filter((row) => row.ok === false)
  if (missed.length > 0) console.log(`targets missed: ${missed.map((row) => row.metric.trim()).join('; ')}`)
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error)
  process.exitCode = 1
})
