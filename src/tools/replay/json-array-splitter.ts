// Splits the text of one top-level JSON array into the texts of its elements,
// chunk by chunk, so that a file of any size streams with bounded memory
// (one element at a time). It only tracks strings, escapes and nesting depth;
// each element is then checked by JSON.parse, so a malformed element costs
// that element, not the file.
/** `index` is the element's 1-based position; 0 for a problem of the file as a whole. */
export type SplitItem = { text: string; index: number } | { problem: string; index: number }

const enum State {
  /** Before the opening `[`. */
  Before,
  /** Inside the array, between elements. */
  Between,
  /** Inside an element. */
  Element,
  /** After the closing `]`. */
  After
}

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const QUOTE = 0x22
const BACKSLASH = 0x5c
const BOM = 0xfeff

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09
}

/** Elements bigger than this are rejected instead of buffered (an event is a few KB). */
const MAX_ELEMENT_CHARS = 16 * 1024 * 1024

export class JsonArraySplitter {
  private state = State.Before
  private depth = 0
  private inString = false
  private escaped = false
  /** Text of the current element from earlier chunks. */
  private pending: string[] = []
  private pendingChars = 0
  private tooBig = false
  private index = 0
  private trailingProblem = false

  /** Feeds a chunk; returns the elements completed in it. */
  push(chunk: string): SplitItem[] {
    const out: SplitItem[] = []
    let start = this.state === State.Element ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i)
      if (this.state === State.Before) {
        if (code === OPEN_BRACKET) this.state = State.Between
        else if (!isWhitespace(code) && code !== BOM) {
          this.state = State.After
          this.trailingProblem = true
          out.push({ problem: 'the file is not a JSON array (it does not start with "[")', index: 0 })
          return out
        }
        continue
      }
      if (this.state === State.After) {
        if (!isWhitespace(code) && !this.trailingProblem) {
          this.trailingProblem = true
          out.push({ problem: 'unexpected text after the closing "]" of the array', index: 0 })
        }
        continue
      }
      if (this.state === State.Between) {
        // Empty elements (`[a,,b]`, a trailing comma) are skipped: there is nothing to replay in them.
        if (isWhitespace(code) || code === COMMA) continue
        if (code === CLOSE_BRACKET) {
          this.state = State.After
          continue
        }
        this.state = State.Element
        this.depth = 0
        this.inString = false
        this.escaped = false
        start = i
        // fall through: this character is the element's first
      }
      // State.Element
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (code === BACKSLASH) this.escaped = true
        else if (code === QUOTE) this.inString = false
      } else if (code === QUOTE) this.inString = true
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.depth++
      else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && this.depth > 0) this.depth--
      else if (this.depth === 0 && (code === COMMA || code === CLOSE_BRACKET)) {
        out.push(this.finish(chunk.slice(start, i)))
        start = -1
        this.state = code === COMMA ? State.Between : State.After
      }
    }
    if (this.state === State.Element && start >= 0) this.keep(chunk.slice(start))
    return out
  }

  /** Call at the end of the input: reports an unfinished element or array. */
  end(): SplitItem[] {
    if (this.state === State.Element) {
      this.pending = []
      this.pendingChars = 0
      this.state = State.After
      this.index++
      return [{ problem: `the file ends inside the element at [${this.index - 1}] (the array is not closed)`, index: this.index }]
    }
    if (this.state === State.Between) {
      this.state = State.After
      return [{ problem: 'the file ends before the closing "]" of the array', index: 0 }]
    }
    return []
  }

  private keep(text: string): void {
    if (this.tooBig) return
    this.pendingChars += text.length
    if (this.pendingChars > MAX_ELEMENT_CHARS) {
      this.tooBig = true
      this.pending = []
      return
    }
    this.pending.push(text)
  }

  private finish(last: string): SplitItem {
    this.index++
    const tooBig = this.tooBig || this.pendingChars + last.length > MAX_ELEMENT_CHARS
    const text = tooBig ? '' : this.pending.length > 0 ? this.pending.join('') + last : last
    this.pending = []
    this.pendingChars = 0
    this.tooBig = false
    if (tooBig) return { problem: `element is larger than ${MAX_ELEMENT_CHARS / 1024 / 1024} MB`, index: this.index }
    return { text: text.trimEnd(), index: this.index }
  }
}
