// Where the project's pieces are, for every tool. Everything resolves from the
// package root (this file's location), never from the working directory, so
// the bin works from any folder (kept apart from build.ts so that loading it
// doesn't load esbuild).
import { isAbsolute, relative, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')
export const BUILD_FILE = resolve(ROOT, 'build/braze-destination.js')
/** The samples `start` runs, and the settings `start` and `replay` use unless told otherwise. */
export const EXAMPLES_DIR = resolve(ROOT, 'examples')
export const DEFAULT_SETTINGS_FILE = resolve(EXAMPLES_DIR, 'settings.json')
/** The handlers Segment looks for, in the order the build checks and the runtime exposes them. */
export const HANDLERS = ['onIdentify', 'onTrack', 'onPage', 'onScreen', 'onGroup', 'onAlias', 'onDelete', 'onBatch'] as const
/**
 * Where the tools read the built function from: build/braze-destination.js,
 * unless this variable names another file (the test suite builds into a
 * temporary directory, so that `npm test` never rewrites the committed build).
 */
export const BUILT_FUNCTION_ENV = 'BRAZE_FUNCTION_FILE'

export function builtFunctionFile(): string {
  return process.env[BUILT_FUNCTION_ENV] || BUILD_FILE
}

/** A path for messages: relative to the package root when inside it, absolute otherwise. */
export function shownPath(file: string): string {
  const inside = relative(ROOT, file)
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file
}
