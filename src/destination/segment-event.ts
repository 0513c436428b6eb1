// Segment events arrive as untrusted JSON (the Test tab accepts anything).
// These readers only see own properties, so keys like `constructor` or
// `__proto__` never reach into prototypes.
export type SegmentEvent = Record<string, unknown>
export type Dict = Record<string, unknown>

const hasOwn = Object.prototype.hasOwnProperty

export function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function field(source: unknown, key: string): unknown {
  return isDict(source) && hasOwn.call(source, key) ? source[key] : undefined
}

export function path(source: unknown, ...keys: string[]): unknown {
  let current = source
  for (const key of keys) current = field(current, key)
  return current
}

export function dict(value: unknown): Dict | undefined {
  return isDict(value) ? value : undefined
}

/** Not given: absent, null or a blank string (Segment sources send all three for "no value"). */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

/** A usable identifier or name: non-blank strings, and finite numbers as text (numeric userIds are common). */
export function nonBlank(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A Date from any realm (Segment's emulator hands over host-realm objects, where `instanceof Date` fails). */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]'
}
