import { resolve } from 'node:path'

/** Where the project's pieces are, for every tool (kept apart from build.ts so loading them doesn't load esbuild). */
export const ROOT = resolve(__dirname, '../..')
export const BUILD_FILE = resolve(ROOT, 'build/braze-destination.js')
/** The handlers Segment looks for, in the order the build checks and the runtime exposes them. */
export const HANDLERS = ['onIdentify', 'onTrack', 'onPage', 'onScreen', 'onGroup', 'onAlias', 'onDelete', 'onBatch'] as const
