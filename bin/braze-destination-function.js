#!/usr/bin/env node
// The tools are TypeScript; tsx runs them without a separate compile step.
require('tsx/cjs')
require('../src/tools/cli.ts').runFromProcess()
