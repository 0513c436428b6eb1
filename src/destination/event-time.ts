import type { SegmentEvent } from './segment-event'

const TIME_FIELDS = ['timestamp', 'originalTimestamp', 'receivedAt'] as const

/** Epoch ms of the first usable Segment time field, or undefined (e.g. the Test tab's bare events). */
export function eventEpoch(event: SegmentEvent): number | undefined {
  for (const key of TIME_FIELDS) {
    const value = Object.prototype.hasOwnProperty.call(event, key) ? event[key] : undefined
    if (typeof value !== 'string' && !(value instanceof Date)) continue
    const ms = value instanceof Date ? value.getTime() : Date.parse(value)
    if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return ms
  }
  return undefined
}

/** Braze's `time`: ISO 8601, required on events and purchases. */
export function eventTime(event: SegmentEvent, now: () => number = Date.now): string {
  return new Date(eventEpoch(event) ?? now()).toISOString()
}
