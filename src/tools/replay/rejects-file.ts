// --rejects FILE: every event that was not delivered, as it was in the input,
// one per line (JSONL), so that it can be fixed and replayed as it is.
import { closeSync, createWriteStream, openSync, statSync, type WriteStream } from 'node:fs'

/** Whether two paths name one file (through links too); false when either does not exist. */
export function sameFile(a: string, b: string): boolean {
  const first = statSync(a, { throwIfNoEntry: false })
  const second = statSync(b, { throwIfNoEntry: false })
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino
}

export class RejectsFile {
  private readonly stream: WriteStream
  private waiting: Promise<void> | undefined
  written = 0

  /** Opens (and empties) the file now, so that an unwritable path fails before the replay starts. */
  constructor(readonly path: string) {
    const fd = openSync(path, 'w')
    try {
      this.stream = createWriteStream('', { fd })
    } catch (error) {
      closeSync(fd)
      throw error
    }
  }

  /**
   * One event's original text. A pretty-printed event spans lines: its line
   * breaks are JSON whitespace (a string cannot hold a raw one), so they
   * become spaces and the event keeps to one line.
   */
  write(text: string): void {
    this.written++
    if (!this.stream.write(`${text.replace(/\r?\n/g, ' ')}\n`)) {
      this.waiting ??= new Promise<void>((resolve) =>
        this.stream.once('drain', () => {
          this.waiting = undefined
          resolve()
        })
      )
    }
  }

  /** Resolves once the file has taken what was written (reading waits for a slow disk). */
  drained(): Promise<void> {
    return this.waiting ?? Promise.resolve()
  }

  private closing: Promise<void> | undefined

  close(): Promise<void> {
    return (this.closing ??= new Promise((resolve, reject) => {
      this.stream.once('error', reject)
      this.stream.end(() => resolve())
    }))
  }
}
