// Everything one Segment event asks of Braze. Mapping produces it without I/O;
// delivery packs plans into requests and maps results back to the event.
import type { BrazeAttributes, BrazeEvent, BrazePurchase, DeleteTarget, MergeUpdate } from './braze-types'

export interface EventPlan {
  attributes: BrazeAttributes[]
  events: BrazeEvent[]
  purchases: BrazePurchase[]
  /**
   * Earlier profiles of the same person to merge into the identified one, sent
   * only after the /users/track objects of this event were accepted (they
   * create the profile that is kept).
   */
  merges: MergeUpdate[]
  deletes: DeleteTarget[]
  warnings: string[]
  /** For merging attribute updates in time order; undefined keeps input order. */
  epoch: number | undefined
  /** Segment's messageId: what Braze already accepted for it is remembered across redeliveries. */
  messageId: string | undefined
  /** An Engage audience or computed-trait payload (context.personas): its values are never skipped as unchanged. */
  engage?: true
  /**
   * Its merges are best effort: a failed one does not fail the event, since a
   * track retried for it would log its event in Braze again.
   */
  mergesBestEffort?: true
  /**
   * ecommerceMode "both": the purchases may be left out, with a warning, when the
   * event is too big to send whole; its recommended event still goes.
   */
  purchasesOptional?: true
}

export function emptyPlan(warnings: string[], epoch: number | undefined, messageId?: string): EventPlan {
  return { attributes: [], events: [], purchases: [], merges: [], deletes: [], warnings, epoch, messageId }
}
