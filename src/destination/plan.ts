import type { AliasToIdentify, BrazeAttributes, BrazeEvent, BrazePurchase, DeleteTarget, MergeUpdate } from './braze-types'

/**
 * Everything one Segment event asks of Braze. Mapping produces it without I/O;
 * delivery packs plans into requests and maps results back to the event.
 */
export interface EventPlan {
  attributes: BrazeAttributes[]
  events: BrazeEvent[]
  purchases: BrazePurchase[]
  aliasesToIdentify: AliasToIdentify[]
  merges: MergeUpdate[]
  deletes: DeleteTarget[]
  warnings: string[]
  /** For merging attribute updates in time order; undefined keeps input order. */
  epoch: number | undefined
}

export function emptyPlan(warnings: string[], epoch: number | undefined): EventPlan {
  return { attributes: [], events: [], purchases: [], aliasesToIdentify: [], merges: [], deletes: [], warnings, epoch }
}
