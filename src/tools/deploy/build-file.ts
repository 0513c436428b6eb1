// The file deploy uploads: the package's build, refused unless it is exactly
// what the current sources build to (compared by content: a fresh clone or
// checkout changes timestamps, not code), or the file given with --file, as
// it is once it parses as Segment parses a function.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as vm from 'node:vm'
import { BuildError, isCurrent } from '../current-build'
import { builtFunctionFile, HANDLERS, shownPath } from '../paths'
import { DeployError } from './errors'
import { UsageError } from '../usage'

export interface BuiltFunction {
  /** For messages: relative to the package (the build) or as the user named it (--file). */
  displayPath: string
  code: string
  bytes: number
  /** The first line with words in it, without comment markers. */
  firstLine: string
}

export async function readBuiltFunction(cwd: string, file: string | undefined): Promise<BuiltFunction> {
  const absolute = file === undefined ? builtFunctionFile() : path.resolve(cwd, file)
  const displayPath = file ?? shownPath(absolute)
  const missing = file === undefined ? 'run npm run build first' : 'check the --file path'

  let code: string
  try {
    if (!fs.statSync(absolute).isFile()) throw new DeployError(`${displayPath} is not a file.`)
    code = fs.readFileSync(absolute, 'utf8')
  } catch (error) {
    if (error instanceof DeployError) throw error
    const errno = (error as NodeJS.ErrnoException).code
    if (errno !== 'ENOENT' && errno !== 'ENOTDIR') throw new DeployError(`${displayPath} cannot be read (${errno ?? String(error)}).`)
    // A --file that names nothing is bad usage (exit 2), as replay's missing input is; a missing build is a failure.
    if (file !== undefined) throw new UsageError(`${displayPath} not found: ${missing}.`)
    throw new DeployError(`${displayPath} not found: ${missing}.`)
  }
  if (code.trim() === '')
    throw new DeployError(`${displayPath} is empty: ${file === undefined ? 'run npm run build' : 'check the --file path'}.`)
  if (file !== undefined) refuseWhatSegmentCannotRun(code, displayPath)
  if (file === undefined) {
    let current: boolean
    try {
      current = await isCurrent(code)
    } catch (error) {
      if (error instanceof BuildError) throw new DeployError(`${error.message}; fix them, run npm run build, then deploy.`)
      throw error
    }
    if (!current) {
      throw new DeployError(
        `${displayPath} is stale: it is not what the current sources (functions/, src/destination/) build to. Run npm run build, then deploy.`
      )
    }
  }
  // The first line that says something: the build's header starts with a bare `/**`.
  const firstLine = (code.split(/\r?\n/).find((line) => /[A-Za-z0-9]/.test(line)) ?? '').replace(/^\s*(?:\/\*+|\*|\/\/)\s*/, '')
  return { displayPath, code, bytes: Buffer.byteLength(code, 'utf8'), firstLine }
}

/**
 * A --file Segment could not run (a TypeScript source, a JSON file) or that
 * handles nothing: refused before it replaces working code. Segment's emulator
 * compiles the code inside a function (src/tools/segment-runtime.ts), so a
 * top-level `return` passes here as it does there.
 */
function refuseWhatSegmentCannotRun(code: string, displayPath: string): void {
  try {
    new vm.Script(`(function () {\n${code}\n})`, { filename: displayPath, lineOffset: -1 })
  } catch (error) {
    // By name: node:vm throws its own realm's SyntaxError (jest runs this file in another realm).
    if ((error as Error | null)?.name !== 'SyntaxError') throw error
    const { message, stack } = error as Error
    const line = Number(/:(\d+)\n/.exec(String(stack))?.[1])
    const where = !line ? '' : line > code.split('\n').length ? ' at the end of the file' : ` on line ${line}`
    throw new UsageError(`${displayPath} is not JavaScript Segment can run (${message}${where}): deploy uploads the built script.`)
  }
  // A declaration or an assignment at the start of a line, as Segment's wrapper reads them back: a name in a comment is none.
  if (
    !HANDLERS.some((name) =>
      new RegExp(`^\\s*(?:(?:async\\s+)?function\\s*\\*?\\s*${name}\\s*\\(|(?:var\\s+)?${name}\\s*=[^=])`, 'm').test(code)
    )
  ) {
    throw new UsageError(`${displayPath} defines none of Segment's handlers (${HANDLERS.join(', ')}): deploy uploads the built script.`)
  }
}
