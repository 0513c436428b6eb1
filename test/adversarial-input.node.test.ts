// Hostile input through the built function, in the node runtime profile (test/adversarial-input.suite.ts).
import { hostileInputSuite } from './adversarial-input.suite'

hostileInputSuite('node')
