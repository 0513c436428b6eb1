// Reads the input and keeps the lanes busy: groups items into jobs, keeps at most `lanes.capacity` jobs in flight (reading waits: memory
// stays flat), and records what became of each. On Ctrl-C it stops reading,
// lets the jobs in flight finish for up to GRACE_MS, and gives up on the rest.
import type { Lanes } from './lanes'
import type { RejectsFile } from './rejects-file'
import type { SourceItem } from './event-source'
import { UNREADABLE } from './executor'
import type { ReplaySummary } from './summary'

/** How long jobs in flight may still run after Ctrl-C. */
const GRACE_MS = 5000

export interface PumpOptions {
  lanes: Lanes
  /** Items per job. */
  jobSize: number
  summary: ReplaySummary
  rejects?: RejectsFile
  interrupt?: AbortSignal
  /** After each job, with the number of events handled so far. */
  onProgress?: (handled: number) => void
  onNotice?: (message: string) => void
}

export interface PumpOutcome {
  interrupted: boolean
  /** After Ctrl-C: where the last item read was (reading resumes after it). */
  stoppedAfter?: string
}

export async function pump(items: AsyncIterable<SourceItem>, options: PumpOptions): Promise<PumpOutcome> {
  const { lanes, jobSize, summary, rejects, interrupt } = options
  const inFlight = new Map<Promise<void>, number>()
  let failure: unknown
  let handled = 0
  let abandoned = false
  let interrupted = interrupt?.aborted === true
  // One waiter at a time, woken by a finished job or by Ctrl-C (racing a shared promise per item would pile up reactions on it).
  let wake: () => void = () => undefined
  const woken = () => new Promise<void>((resolve) => (wake = resolve))
  const listener = () => {
    interrupted = true
    wake()
  }
  interrupt?.addEventListener('abort', listener, { once: true })

  const launch = (texts: string[], where: string[]) => {
    const job = lanes.run(texts).then(
      (outcome) => {
        if (abandoned) return
        summary.job(where, outcome.result, outcome.counts, outcome.pausedMs)
        summary.unfinished(outcome.result.unsent.length)
        // What Ctrl-C left unsent goes with the failures: the rejects file then holds every event read and not delivered.
        for (const failed of [...outcome.result.failures, ...outcome.result.unsent]) rejects?.write(failed.text ?? texts[failed.item]!)
        handled += outcome.result.events
        options.onProgress?.(handled)
      },
      (error) => {
        failure ??= error
      }
    )
    inFlight.set(job, texts.length)
    void job.finally(() => {
      inFlight.delete(job)
      wake()
    })
  }

  let texts: string[] = []
  let where: string[] = []
  let lastRead: string | undefined
  const iterator = items[Symbol.asyncIterator]()
  try {
    // Reading one more line takes no time: Ctrl-C is checked between items.
    while (!interrupted && failure === undefined) {
      const next = await iterator.next()
      if (next.done || interrupted) break
      const item = next.value
      if (item.kind !== 'notice') lastRead = item.where
      if (item.kind === 'notice') {
        summary.notice(item.message)
        options.onNotice?.(item.message)
        continue
      }
      if (item.kind === 'bad') {
        summary.unreadable({ where: item.where, outcome: 'rejected', reason: `${UNREADABLE}: ${item.reason}` })
        if (item.text !== undefined) rejects?.write(item.text)
        continue
      }
      texts.push(item.text)
      where.push(item.where)
      if (texts.length < jobSize) continue
      // Backpressure: reading waits while the lanes are full, or the rejects file is behind.
      while (inFlight.size >= lanes.capacity && !interrupted) await woken()
      await rejects?.drained()
      if (interrupted) break
      launch(texts, where)
      texts = []
      where = []
    }
  } finally {
    await iterator.return?.(undefined)
  }
  if (texts.length > 0 && !interrupted && failure === undefined) launch(texts, where)
  else if (texts.length > 0 && interrupted) {
    // After Ctrl-C, a batch still being gathered is left unsent, like the rest of the input.
    summary.unfinished(texts.length)
    for (const text of texts) rejects?.write(text)
  }

  while (inFlight.size > 0 && !interrupted) await woken()
  interrupt?.removeEventListener('abort', listener)
  if (interrupted && inFlight.size > 0) {
    lanes.stop()
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, GRACE_MS)))
    await Promise.race([Promise.all(inFlight.keys()), grace])
    clearTimeout(timer)
    if (inFlight.size > 0) {
      abandoned = true
      summary.unfinished([...inFlight.values()].reduce((sum, n) => sum + n, 0))
    }
  }
  if (failure !== undefined) throw failure
  return interrupted && lastRead !== undefined ? { interrupted, stoppedAfter: lastRead } : { interrupted }
}
