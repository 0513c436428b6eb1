// Reads Segment events from a JSONL file (one event per line, the form Segment's
// AWS S3 destination stores them in, gzip-compressed), a JSON array file, one pretty-printed event, any
// of those gzip-compressed, or a directory of such files: one item at a time,
// so memory stays bounded whatever the input's size. Items are the events'
// JSON texts, parsed later by whoever runs them (a worker thread); a problem
// with the file itself becomes a `bad` item with its place and reason, and
// reading goes on.
import { closeSync, createReadStream, openSync, readSync, statSync, type Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, relative } from 'node:path'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { JsonArraySplitter } from './json-array-splitter'

export type SourceItem =
  /** The JSON text of one event, or of one line holding an array of events (a batch). */
  | { kind: 'text'; text: string; where: string }
  /** Something that is not an event; `text` is the original text when there is one. */
  | { kind: 'bad'; reason: string; where: string; text?: string }
  /** Something the reader decided that the user should know (not an event). */
  | { kind: 'notice'; message: string }

export class InputError extends Error {
  override name = 'InputError'
}

const LINE_EXTENSIONS = new Set(['.jsonl', '.ndjson'])
const EVENT_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson'])
/** A non-array file whose first line is not an event on its own is read whole, up to this size (one pretty-printed event). */
const MAX_WHOLE_FILE_CHARS = 16 * 1024 * 1024
const SNIFF_CHARS = 64 * 1024
/** A line this long is not an event (Segment takes at most 32 KB a call: https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size). */
const MAX_LINE_CHARS = 16 * 1024 * 1024

/** The file's name without `.gz`, for deciding its form. */
function innerName(path: string): string {
  return namedGz(path) ? path.slice(0, -3) : path
}
const namedGz = (path: string) => extname(path).toLowerCase() === '.gz'

/** gzip-compressed: named .gz, or starting with gzip's magic bytes 1f 8b (https://www.rfc-editor.org/rfc/rfc1952#page-5) whatever its name. */
function isGzip(path: string): boolean {
  if (namedGz(path)) return true
  const fd = openSync(path, 'r')
  try {
    const magic = Buffer.alloc(2)
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}
/**
 * In a directory: .json/.jsonl/.ndjson files, plain or gzip-compressed, and any .gz file, the form of
 * Segment's AWS S3 destination ("s3://{bucket}/segment-logs/{source-id}/{received-day}/filename.gz":
 * https://segment.com/docs/connections/storage/catalog/aws-s3/#data-format).
 */
const isEventFile = (name: string) => namedGz(name) || EVENT_EXTENSIONS.has(extname(name).toLowerCase())

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
  // Its folders too: a bucket synced from S3 keeps Segment's source and day folders.
  const files = (await readdir(path, { withFileTypes: true, recursive: true }))
    .filter((entry) => (entry.isFile() || (entry.isSymbolicLink() && isLinkedFile(entry))) && isEventFile(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  if (files.length === 0) throw new InputError(`${path}: the directory and its folders have no .json, .jsonl, .ndjson or .gz files`)
  return { files, items: readDirectoryItems(path, files) }
}

/** A symbolic link to a file (a folder of links to the exports one keeps elsewhere). */
function isLinkedFile(entry: Dirent): boolean {
  return statSync(join(entry.parentPath, entry.name), { throwIfNoEntry: false })?.isFile() ?? false
}

async function* readDirectoryItems(directory: string, files: string[]): AsyncGenerator<SourceItem> {
  for (const file of files) yield* readFileItems(file, relative(directory, file))
}

/** The file's text, decompressed when it is gzip-compressed. */
function textStream(path: string, highWaterMark = 256 * 1024): Readable {
  const gzipped = isGzip(path)
  const raw = createReadStream(path, { highWaterMark })
  if (!gzipped) return raw.setEncoding('utf8')
  const gunzip = createGunzip()
  // A read error of the file must reach the reader, as a corrupt gzip stream does; and a reader that stops
  // early (destroying what it reads) closes the file too, or each file of a directory would keep one open.
  raw.on('error', (error) => gunzip.destroy(error))
  gunzip.on('close', () => raw.destroy())
  return raw.pipe(gunzip).setEncoding('utf8')
}

type FileForm = 'array' | 'lines' | 'whole' | 'empty' | 'array-in-lines' | 'event-in-lines'

async function* readFileItems(path: string, label: string): AsyncGenerator<SourceItem> {
  for await (const item of readFileForms(path, label)) yield item.kind === 'text' ? keyKeptOut(item) : item
}

/** Settings, or a line of a broken settings file, are no event, and their text (an API key) never reaches the rejects file. */
function keyKeptOut(item: SourceItem & { kind: 'text' }): SourceItem {
  if (!item.text.includes('"apiKey"')) return item
  if (isSettings(item.text)) return settingsItem(item.where)
  if (parses(item.text)) return item
  return { kind: 'bad', reason: 'not JSON, and it names an apiKey (its text is kept out of the rejects file)', where: item.where }
}

async function* readFileForms(path: string, label: string): AsyncGenerator<SourceItem> {
  try {
    const form = await sniff(path)
    if (form === 'array-in-lines') {
      yield { kind: 'notice', message: `${label} holds a JSON array, not one event per line: read as a JSON array.` }
      yield* readArray(path, label)
    } else if (form === 'event-in-lines') {
      yield* readWhole(path, label, `${label} holds one pretty-printed event, not one event per line: read as one event.`)
    } else if (form === 'array') yield* readArray(path, label)
    else if (form === 'lines') yield* readLines(path, label)
    else if (form === 'whole') yield* readWhole(path, label)
  } catch (error) {
    yield { kind: 'bad', reason: `cannot read the file (${readProblem(error)})`, where: label }
  }
}

function readProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `not valid gzip data: ${message}`
  return code ?? String(message ?? error)
}

/** The first characters of the (decompressed) file. */
async function head(path: string): Promise<{ text: string; complete: boolean }> {
  const stream = textStream(path, SNIFF_CHARS)
  let text = ''
  let complete = true
  try {
    for await (const chunk of stream) {
      text += chunk as string
      if (text.length >= SNIFF_CHARS) {
        complete = false
        break
      }
    }
  } finally {
    stream.destroy()
  }
  return { text: text.replace(/^\uFEFF/, ''), complete }
}

/** Decides how to read a file from its name and first characters. */
async function sniff(path: string): Promise<FileForm> {
  const { text, complete } = await head(path)
  const first = text.trimStart()[0]
  if (first === undefined) return 'empty'
  const newline = text.indexOf('\n')
  const firstLine = newline < 0 ? (complete ? text : undefined) : text.slice(0, newline)
  const firstLineParses = firstLine !== undefined && parses(firstLine)
  if (LINE_EXTENSIONS.has(extname(innerName(path)).toLowerCase())) {
    // `[` on a line of its own is a pretty-printed array saved under the wrong name; a whole array per line is a batch per
    // line. So is one pretty-printed event (the Debugger shows events so), when the whole file is that event.
    if (first === '[' && !firstLineParses) return 'array-in-lines'
    // (Past the first characters, only reading it whole tells: readWhole reads it by lines when it is not one event.)
    return first === '{' && !firstLineParses && (!complete || parses(text)) ? 'event-in-lines' : 'lines'
  }
  // A whole array on the first line with more after it: a batch per line, whatever the name.
  if (first === '[') return firstLineParses && newline >= 0 && text.slice(newline + 1).trim() !== '' ? 'lines' : 'array'
  if (firstLineParses) return 'lines'
  // One pretty-printed event per file (a directory of .json files); too big for that → line by line.
  return complete || text.length < MAX_WHOLE_FILE_CHARS ? 'whole' : 'lines'
}

/** Settings: an object with an apiKey and no type. */
function isSettings(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'apiKey' in value && !('type' in value)
  } catch {
    return false
  }
}
const settingsItem = (where: string): SourceItem => ({
  kind: 'bad',
  reason: 'a settings file (it has an apiKey and no type), not an event',
  where
})

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * One item per line. A line longer than MAX_LINE_CHARS cannot be a Segment
 * event (Segment caps one at 32 KB): it is reported and skipped unread, so a
 * file of one giant line neither fills memory nor exceeds a string's length.
 */
async function* readLines(path: string, label: string): AsyncGenerator<SourceItem> {
  let number = 0
  let pending = ''
  let skipping = false
  const tooLong = (line: number): SourceItem => ({
    kind: 'bad',
    reason: `the line is longer than ${MAX_LINE_CHARS / 1024 / 1024} MB: not one event`,
    where: `${label}:${line}`
  })
  const item = (raw: string): SourceItem | undefined => {
    if (raw.length > MAX_LINE_CHARS) return tooLong(number)
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (number === 1) line = line.replace(/^\uFEFF/, '')
    return line.trim() === '' ? undefined : { kind: 'text', text: line, where: `${label}:${number}` }
  }
  for await (const chunk of textStream(path)) {
    const text = chunk as string
    let start = 0
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      number++
      const line = pending + text.slice(start, end)
      pending = ''
      start = end + 1
      if (skipping) skipping = false
      else {
        const one = item(line)
        if (one) yield one
      }
    }
    if (skipping) continue
    pending += text.slice(start)
    if (pending.length > MAX_LINE_CHARS) {
      yield tooLong(number + 1)
      pending = ''
      skipping = true
    }
  }
  if (!skipping && pending !== '') {
    number++
    const one = item(pending)
    if (one) yield one
  }
}

async function* readArray(path: string, label: string): AsyncGenerator<SourceItem> {
  const splitter = new JsonArraySplitter()
  for await (const chunk of textStream(path)) {
    for (const item of splitter.push(chunk as string)) {
      if ('problem' in item) yield { kind: 'bad', reason: item.problem, where: arrayPlace(label, item.index) }
      else yield { kind: 'text', text: item.text, where: arrayPlace(label, item.index) }
    }
  }
  for (const item of splitter.end()) {
    yield {
      kind: 'bad',
      reason: 'problem' in item ? item.problem : 'unfinished element',
      where: arrayPlace(label, item.index)
    }
  }
}

/** An element's place as jq and JavaScript write it (`file.json[0]` is the first); the file itself for index 0. */
function arrayPlace(label: string, index: number): string {
  return index > 0 ? `${label}[${index - 1}]` : label
}

/** The file as one event (with `notice` first, when given), or line by line when it is not one JSON value. */
async function* readWhole(path: string, label: string, notice?: string): AsyncGenerator<SourceItem> {
  const chunks: string[] = []
  let length = 0
  for await (const chunk of textStream(path)) {
    chunks.push(chunk as string)
    length += (chunk as string).length
    if (length > MAX_WHOLE_FILE_CHARS) break
  }
  const text = chunks.join('').replace(/^\uFEFF/, '')
  if (length <= MAX_WHOLE_FILE_CHARS && parses(text)) {
    if (notice && !isSettings(text)) yield { kind: 'notice', message: notice }
    yield { kind: 'text', text, where: label }
    return
  }
  // Not one JSON value: perhaps JSONL whose first line is broken. Report line by line.
  yield* readLines(path, label)
}
