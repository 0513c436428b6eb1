// Braze instances. The one table feeds resolution and the error message, so a
// new instance is a one-line change. Source: https://www.braze.com/docs/api/basics/#endpoints.
export interface DataCenter {
  instance: string
  restHost: string
  dashboardHost: string
}

const us = (n: number): DataCenter => {
  const nn = String(n).padStart(2, '0')
  return { instance: `US-${nn}`, restHost: `rest.iad-${nn}.braze.com`, dashboardHost: `dashboard-${nn}.braze.com` }
}
const eu = (n: number): DataCenter => {
  const nn = String(n).padStart(2, '0')
  return { instance: `EU-${nn}`, restHost: `rest.fra-${nn}.braze.eu`, dashboardHost: `dashboard-${nn}.braze.eu` }
}
const named = (instance: string): DataCenter => {
  const lower = instance.toLowerCase()
  return { instance, restHost: `rest.${lower}.braze.com`, dashboardHost: `dashboard.${lower}.braze.com` }
}

export const DATA_CENTERS: readonly DataCenter[] = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map(us),
  // US-10 breaks the iad-NN pattern (there is no US-09).
  named('US-10'),
  eu(1),
  eu(2),
  named('AU-01'),
  named('ID-01'),
  named('JP-01'),
  named('KR-01')
]

export const DATA_CENTER_NAMES = DATA_CENTERS.map((dc) => dc.instance)

const byKey = new Map<string, DataCenter>()
for (const dc of DATA_CENTERS) {
  byKey.set(compact(dc.instance), dc)
  byKey.set(dc.restHost, dc)
  byKey.set(dc.dashboardHost, dc)
}

function compact(instance: string): string {
  return instance.toUpperCase().replace(/[\s_-]+/g, '')
}

/**
 * Accepts `US-05`, `us 05`, `eu01`, or a REST/dashboard URL copied from Braze
 * (with or without `https://`, path or trailing slash). Plain http and hosts
 * that are not a known Braze instance are refused: the API key must never be
 * sent anywhere else.
 */
export function resolveDataCenter(input: string): DataCenter | undefined {
  const value = input.trim()
  if (value === '') return undefined
  const instance = byKey.get(compact(value))
  if (instance && /^[a-z]{2}[\s_-]*\d{2}$/i.test(value)) return instance
  const url = parseHttpsUrl(value)
  if (!url) return undefined
  return byKey.get(url.hostname.toLowerCase())
}

function parseHttpsUrl(value: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' || url.username || url.password || (url.port && url.port !== '443')) return undefined
  return url
}

export function describeValidDataCenters(): string {
  const example = DATA_CENTERS.find((dc) => dc.instance === 'EU-01') ?? DATA_CENTERS[0]!
  return (
    `${DATA_CENTER_NAMES.join(', ')} (or the REST endpoint URL from Braze, e.g. https://${DATA_CENTERS[0]!.restHost}, ` +
    `or the address of your Braze dashboard, which names the instance: ${example.dashboardHost} is ${example.instance})`
  )
}
