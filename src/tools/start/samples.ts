// The examples `npm start` runs: examples/events.json lists them (title,
// file, what to expect); the event files themselves stay pure Segment
// payloads, exactly what Segment would deliver.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

type Expectation = 'delivered' | 'rejected' | 'retry' | 'unsupported'

export interface SingleSample {
  kind: 'single'
  title: string
  file: string
  note?: string
  expect: Expectation
  event: Record<string, unknown>
  /** Settings this example changes (over examples/settings.json). */
  settings?: Record<string, unknown>
}

export interface BatchSample {
  kind: 'batch'
  title: string
  file: string
  note?: string
  /** 1-based positions of the events expected to be rejected (400); all others are expected delivered. */
  expectRejected: number[]
  events: Array<Record<string, unknown>>
}

export type Sample = SingleSample | BatchSample

const MANIFEST_FILE = 'events.json'

export class SampleError extends Error {
  override name = 'SampleError'
}

const EXPECTATIONS: readonly string[] = ['delivered', 'rejected', 'retry', 'unsupported']

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new SampleError(`Cannot read ${what} (${path}).`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new SampleError(`${what} (${path}) is not valid JSON.`)
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads the manifest and every file it names; a broken example is reported by name. */
export async function loadSamples(examplesDir: string): Promise<Sample[]> {
  const manifest = await readJson(join(examplesDir, MANIFEST_FILE), `the examples manifest`)
  if (!Array.isArray(manifest)) throw new SampleError(`${MANIFEST_FILE} must be a JSON array of {"title", "file"} entries.`)
  const samples: Sample[] = []
  for (const [i, entry] of manifest.entries()) {
    if (!isObject(entry) || typeof entry.title !== 'string' || typeof entry.file !== 'string') {
      throw new SampleError(`${MANIFEST_FILE} entry ${i + 1} needs a "title" and a "file".`)
    }
    const note = typeof entry.note === 'string' ? entry.note : undefined
    const content = await readJson(join(examplesDir, entry.file), `example "${entry.title}"`)
    if (entry.onBatch === true) {
      if (!Array.isArray(content) || !content.every(isObject)) throw new SampleError(`${entry.file} must be a JSON array of events.`)
      const expectRejected = Array.isArray(entry.expectRejected) ? entry.expectRejected.filter((n): n is number => Number.isInteger(n)) : []
      samples.push({ kind: 'batch', title: entry.title, file: entry.file, note, expectRejected, events: content })
      continue
    }
    if (!isObject(content)) throw new SampleError(`${entry.file} must hold one event (a JSON object).`)
    const expect = entry.expect === undefined ? 'delivered' : String(entry.expect)
    if (!EXPECTATIONS.includes(expect))
      throw new SampleError(`${MANIFEST_FILE} entry "${entry.title}": "expect" must be one of ${EXPECTATIONS.join(', ')}.`)
    if (entry.settings !== undefined && !isObject(entry.settings))
      throw new SampleError(`${MANIFEST_FILE} entry "${entry.title}": "settings" must be an object.`)
    const settings = isObject(entry.settings) ? entry.settings : undefined
    samples.push({
      kind: 'single',
      title: entry.title,
      file: entry.file,
      note,
      expect: expect as Expectation,
      event: content,
      ...(settings ? { settings } : {})
    })
  }
  return samples
}
