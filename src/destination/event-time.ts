// The time Braze logs an event at: the event's own Segment time when it has a
// usable one (https://segment.com/docs/connections/spec/common/#timestamps).
import { field, isDate, type SegmentEvent } from './segment-event'
import { isoDateMs } from './values'

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
    const ms = usableMs(field(event, key))
    if (ms !== undefined) return ms
  }
  return undefined
}

/** Why Braze logs an event at another time than its `timestamp`, when it has one that is no usable date. */
export function timestampWarning(event: SegmentEvent): string | undefined {
  const value = field(event, 'timestamp')
  if (value === undefined || value === null || usableMs(value) !== undefined) return undefined
  const other = TIME_FIELDS.slice(1).find((key) => usableMs(field(event, key)) !== undefined)
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value).slice(0, 40)
      : typeof value === 'number'
        ? String(value)
        : `(${isDate(value) ? 'a Date' : typeof value})`
  return `timestamp ${shown} is not an ISO 8601 date between the years 0000 and 9999: Braze logs the event at ${other ? `its ${other}` : 'the time the function ran'}.`
}

function usableMs(value: unknown): number | undefined {
  if (typeof value !== 'string' && !isDate(value)) return undefined
  // Segment's timestamps are ISO 8601 (https://segment.com/docs/connections/spec/common/#timestamps).
  const ms = isDate(value) ? value.getTime() : isoDateMs(value)
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS ? ms : undefined
}

/** Braze's `time`, ISO 8601, from the event's epoch (see eventEpoch) or now. */
export function brazeTime(epoch: number | undefined, now: () => number = Date.now): string {
  return new Date(epoch ?? now()).toISOString()
}
