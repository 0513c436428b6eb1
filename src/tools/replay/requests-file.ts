// --requests FILE: every request the function made to the embedded Braze, with
// the status of its answer, one JSON object per line: what your events became
// in Braze, body for body.
import { closeSync, openSync, writeSync } from 'node:fs'
import type { AskBraze } from './embedded-transport'

export class RequestsFile {
  private readonly fd: number
  written = 0

  /** Opens (and empties) the file now, so that an unwritable path fails before the replay starts. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w')
  }

  /** `ask`, writing each request down with its answer's status (synchronously: the lines stay whole, memory flat). */
  recording(ask: AskBraze): AskBraze {
    return async (call) => {
      const reply = await ask(call)
      writeSync(this.fd, `${JSON.stringify({ endpoint: call.path, status: reply.status, body: parsedOrText(call.text) })}\n`)
      this.written++
      return reply
    }
  }

  close(): void {
    closeSync(this.fd)
  }
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
