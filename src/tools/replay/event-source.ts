import { createReadStream } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { JsonArraySplitter } from './json-array-splitter'

/**
 * Reads Segment events from a JSON array file, a JSONL file (one event per
 * line, the form the Segment debugger exports) or a directory of such files,
 * one event at a time: memory stays bounded whatever the input's size. A bad
 * line or element becomes a `bad` item with its place and reason; reading
 * never stops for it.
 */
export type SourceItem =
  | { kind: 'event'; event: Record<string, unknown>; where: string }
  | { kind: 'bad'; reason: string; where: string }

export class InputError extends Error {
  override name = 'InputError'
}

const LINE_EXTENSIONS = new Set(['.jsonl', '.ndjson'])
const DIRECTORY_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson'])
/** A non-array file whose first line is not an event on its own is read whole, up to this size (one pretty-printed event). */
const MAX_WHOLE_FILE_BYTES = 16 * 1024 * 1024
const SNIFF_BYTES = 64 * 1024

/** Checks the path now (so unusable input fails before anything starts) and returns the stream of items. */
export async function openEventSource(path: string): Promise<{ files: string[]; items: AsyncGenerator<SourceItem> }> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new InputError(`${path}: no such file or directory`)
  }
  if (info.isFile()) return { files: [path], items: readFileItems(path, basename(path)) }
  if (!info.isDirectory()) throw new InputError(`${path}: not a file or a directory`)
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && DIRECTORY_EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort()
  if (names.length === 0) throw new InputError(`${path}: the directory has no .json, .jsonl or .ndjson files`)
  const files = names.map((name) => join(path, name))
  return { files, items: readDirectoryItems(files) }
}

async function* readDirectoryItems(files: string[]): AsyncGenerator<SourceItem> {
  for (const file of files) yield* readFileItems(file, basename(file))
}

type FileForm = 'array' | 'lines' | 'whole' | 'empty'

export async function* readFileItems(path: string, label: string): AsyncGenerator<SourceItem> {
  let form: FileForm
  try {
    form = await sniff(path)
  } catch (error) {
    yield { kind: 'bad', reason: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, where: label }
    return
  }
  if (form === 'array') yield* readArray(path, label)
  else if (form === 'lines') yield* readLines(path, label)
  else if (form === 'whole') yield* readWhole(path, label)
}

/** Decides how to read a file from its extension and first bytes. */
async function sniff(path: string): Promise<FileForm> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '')
    const first = head.trimStart()[0]
    if (first === undefined) return 'empty'
    if (LINE_EXTENSIONS.has(extname(path).toLowerCase())) return 'lines'
    if (first === '[') return 'array'
    const newline = head.indexOf('\n')
    const firstLine = newline < 0 ? (bytesRead < SNIFF_BYTES ? head : undefined) : head.slice(0, newline)
    if (firstLine !== undefined && parses(firstLine)) return 'lines'
    // One pretty-printed event per file (a directory of .json files); too big for that → line by line.
    const { size } = await handle.stat()
    return size <= MAX_WHOLE_FILE_BYTES ? 'whole' : 'lines'
  } finally {
    await handle.close()
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

async function* readLines(path: string, label: string): AsyncGenerator<SourceItem> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let number = 0
  for await (const raw of lines) {
    number++
    const line = number === 1 ? raw.replace(/^\uFEFF/, '') : raw
    if (line.trim() === '') continue
    yield* fromText(line, `${label}:${number}`)
  }
}

async function* readArray(path: string, label: string): AsyncGenerator<SourceItem> {
  const splitter = new JsonArraySplitter()
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })
  for await (const chunk of stream) {
    for (const item of splitter.push(chunk as string)) {
      if ('problem' in item) yield { kind: 'bad', reason: item.problem, where: item.index > 0 ? `${label}[${item.index}]` : label }
      else yield* fromText(item.text, `${label}[${item.index}]`)
    }
  }
  for (const item of splitter.end()) {
    yield { kind: 'bad', reason: 'problem' in item ? item.problem : 'unfinished element', where: item.index > 0 ? `${label}[${item.index}]` : label }
  }
}

async function* readWhole(path: string, label: string): AsyncGenerator<SourceItem> {
  const chunks: string[] = []
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) chunks.push(chunk as string)
  const text = chunks.join('').replace(/^\uFEFF/, '')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // Not one JSON value: perhaps JSONL whose first line is broken. Report line by line.
    yield* readLines(path, label)
    return
  }
  yield* fromValue(value, label)
}

function* fromText(text: string, where: string): Generator<SourceItem> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    yield { kind: 'bad', reason: `not valid JSON (${shortParseError(error)})`, where }
    return
  }
  yield* fromValue(value, where)
}

/** An object is an event; an array (a batch, as in Segment's Test tab) is several. */
function* fromValue(value: unknown, where: string): Generator<SourceItem> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* fromValue(value[i], `${where}[${i + 1}]`)
    return
  }
  if (value !== null && typeof value === 'object') {
    yield { kind: 'event', event: value as Record<string, unknown>, where }
    return
  }
  yield { kind: 'bad', reason: `not an event: a JSON ${value === null ? 'null' : typeof value}, not an object`, where }
}

/**
 * JSON.parse's message without the echoed input or the position, so that the
 * same mistake on many lines counts as one reason ("Unexpected token '}'").
 */
export function shortParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message
    .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 120)
}
