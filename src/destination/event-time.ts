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
  const ms = isDate(value) ? value.getTime() : isoMs(value)
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS ? ms : undefined
}

/** Segment's timestamps are ISO 8601 (https://segment.com/docs/connections/spec/common/#timestamps). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Epoch ms of an ISO 8601 date or date-time, else undefined: Date.parse would take "Order 5" for 2001-05-01
 * and "2024-02-30" for March 1st. A time without an offset is UTC, whatever the machine's zone.
 */
function isoMs(text: string): number | undefined {
  const match = ISO_8601.exec(text) ?? ISO_8601.exec(text.trim())
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const hour = match[4] === undefined ? 0 : Number(match[4])
  const minute = match[5] === undefined ? 0 : Number(match[5])
  const second = match[6] === undefined ? 0 : Number(match[6])
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined
  // "Z", "+05", "+0530" or "+05:30".
  const zone = match[8]
  let offset = 0
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1)
    offset = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0))
  }
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000)
  // Date.UTC reads the years 0-99 as 1900-1999: they are moved by 400 years, which keeps the calendar.
  const shift = year < 100 ? 400 : 0
  const ms = Date.UTC(year + shift, month - 1, day, hour, minute - offset, second, fraction)
  return shift === 0 ? ms : ms - Date.UTC(2000, 0, 1) + Date.UTC(1600, 0, 1)
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
}

/** Braze's `time`, ISO 8601, from the event's epoch (see eventEpoch) or now. */
export function brazeTime(epoch: number | undefined, now: () => number = Date.now): string {
  return new Date(epoch ?? now()).toISOString()
}
