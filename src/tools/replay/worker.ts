// Entry of a replay worker thread (lanes.ts starts it): runs the jobs the
// main thread sends through its own copy of the built function, asks the main
// thread's embedded Braze for its answers, and passes on a 429 pause so that
// every thread waits for Braze's reset.
import { parentPort, workerData } from 'node:worker_threads'
import type { IncomingCall, Reply } from '../embedded-braze'
import type { FromWorker, ToWorker } from './lanes'
import { realClock } from './rate-limiter'
import { createRunner, type RunnerConfig } from './runner'

const port = parentPort!
const post = (message: FromWorker) => port.postMessage(message)
const answers = new Map<number, (reply: Reply) => void>()
let nextCall = 0
const askBraze = (call: IncomingCall) =>
  new Promise<Reply>((resolve) => {
    const id = nextCall++
    answers.set(id, resolve)
    post({ type: 'braze', id, call })
  })
const runner = createRunner(workerData as RunnerConfig, realClock, { onPause: (until) => post({ type: 'pause', until }), askBraze })
let paused = 0

port.on('message', (message: ToWorker) => {
  if (message.type === 'braze') {
    answers.get(message.id)?.(message.reply)
    answers.delete(message.id)
  } else if (message.type === 'pause') runner.limiter?.pause.pauseUntil(message.until)
  else if (message.type === 'stop') runner.executor.stop()
  else {
    runner.executor.run(message.texts).then(
      (result) => {
        runner.forgetLogs()
        const pausedMs = (runner.limiter?.pausedMs ?? 0) - paused
        paused += pausedMs
        post({ type: 'result', id: message.id, result, counts: runner.takeCounts(), pausedMs })
      },
      (error) => post({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    )
  }
})
post({ type: 'ready' })
