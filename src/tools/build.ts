// Bundles functions/braze-destination.ts into the one plain script Segment
// runs: top-level `async function onX(event, settings)` declarations and no
// module syntax. esbuild's ESM output hoists everything to the top level, so
// dropping its final `export { … }` line leaves exactly that.
import { analyzeMetafile, build } from 'esbuild'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import type { SETTING_DEFINITIONS } from '../destination/settings'
import { buildErrorDetail } from './build-error'
import { BUILD_FILE, HANDLERS, ROOT } from './paths'

/**
 * Segment has no documented code-size limit; this is our own budget, for what
 * a cold instance compiles (the bench's cold-start row, 20 ms at most).
 * Unminified, so the code users see in Segment's editor stays readable.
 * 144 KB until the fixes of 2026-12-02 (Engage names, purchase keys, redelivery
 * cuts …) took the script to 144.3 KB: 150 KB, with the cold start measured;
 * 160 KB since the email and phone ordering of 2026-12-03 (contact-links.ts,
 * contact-rounds.ts) took it to 155.8 KB: the cold start measured again, 13.4 ms
 * (README, "Performance"). 170 KB since the review fixes of 2026-12-03
 * (skipUnchangedAttributes and writes by other identifiers, held events) took it
 * to 164.8 KB: the cold start 12 ms at 159.6 KB, 14.5 ms at 164.8 KB (an empty
 * vm context 0.71 and 0.82 ms in those runs: part of it is the machine's hour).
 * 180 KB since the second review of 2026-12-03 (deletes held per user, the merge
 * memory by contact, answers that break off, eCommerce fields) took it to 170.4 KB:
 * the cold start 13.1 ms in the bench run that followed, 14.0 ms at 172.3 KB
 * and 17.1 ms at 173.2 KB with the fixes after it (README, "Performance").
 * 190 KB since the reviews of 2026-12-03's evening (Braze's other profile fields,
 * IANA's current zone names, an order's purchases left out in "both", the name
 * rules, the reviews' delivery and CPU fixes) took it to 185.8 KB: the cold start
 * 14.0 ms in the bench run that followed, 12.6 ms at 188.3 KB after the last fixes.
 * 195 KB since the late-evening reviews (eCommerce events that shed product extras
 * over Braze's limit, Segment's v1 names, a split event's parts after a refusal)
 * took it to 190.8 KB: 19.8 ms at 193.0 KB in the bench run that followed, in a
 * slow hour (an empty vm context 1.08 ms against 0.70 ms; docs/performance.md),
 * and 17.7 ms at 194.1 KB in the last.
 */
export const MAX_BUNDLE_BYTES = 195 * 1024

function header(version: string, definitions: typeof SETTING_DEFINITIONS): string {
  const settings = definitions.map(
    (s) => ` *   ${s.name.padEnd(21)} ${s.type.padEnd(7)} ${s.required ? 'required' : 'optional'}${s.sensitive ? ', sensitive' : ''}`
  )
  return [
    '/**',
    ` * Braze Destination Function for Segment, v${version}`,
    ' * Built from TypeScript by `npm run build`; edit the sources, not this file.',
    ' *',
    ' * Paste into Segment: Catalog > Functions > New Function > Destination.',
    ' * Create these settings (Settings tab; the name is what the code reads):',
    ...settings,
    ' */'
  ].join('\n')
}

/**
 * The ECMAScript built-ins the function uses, bound once as local names. Segment's runtime (as its public
 * emulator, functions-library's buildpack/boreal) runs the script inside a function in a node:vm context,
 * where every global name is looked up through the context's interceptors, several times slower than a
 * local: the function's many `Array.isArray` and `Object.keys` calls made that a tenth of a replay's CPU
 * (README, "Performance"). They are the very same objects; Segment's own globals (fetch, cache, console,
 * the error classes) are still read where they are used.
 */
const LOCAL_BUILT_INS = [
  'Object',
  'Array',
  'Number',
  'String',
  'Map',
  'Set',
  'Date',
  'JSON',
  'Math',
  'Promise',
  'Intl',
  'Error',
  'isFinite',
  'isNaN',
  'encodeURIComponent'
]

/** The script the sources build to, in memory. */
export async function buildScript(): Promise<string> {
  const version = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).version as string
  const result = await build({
    entryPoints: [resolve(ROOT, 'functions/braze-destination.ts')],
    // Path comments in the output are relative to this: the same bytes from any checkout or cwd.
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    metafile: true,
    target: 'es2022',
    minify: false,
    treeShaking: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent'
  })
  if (process.env.BUILD_ANALYZE) console.log(await analyzeMetafile(result.metafile!))
  let code = result.outputFiles[0]!.text
  code = code.replace(/\nexport \{[^}]*\};\s*$/, '\n')
  // Loaded after esbuild: a source that does not compile is then reported by esbuild, with its place (build-error.ts).
  const { SETTING_DEFINITIONS: definitions } = createRequire(__filename)('../destination/settings') as {
    SETTING_DEFINITIONS: typeof SETTING_DEFINITIONS
  }
  const script = `${header(version, definitions)}\nconst { ${LOCAL_BUILT_INS.join(', ')} } = globalThis;\n${code}`
  check(script)
  return script
}

/** Builds and writes `file` (default build/braze-destination.js); returns the script. */
export async function buildFunction(file: string = BUILD_FILE): Promise<{ bytes: number; file: string; code: string }> {
  const script = await buildScript()
  // Atomic: a reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, script)
  renameSync(temporary, file)
  return { bytes: Buffer.byteLength(script), file, code: script }
}

/** The properties Segment's editor needs; failing here beats failing in Segment. */
function check(script: string): void {
  const problems: string[] = []
  if (/^\s*(import|export)\b/m.test(script)) problems.push('module syntax (import/export) is left')
  if (/\brequire\s*\(/.test(script)) problems.push('require() is left')
  for (const handler of HANDLERS) {
    if (!new RegExp(`^async function ${handler}\\(event[s]?, settings\\)`, 'm').test(script))
      problems.push(`no top-level async function ${handler}`)
  }
  if (Buffer.byteLength(script) > MAX_BUNDLE_BYTES)
    problems.push(`${Buffer.byteLength(script)} bytes is over the ${MAX_BUNDLE_BYTES}-byte budget`)
  if (problems.length > 0) throw new Error(`build/braze-destination.js is not a valid Segment function: ${problems.join('; ')}`)
}

if (require.main === module) {
  buildFunction().then(
    ({ bytes }) => console.log(`build/braze-destination.js: ${(bytes / 1024).toFixed(1)} KB`),
    (error) => {
      const detail = buildErrorDetail(error)
      console.error(detail ? `the sources do not build: ${detail}` : error instanceof Error ? error.message : error)
      process.exitCode = 1
    }
  )
}
