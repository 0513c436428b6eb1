// What Braze holds after the run, per user: identifiers, attributes, events
// by name with counts, purchases by product.
import type { BrazeProfile } from '../embedded-braze'
import { plural } from '../wording'
import type { Paint } from './paint'

const MAX_VALUE_CHARS = 100

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text
}

function profileHeading(profile: BrazeProfile): string {
  const ids = profile.identifiers
  const parts: string[] = []
  if (ids.external_id !== undefined) parts.push(`external_id ${ids.external_id}`)
  if (ids.email !== undefined) parts.push(`email ${ids.email}`)
  if (ids.phone !== undefined) parts.push(`phone ${ids.phone}`)
  for (const alias of ids.user_aliases) parts.push(`alias ${alias.alias_label}: ${alias.alias_name}`)
  if (parts.length === 0) parts.push('(no external_id, email, phone or alias)')
  return `${parts.join(' · ')}  (braze_id ${ids.braze_id})`
}

function countBy<T>(items: T[], key: (item: T) => string): Array<[string, { count: number; first: T }]> {
  const map = new Map<string, { count: number; first: T }>()
  for (const item of items) {
    const k = key(item)
    const entry = map.get(k)
    if (entry) entry.count++
    else map.set(k, { count: 1, first: item })
  }
  return [...map.entries()]
}

function renderProfile(profile: BrazeProfile, paint: Paint): string[] {
  const lines = [paint('bold', profileHeading(profile))]
  const attributes = Object.entries(profile.attributes)
  if (attributes.length === 0) lines.push('    attributes  none')
  else {
    const width = Math.max(...attributes.map(([key]) => key.length))
    attributes.forEach(([key, value], i) => {
      lines.push(`    ${i === 0 ? 'attributes' : '          '}  ${key.padEnd(width)}  ${show(value)}`)
    })
  }
  // The counts cover every event; the profile keeps only the most recent ones in full.
  const events = Object.entries(profile.eventCounts)
  lines.push(`    events      ${events.length === 0 ? 'none' : events.map(([name, count]) => `${name} ×${count}`).join(' · ')}`)
  if (profile.purchases.length === 0) lines.push('    purchases   none')
  else {
    const byProduct = countBy(profile.purchases, (p) => `${p.product_id}\u0000${p.price}\u0000${p.currency}`)
    byProduct.forEach(([, { first }], i) => {
      const same = profile.purchases.filter(
        (p) => p.product_id === first.product_id && p.price === first.price && p.currency === first.currency
      )
      const quantity = same.reduce((sum, p) => sum + (p.quantity ?? 1), 0)
      const objects = same.length > 1 ? ` in ${plural(same.length, 'purchase object')}` : ''
      lines.push(
        `    ${i === 0 ? 'purchases' : '         '}   ${first.product_id}  ${quantity} × ${first.price} ${first.currency}${objects}`
      )
    })
  }
  return lines
}

export function renderProfiles(profiles: BrazeProfile[], paint: Paint): string[] {
  const lines: string[] = []
  for (const profile of profiles) {
    lines.push(...renderProfile(profile, paint), '')
  }
  return lines
}
