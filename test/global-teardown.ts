import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { BUILT_FUNCTION_ENV } from '../src/tools/paths'

export default async function globalTeardown(): Promise<void> {
  const file = process.env[BUILT_FUNCTION_ENV]
  if (file) rmSync(dirname(file), { recursive: true, force: true })
}
