// Braze misbehaving, seen through the built function in the minimal runtime profile (test/adversarial-faults.suite.ts).
import { faultSuite } from './adversarial-faults.suite'

faultSuite('minimal')
