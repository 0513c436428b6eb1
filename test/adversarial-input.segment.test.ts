// Hostile input through the built function, in the segment runtime profile (test/adversarial-input.suite.ts).
import { hostileInputSuite, profileFreeChecks } from './adversarial-input.suite'

hostileInputSuite('segment')

profileFreeChecks()
