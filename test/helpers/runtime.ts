// The built function (made once per test run by test/global-setup.ts) and the
// runtime profiles every built-script test runs in.
import { readFileSync } from 'node:fs'
import { builtFunctionFile } from '../../src/tools/paths'
import { loadFunction, RUNTIME_PROFILES, type RuntimeOptions, type SegmentRuntime } from '../../src/tools/segment-runtime'

export { RUNTIME_PROFILES }

let code: string | undefined

/** The script users paste into Segment, as built from the current sources. */
export function builtCode(): string {
  code ??= readFileSync(builtFunctionFile(), 'utf8')
  return code
}

export function loadBuilt(options: RuntimeOptions = {}): SegmentRuntime {
  return loadFunction(builtCode(), options)
}

/** An error as Segment classifies it, or a test failure naming what was thrown. */
export function segmentClass(runtime: SegmentRuntime, error: unknown): string {
  const kind = runtime.classify(error)
  if (kind !== 'other') return kind
  const { name, message } = error as { name?: unknown; message?: unknown }
  return `other (${String(name)}: ${String(message).slice(0, 160)})`
}
