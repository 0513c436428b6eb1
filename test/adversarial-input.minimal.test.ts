// Hostile input through the built function, in the minimal runtime profile (test/adversarial-input.suite.ts).
import { hostileInputSuite } from './adversarial-input.suite'

hostileInputSuite('minimal')
