// Command-line options for every command, through node:util's parseArgs
// (https://nodejs.org/api/util.html#utilparseargsconfig), with its errors
// turned into one short sentence. Bad usage is a UsageError: exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {
  override name = 'UsageError'
}

type Options = NonNullable<ParseArgsConfig['options']>

/** `--flag value`, `--flag=value` and positionals; anything unknown or incomplete is a UsageError. */
export function parseOptions<T extends Options>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) throw error
    // An option followed by another, or by a value starting with a dash (`--workers -1`): parseArgs calls it "ambiguous".
    const needsValue = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(String((error as Error).message))
    if (needsValue) throw new UsageError(`${needsValue[1]} needs a value (one that starts with "-" goes as ${needsValue[1]}=<value>).`)
    // parseArgs explains at length ("To specify a positional argument…"): its first sentence says it.
    const first = String((error as Error).message)
      .split(/\.\s|\n/)[0]!
      .replace(/\.$/, '')
    throw new UsageError(`${first}.`)
  }
}

/** A whole number option within bounds. */
export function wholeNumber(option: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${option} expects a whole number, got "${raw}".`)
  const n = Number(raw)
  if (n < min || n > max) throw new UsageError(`--${option} must be between ${min} and ${max}, got ${n}.`)
  return n
}
