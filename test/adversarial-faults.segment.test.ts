// Braze misbehaving, seen through the built function in the segment runtime profile (test/adversarial-faults.suite.ts).
import { faultSuite } from './adversarial-faults.suite'

faultSuite('segment')
