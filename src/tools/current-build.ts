// The built function as the current sources make it. `start` and `replay`
// rebuild when the file differs; `deploy` refuses a file that differs. The
// comparison is by content (an in-memory build against the file), never by
// timestamps: a fresh clone or `git checkout` rewrites timestamps, not code.
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildScript } from './build'
import { buildErrorDetail } from './build-error'
import { builtFunctionFile, ROOT } from './paths'

/** What the build reads: a change under these is a change of the built script. */
const SOURCES = ['functions', 'src/destination', 'package.json']

export class BuildError extends Error {
  override name = 'BuildError'
}

export interface CurrentBuild {
  file: string
  code: string
  /** True when the file was missing or different and has just been rewritten. */
  rebuilt: boolean
}

let cached: { signature: string; script: string } | undefined

/**
 * Sizes and times of the source files: only a key for reusing the last
 * in-memory build within one process (a test suite runs many commands).
 * Whether a build is current is still decided by comparing contents.
 */
function sourcesSignature(): string {
  const parts: string[] = []
  const visit = (path: string) => {
    const info = statSync(path, { throwIfNoEntry: false })
    if (!info) return
    if (info.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name))
    } else parts.push(`${path}:${info.size}:${info.mtimeMs}`)
  }
  for (const source of SOURCES) visit(join(ROOT, source))
  return parts.join('\n')
}

/** The script the current sources build to (a BuildError when they don't build). */
export async function expectedScript(): Promise<string> {
  const signature = sourcesSignature()
  if (cached?.signature === signature) return cached.script
  let script: string
  try {
    script = await buildScript()
  } catch (error) {
    throw new BuildError(`the sources do not build: ${buildErrorDetail(error) ?? (error instanceof Error ? error.message : String(error))}`)
  }
  cached = { signature, script }
  return script
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** The built function, rebuilt first when it is missing or not what the sources build to. */
export async function currentBuild(file: string = builtFunctionFile()): Promise<CurrentBuild> {
  const code = await expectedScript()
  if (readIfPresent(file) === code) return { file, code, rebuilt: false }
  // Atomic: a reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, code)
  renameSync(temporary, file)
  return { file, code, rebuilt: true }
}

/** Whether `code` is exactly what the sources build to. */
export async function isCurrent(code: string): Promise<boolean> {
  return code === (await expectedScript())
}
