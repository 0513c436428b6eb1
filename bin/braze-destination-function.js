#!/usr/bin/env node
// The tools are TypeScript; tsx runs them without a separate compile step.
require('tsx/cjs')
let cli
try {
  cli = require('../src/tools/cli.ts')
} catch (error) {
  // A source that does not compile: say where, as the build does, rather than tsx's stack trace.
  const detail = require('../src/tools/build-error.ts').buildErrorDetail(error)
  if (detail === undefined) throw error
  process.stderr.write(`${process.argv[2] ?? 'braze-destination-function'}: the sources do not build: ${detail}\n`)
  process.exit(2)
}
cli.runFromProcess()
