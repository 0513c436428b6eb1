// One embedded Braze for a whole suite, emptied before each test and closed
// after the last: the suite keeps its own variable, given the stand-in once
// it listens.
import { type EmbeddedBraze, type EmbeddedBrazeOptions, startEmbeddedBraze } from '../../src/tools/embedded-braze'

export function useEmbeddedBraze(options: EmbeddedBrazeOptions, started: (braze: EmbeddedBraze) => void): void {
  let braze: EmbeddedBraze | undefined
  beforeAll(async () => {
    braze = await startEmbeddedBraze(options)
    started(braze)
  })
  beforeEach(() => braze?.reset())
  afterAll(async () => {
    await braze?.close()
  })
}
