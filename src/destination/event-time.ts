// The time Braze logs an event at: the event's own Segment time when it has a
// usable one (https://segment.com/docs/connections/spec/common/#timestamps).
import { field, isDate, type SegmentEvent } from './segment-event'

const TIME_FIELDS = ['timestamp', 'originalTimestamp', 'receivedAt'] as const
/**
 * Years 0000-9999 only: beyond them toISOString writes "+010000-…" / "-000001-…",
 * not the ISO 8601 form Braze takes, and the event would be rejected.
 */
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z')
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z')

/** Epoch ms of the first usable Segment time field, or undefined (e.g. the Test tab's bare events). */
export function eventEpoch(event: SegmentEvent): number | undefined {
  for (const key of TIME_FIELDS) {
    const value = field(event, key)
    if (typeof value !== 'string' && !isDate(value)) continue
    const ms = isDate(value) ? value.getTime() : Date.parse(value)
    if (Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS) return ms
  }
  return undefined
}

/** Braze's `time`, ISO 8601, from the event's epoch (see eventEpoch) or now. */
export function brazeTime(epoch: number | undefined, now: () => number = Date.now): string {
  return new Date(epoch ?? now()).toISOString()
}
