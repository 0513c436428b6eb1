// Segment's four error classes. Segment classifies a thrown error by its
// class: we must throw *those* classes, or a retryable failure would be shown
// as "Bad Request" and dropped. They are read as free names, the way Segment's
// own examples use them (`throw new RetryError(…)`), so they are found whether
// the runtime makes them globals (its public emulator does) or bindings around
// the script. Outside Segment (jest) they are absent and local stand-ins take
// their place. Looked up at throw time, so a runtime that installs them late
// still wins.
export type SegmentErrorKind = 'ValidationError' | 'InvalidEventPayload' | 'EventNotSupported' | 'RetryError'

export const SEGMENT_ERROR_KINDS: readonly SegmentErrorKind[] = [
  'ValidationError',
  'InvalidEventPayload',
  'EventNotSupported',
  'RetryError'
]

type ErrorClass = new (message: string) => Error

const localClasses: Record<SegmentErrorKind, ErrorClass> = {
  ValidationError: class ValidationError extends Error {
    override name = 'ValidationError'
  },
  InvalidEventPayload: class InvalidEventPayload extends Error {
    override name = 'InvalidEventPayload'
  },
  EventNotSupported: class EventNotSupported extends Error {
    override name = 'EventNotSupported'
  },
  RetryError: class RetryError extends Error {
    override name = 'RetryError'
  }
}

declare const ValidationError: unknown, InvalidEventPayload: unknown, EventNotSupported: unknown, RetryError: unknown

function runtimeClass(kind: SegmentErrorKind): unknown {
  switch (kind) {
    case 'ValidationError':
      return typeof ValidationError === 'undefined' ? undefined : ValidationError
    case 'InvalidEventPayload':
      return typeof InvalidEventPayload === 'undefined' ? undefined : InvalidEventPayload
    case 'EventNotSupported':
      return typeof EventNotSupported === 'undefined' ? undefined : EventNotSupported
    case 'RetryError':
      return typeof RetryError === 'undefined' ? undefined : RetryError
  }
}

export function segmentErrorClass(kind: SegmentErrorKind): ErrorClass {
  const provided = runtimeClass(kind)
  return typeof provided === 'function' ? (provided as ErrorClass) : localClasses[kind]
}

export function segmentError(kind: SegmentErrorKind, message: string): Error {
  const ErrorClass = segmentErrorClass(kind)
  return new ErrorClass(message)
}

/** A failure the mapping or the client found, before it becomes a thrown error or a batch status. */
export interface Problem {
  kind: SegmentErrorKind
  message: string
}

export function problem(kind: SegmentErrorKind, message: string): Problem {
  return { kind, message }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const { kind, message } = value as Partial<Problem>
  return SEGMENT_ERROR_KINDS.includes(kind as SegmentErrorKind) && typeof message === 'string'
}

/**
 * Recognised by class, whatever realm it comes from: Segment's emulator makes
 * its classes in the host realm, so an `instanceof Error` test inside the
 * sandbox would fail for them (and for every error fetch throws).
 */
export function isSegmentError(error: unknown): error is Error {
  if (error === null || typeof error !== 'object') return false
  return SEGMENT_ERROR_KINDS.some((kind) => error instanceof segmentErrorClass(kind) || error instanceof localClasses[kind])
}

/** The name and message of anything thrown, from any realm (a host-realm Error is not `instanceof Error` here). */
export function describeThrown(error: unknown): { name: string; message: string } {
  const name = (error as { name?: unknown } | null)?.name
  const message = (error as { message?: unknown } | null)?.message
  return {
    name: typeof name === 'string' ? name : typeof error,
    message: typeof message === 'string' ? message : String(error)
  }
}
