import { resolve } from 'node:path'

/** Where the project's pieces are, for every tool (kept apart from build.ts so loading them doesn't load esbuild). */
export const ROOT = resolve(__dirname, '../..')
export const BUILD_FILE = resolve(ROOT, 'build/braze-destination.js')
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
