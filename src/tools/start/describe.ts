// One-line descriptions for the `npm start` report: a Segment call, a Braze
// request, an outcome. Written for someone who has not read the code.
import { pathOf } from '../replay/request-stats'
import { plural } from '../wording'
import { describeThrown } from '../../destination/errors'

const MAX_KEYS = 6

function keyList(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'none'
  const keys = Object.keys(value)
  if (keys.length === 0) return 'none'
  const shown = keys.slice(0, MAX_KEYS).map((key) => {
    const item = (value as Record<string, unknown>)[key]
    return Array.isArray(item) ? `${key} [${item.length}]` : key
  })
  return keys.length > MAX_KEYS ? `${shown.join(', ')}, … (${keys.length} in all)` : shown.join(', ')
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

function who(event: Record<string, unknown>): string {
  const userId = str(event.userId)
  const anonymousId = str(event.anonymousId)
  if (userId && anonymousId) return `userId ${userId} (anonymousId ${anonymousId})`
  if (userId) return `userId ${userId}`
  if (anonymousId) return `anonymousId ${anonymousId} only`
  return 'no userId or anonymousId'
}

function engage(event: Record<string, unknown>): string | undefined {
  const context = event.context
  const personas = context && typeof context === 'object' ? (context as Record<string, unknown>).personas : undefined
  if (!personas || typeof personas !== 'object') return undefined
  const cls = str((personas as Record<string, unknown>).computation_class)
  const key = str((personas as Record<string, unknown>).computation_key)
  const label = cls === 'trait' ? 'computed trait' : cls === 'journey_step' ? 'journey step' : (cls ?? 'computation')
  return `Engage ${label}${key ? ` ${key}` : ''}`
}

/** `track "Order Completed" · userId u-1 · properties: order_id, total, products [3]` */
export function describeSegmentCall(event: Record<string, unknown>): string {
  const type = str(event.type) ?? '(no type)'
  const parts: string[] = []
  switch (type) {
    case 'identify':
      parts.push('identify', who(event), `traits: ${keyList(event.traits)}`)
      break
    case 'track':
      parts.push(
        str(event.event) ? `track "${event.event}"` : 'track (no event name)',
        who(event),
        `properties: ${keyList(event.properties)}`
      )
      break
    case 'page':
    case 'screen': {
      const name = [str(event.category), str(event.name)].filter(Boolean).join(' / ')
      parts.push(name ? `${type} "${name}"` : type, who(event), `properties: ${keyList(event.properties)}`)
      break
    }
    case 'group':
      parts.push(`group ${str(event.groupId) ?? '(no groupId)'}`, who(event), `traits: ${keyList(event.traits)}`)
      break
    case 'alias':
      parts.push(`alias ${str(event.previousId) ?? '?'} → ${str(event.userId) ?? '?'}`)
      break
    default:
      parts.push(type, who(event))
  }
  const computation = engage(event)
  if (computation) parts.push(computation)
  return parts.join(' · ')
}

/** Short, e.g. `identify u-31007` or `track "Signed Up" u-31008`, for the batch listing. */
export function describeBriefly(event: Record<string, unknown>): string {
  const type = str(event.type) ?? '?'
  const user = str(event.userId) ?? (str(event.anonymousId) ? `anon ${String(event.anonymousId).slice(0, 8)}…` : 'no user')
  const what =
    type === 'track'
      ? str(event.event)
        ? ` "${event.event}"`
        : ' (no event name)'
      : type === 'page' || type === 'screen'
        ? str(event.name)
          ? ` "${event.name}"`
          : ''
        : ''
  return `${type}${what} ${user}`
}

export interface Exchange {
  method: string
  url: string
  body: string | undefined
  status: number | undefined
  error: string | undefined
}

function count(body: Record<string, unknown>, key: string): number {
  const value = body[key]
  return Array.isArray(value) ? value.length : 0
}

/** What a request carried, in words: `1 attribute object, 2 purchases`. */
function describeObjects(path: string, bodyText: string | undefined): string {
  let body: Record<string, unknown> = {}
  try {
    const parsed = bodyText === undefined ? undefined : JSON.parse(bodyText)
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    return 'a body that is not JSON'
  }
  const parts: string[] = []
  switch (path) {
    case '/users/track':
      if (count(body, 'attributes')) parts.push(plural(count(body, 'attributes'), 'attribute object'))
      if (count(body, 'events')) parts.push(plural(count(body, 'events'), 'event'))
      if (count(body, 'purchases')) parts.push(plural(count(body, 'purchases'), 'purchase'))
      break
    case '/users/merge':
      parts.push(plural(count(body, 'merge_updates'), 'merge update'))
      break
    case '/users/delete':
      for (const key of ['external_ids', 'user_aliases', 'braze_ids', 'email_addresses', 'phone_numbers']) {
        if (count(body, key)) parts.push(plural(count(body, key), 'user') + ` by ${key}`)
      }
      break
  }
  return parts.length > 0 ? parts.join(', ') : 'nothing'
}

/** `POST /users/track  1 attribute object, 2 purchases → 201` */
export function describeExchange(exchange: Exchange): string {
  const path = pathOf(exchange.url)
  const answer = exchange.status !== undefined ? String(exchange.status) : `no answer (${exchange.error ?? 'error'})`
  return `${exchange.method} ${path}  ${describeObjects(path, exchange.body)} → ${answer}`
}

export type SampleOutcome = 'delivered' | 'rejected' | 'retry' | 'unsupported'

/** As Segment's Event Delivery would record a thrown error. */
export function outcomeOfError(error: unknown): { outcome: SampleOutcome; text: string } {
  const { name, message } = describeThrown(error)
  if (name === 'RetryError') return { outcome: 'retry', text: `Retry (RetryError): ${message}` }
  if (name === 'EventNotSupported') return { outcome: 'unsupported', text: `Unsupported (EventNotSupported): ${message}` }
  if (name === 'ValidationError' || name === 'InvalidEventPayload') return { outcome: 'rejected', text: `Rejected (${name}): ${message}` }
  return { outcome: 'rejected', text: `Rejected as "Bad Request" (${name}): ${message}` }
}
