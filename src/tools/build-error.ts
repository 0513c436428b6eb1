// What esbuild says when a source does not compile, whether the build or tsx
// (loading the tools) ran it. It imports only paths.ts, so it loads when the
// other sources do not compile.
import { relative, resolve } from 'node:path'
import { ROOT } from './paths'

/**
 * Where and why esbuild failed to compile a source; undefined for any other
 * error. The build's error lists them (`errors`); tsx passes on only the text,
 * one `<file>:<line>:<column>: ERROR: <why>` line each.
 */
export function buildErrorDetail(error: unknown): string | undefined {
  const failure = error as {
    errors?: Array<{ text: string; location?: { file: string; line: number } | null }>
    name?: unknown
    message?: unknown
  } | null
  const where = (file: string, line: number | string) => `${relative(ROOT, resolve(ROOT, file))}:${line}`
  if (Array.isArray(failure?.errors) && failure.errors.length > 0) {
    return failure.errors
      .slice(0, 3)
      .map((e) => (e.location ? `${where(e.location.file, e.location.line)}: ${e.text}` : e.text))
      .join('; ')
  }
  if (failure?.name !== 'TransformError' || typeof failure.message !== 'string') return undefined
  const lines = [...failure.message.matchAll(/^(.+?):(\d+):\d+: ERROR: (.*)$/gm)]
  return lines.length > 0
    ? lines
        .slice(0, 3)
        .map(([, file, line, why]) => `${where(file!, line!)}: ${why}`)
        .join('; ')
    : undefined
}
