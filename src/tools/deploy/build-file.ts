import * as fs from 'node:fs'
import * as path from 'node:path'
import { DeployError } from './errors'

/** The sources the build is made from (relative to the project directory). */
export const SOURCE_DIRS = ['functions', 'src/destination'] as const

/**
 * A source must be this much newer than the build to count as changed after
 * it. A fresh `git clone`/`checkout` writes build/ before functions/ and src/
 * (alphabetical order), a few milliseconds apart; without this margin every
 * fresh clone would be "stale". Nobody edits, saves and deploys within 2 s.
 */
export const STALE_MARGIN_MS = 2000

export interface BuiltFunction {
  /** As the user named it (relative to cwd when possible), for messages. */
  displayPath: string
  code: string
  bytes: number
  firstLine: string
}

/** Reads the built function, refusing a missing, empty or stale file. */
export function readBuiltFunction(cwd: string, file: string): BuiltFunction {
  const absolute = path.resolve(cwd, file)
  const displayPath = path.relative(cwd, absolute) || file

  let stat: fs.Stats
  try {
    stat = fs.statSync(absolute)
  } catch {
    throw new DeployError(`${displayPath} not found: run npm run build first (or pass --file <path>).`)
  }
  if (!stat.isFile()) throw new DeployError(`${displayPath} is not a file.`)

  const newest = newestSource(cwd)
  if (newest !== undefined && newest.mtimeMs > stat.mtimeMs + STALE_MARGIN_MS) {
    throw new DeployError(`${displayPath} is older than its sources: run npm run build (${newest.file} changed after the last build).`)
  }

  const code = fs.readFileSync(absolute, 'utf8')
  if (code.trim() === '') throw new DeployError(`${displayPath} is empty: run npm run build.`)
  const firstLine = code.split(/\r?\n/, 1)[0] ?? ''
  return { displayPath, code, bytes: Buffer.byteLength(code, 'utf8'), firstLine }
}

/** The most recently modified file under the source directories (missing directories are skipped). */
export function newestSource(cwd: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined
  const visit = (dir: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) visit(full)
      } else if (entry.isFile()) {
        const mtimeMs = fs.statSync(full).mtimeMs
        if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file: path.relative(cwd, full), mtimeMs }
      }
    }
  }
  for (const dir of SOURCE_DIRS) visit(path.join(cwd, dir))
  return newest
}
