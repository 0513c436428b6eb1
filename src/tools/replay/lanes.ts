// Where a replay's jobs run: worker threads, each with its own copy of the
// built function (the default: one per core, so a replay uses every core),
// or the main thread (--workers 0, and tests that inject a clock). Both take
// a job (the JSON texts of a few hundred events: one message per job, not per
// batch, since waking another thread costs far more on a virtual machine than
// on paper) and answer with what became of its events and the requests it made.
// Against the embedded Braze, the threads post each Braze request here and the
// stand-in answers it in the main thread: one store of profiles for all.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { IncomingCall, Reply } from '../embedded-braze'
import { ROOT } from '../paths'
import type { AskBraze } from './embedded-transport'
import type { JobResult } from './executor'
import type { Clock } from './rate-limiter'
import type { RequestCounts } from './request-stats'
import { createRunner, type Runner, type RunnerConfig } from './runner'

export type ToWorker =
  | { type: 'job'; id: number; texts: string[] }
  | { type: 'pause'; until: number }
  | { type: 'stop' }
  | { type: 'braze'; id: number; reply: Reply }
export type FromWorker =
  | { type: 'ready' }
  | { type: 'braze'; id: number; call: IncomingCall }
  | { type: 'result'; id: number; result: JobResult; counts: RequestCounts; pausedMs: number }
  | { type: 'pause'; until: number }
  | { type: 'failed'; id: number; message: string }

interface JobOutcome {
  result: JobResult
  counts: RequestCounts
  pausedMs: number
}

export interface Lanes {
  /** Jobs that may be in flight at once. */
  readonly capacity: number
  run(texts: string[]): Promise<JobOutcome>
  /** No more retries; running invocations finish. */
  stop(): void
  /** Ends the threads, abandoning any job still running. */
  close(): Promise<void>
}

/** `jobsPerThread`: jobs given to a thread at once (enough to keep its `concurrency` batches busy). */
export function inThreadLanes(config: RunnerConfig, jobsPerThread: number, clock: Clock, askBraze?: AskBraze): Lanes {
  const runner: Runner = createRunner(config, clock, { askBraze })
  let paused = 0
  return {
    capacity: jobsPerThread,
    async run(texts) {
      const result = await runner.executor.run(texts)
      runner.forgetLogs()
      const pausedMs = (runner.limiter?.pausedMs ?? 0) - paused
      paused += pausedMs
      return { result, counts: runner.takeCounts(), pausedMs }
    },
    stop: () => runner.executor.stop(),
    close: async () => runner.close()
  }
}

/** The worker runs TypeScript: tsx, a dependency, loads it (https://tsx.is/dev-api/register-cjs). */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads')
require(workerData.tsx)
require(workerData.entry)
`

interface Thread {
  worker: Worker
  pending: Map<number, { resolve: (outcome: JobOutcome) => void; reject: (error: Error) => void }>
}

export async function workerLanes(config: RunnerConfig, workers: number, jobsPerThread: number, askBraze?: AskBraze): Promise<Lanes> {
  if (config.embedded && !askBraze) throw new Error('a replay against the embedded Braze needs askBraze')
  const tsx = createRequire(join(ROOT, 'package.json')).resolve('tsx/cjs')
  const entry = join(__dirname, 'worker.ts')
  const threads: Thread[] = []
  let nextId = 0
  let closed = false

  const start = () =>
    new Promise<Thread>((resolve, reject) => {
      // A batch's garbage dies within the batch, so the young generation's size trades memory for
      // time. Against the embedded Braze, which keeps every profile in the main thread, memory is the
      // limit: on 1 M events, 24 MB against 16 MB took 7.6 % off the wall time (60.9 against 67.4 s,
      // medians of three paired runs) at the same peak RSS (273 MB), where 32 MB took 10 % off but
      // peaked at 294–298 MB, too close to the 300 MB the bench holds replay to. --live keeps no
      // profiles and is measured in events per second: 64 MB spends 15 % less CPU on 300,000 events
      // (medians of six runs: 28,800 against 24,100 events/s) for 65 MB of RSS.
      const resourceLimits = { maxYoungGenerationSizeMb: config.embedded ? 24 : 64 }
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...config, tsx, entry }, resourceLimits })
      const thread: Thread = { worker, pending: new Map() }
      const fail = (error: Error) => {
        reject(error)
        for (const job of thread.pending.values()) job.reject(error)
        thread.pending.clear()
      }
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve(thread)
        else if (message.type === 'braze') {
          const { id, call } = message
          void Promise.resolve(askBraze!(call)).then((reply) => worker.postMessage({ type: 'braze', id, reply } satisfies ToWorker))
        } else if (message.type === 'pause') {
          for (const other of threads)
            if (other !== thread) other.worker.postMessage({ type: 'pause', until: message.until } satisfies ToWorker)
        } else {
          const job = thread.pending.get(message.id)
          thread.pending.delete(message.id)
          if (message.type === 'result') job?.resolve({ result: message.result, counts: message.counts, pausedMs: message.pausedMs })
          else job?.reject(new Error(`a replay worker failed: ${message.message}`))
        }
      })
      worker.on('error', fail)
      worker.on('exit', (code) => {
        if (!closed) fail(new Error(`a replay worker stopped (exit code ${code})`))
      })
    })

  try {
    threads.push(...(await Promise.all(Array.from({ length: workers }, start))))
  } catch (error) {
    closed = true
    await Promise.all(threads.map((thread) => thread.worker.terminate()))
    throw error
  }
  return {
    capacity: workers * jobsPerThread,
    run(texts) {
      // The least busy thread takes the job.
      const thread = threads.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best))
      const id = nextId++
      return new Promise<JobOutcome>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject })
        thread.worker.postMessage({ type: 'job', id, texts } satisfies ToWorker)
      })
    },
    stop() {
      for (const thread of threads) thread.worker.postMessage({ type: 'stop' } satisfies ToWorker)
    },
    async close() {
      closed = true
      await Promise.all(threads.map((thread) => thread.worker.terminate()))
    }
  }
}
