// Builds the function once per test run, into a temporary directory: suites
// load that file, and `npm test` never rewrites the committed build.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFunction } from '../src/tools/build'
import { BUILT_FUNCTION_ENV } from '../src/tools/paths'

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'braze-destination-test-'))
  const { file } = await buildFunction(join(dir, 'braze-destination.js'))
  process.env[BUILT_FUNCTION_ENV] = file
}
