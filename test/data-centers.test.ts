// Data center resolution (https://www.braze.com/docs/api/basics/#endpoints): every
// instance in every spelling users type or paste, and nothing that could send
// the API key to a host that is not Braze's.
import fc from 'fast-check'
import { DATA_CENTERS, DATA_CENTER_NAMES, describeValidDataCenters, resolveDataCenter } from '../src/destination/data-centers'
import { parseSettings } from '../src/destination/settings'

/** Written out from Braze's endpoint table (https://www.braze.com/docs/api/basics/#endpoints), not derived from the code under test. */
const INSTANCES: Array<[string, string, string]> = [
  ['US-01', 'rest.iad-01.braze.com', 'dashboard-01.braze.com'],
  ['US-02', 'rest.iad-02.braze.com', 'dashboard-02.braze.com'],
  ['US-03', 'rest.iad-03.braze.com', 'dashboard-03.braze.com'],
  ['US-04', 'rest.iad-04.braze.com', 'dashboard-04.braze.com'],
  ['US-05', 'rest.iad-05.braze.com', 'dashboard-05.braze.com'],
  ['US-06', 'rest.iad-06.braze.com', 'dashboard-06.braze.com'],
  ['US-07', 'rest.iad-07.braze.com', 'dashboard-07.braze.com'],
  ['US-08', 'rest.iad-08.braze.com', 'dashboard-08.braze.com'],
  ['US-10', 'rest.us-10.braze.com', 'dashboard.us-10.braze.com'],
  ['EU-01', 'rest.fra-01.braze.eu', 'dashboard-01.braze.eu'],
  ['EU-02', 'rest.fra-02.braze.eu', 'dashboard-02.braze.eu'],
  ['AU-01', 'rest.au-01.braze.com', 'dashboard.au-01.braze.com'],
  ['ID-01', 'rest.id-01.braze.com', 'dashboard.id-01.braze.com'],
  ['JP-01', 'rest.jp-01.braze.com', 'dashboard.jp-01.braze.com'],
  ['KR-01', 'rest.kr-01.braze.com', 'dashboard.kr-01.braze.com']
]

test("the table is Braze's, in order", () => {
  expect(DATA_CENTERS.map((dc) => [dc.instance, dc.restHost, dc.dashboardHost])).toEqual(INSTANCES)
  expect(DATA_CENTER_NAMES).toEqual(INSTANCES.map(([instance]) => instance))
})

/** Every way users type or paste an instance, as a table: one row per spelling, resolved or refused. */
function spellings(instance: string, restHost: string, dashboardHost: string): Array<[string, boolean]> {
  const [region, number] = instance.split('-') as [string, string]
  const lower = region.toLowerCase()
  const typed = [
    instance,
    instance.toLowerCase(),
    `${region} ${number}`,
    `${lower} ${number}`,
    `${region}${number}`,
    `${lower}${number}`,
    `${region}_${number}`,
    `${lower}_${number}`,
    `${lower.charAt(0).toUpperCase()}${lower.charAt(1)}-${number}`,
    `  ${instance}  `
  ]
  const rest = [
    `https://${restHost}`,
    `https://${restHost}/`,
    `https://${restHost}/users/track`,
    restHost,
    `${restHost}/`,
    `HTTPS://${restHost.toUpperCase()}/`,
    `https://${restHost}:443`,
    ` https://${restHost} `
  ]
  const dashboard = [
    `https://${dashboardHost}`,
    `https://${dashboardHost}/`,
    `https://${dashboardHost}/dashboard/app_settings?locale=en`,
    dashboardHost,
    `${dashboardHost}/auth`
  ]
  const foreignScheme = [`http://${restHost}`, `http://${dashboardHost}`, `ftp://${restHost}`, `ws://${restHost}`]
  return [
    ...[...typed, ...rest, ...dashboard].map((spelling): [string, boolean] => [spelling, true]),
    ...foreignScheme.map((url): [string, boolean] => [url, false])
  ]
}

test.each(INSTANCES)(
  '%s: every spelling, REST and dashboard URL resolves to it; plain http and other schemes are refused',
  (instance, restHost, dashboardHost) => {
    const expected = { instance, restHost, dashboardHost }
    const rows = spellings(instance, restHost, dashboardHost)
    expect(rows.map(([spelling]) => [spelling, resolveDataCenter(spelling)])).toEqual(
      rows.map(([spelling, resolves]) => [spelling, resolves ? expected : undefined])
    )
    const [region, number] = instance.split('-') as [string, string]
    expect(parseSettings({ apiKey: 'k', dataCenter: `${region.toLowerCase()} ${number}` })).toEqual({
      settings: expect.objectContaining({ dataCenter: expected })
    })
  }
)

describe('refused', () => {
  test.each([
    // instances that do not exist
    'US-09',
    'us09',
    'us 09',
    'US-11',
    'US-00',
    'EU-03',
    'AU-02',
    'XX-01',
    'US-1',
    'US-001',
    'US',
    '01',
    'iad-01',
    'fra-01',
    // words
    'unknown',
    'braze',
    'us',
    'default',
    // hosts that do not exist (there is no iad-09, US-10 is not iad-10, EU is .eu)
    'rest.iad-09.braze.com',
    'https://rest.iad-10.braze.com',
    'https://rest.fra-01.braze.com',
    'https://rest.us-01.braze.com',
    'https://braze.com',
    'https://www.braze.com',
    'https://rest.iad-01.braze.com.',
    'https://api.iad-01.braze.com',
    // hosts that only contain a Braze host
    'https://rest.iad-01.braze.com.evil.com',
    'https://evil.com/rest.iad-01.braze.com',
    'https://evil-rest.iad-01.braze.com',
    'https://evil.com?rest.iad-01.braze.com',
    'https://evil.com#rest.iad-01.braze.com',
    'https://evil.com\\@rest.iad-01.braze.com',
    'rest.iad-01.braze.com.evil.com',
    // userinfo and port tricks
    'https://user@rest.iad-01.braze.com',
    'https://user:pass@rest.iad-01.braze.com',
    'https://:pass@rest.iad-01.braze.com',
    'https://rest.iad-01.braze.com@evil.com',
    'https://rest.iad-01.braze.com:pass@evil.com',
    'https://rest.iad-01.braze.com:8443',
    'https://rest.iad-01.braze.com:80',
    'rest.iad-01.braze.com:444',
    'https://rest.iad-01.braze.com%2eevil.com',
    // plain http and other schemes
    'http://rest.iad-01.braze.com',
    'HTTP://REST.IAD-01.BRAZE.COM',
    'javascript:alert(1)',
    'file:///etc/passwd',
    // blank
    '',
    '   '
  ])('%j', (value) => {
    expect(resolveDataCenter(value)).toBeUndefined()
  })

  test('the error lists the valid values', () => {
    const parsed = parseSettings({ apiKey: 'k', dataCenter: 'https://rest.iad-01.braze.com.evil.com' })
    expect(parsed).toEqual({
      problem: {
        kind: 'ValidationError',
        message: `Setting "dataCenter" (Data Center) is invalid: expected one of ${describeValidDataCenters()}.`
      }
    })
    expect(describeValidDataCenters()).toBe(
      'US-01, US-02, US-03, US-04, US-05, US-06, US-07, US-08, US-10, EU-01, EU-02, AU-01, ID-01, JP-01, KR-01 (or the REST endpoint URL from Braze, ' +
        'e.g. https://rest.iad-01.braze.com, or the address of your Braze dashboard, which names the instance: dashboard-01.braze.eu is EU-01)'
    )
  })
})

describe('properties', () => {
  const hosts = new Set(INSTANCES.map(([, restHost]) => restHost))

  test('any text resolves to nothing or to a known instance with a Braze REST host', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.constantFrom(...INSTANCES.flat()).map((s) => `${s}${'.x'}`)
        ),
        (value) => {
          const dc = resolveDataCenter(value)
          if (dc === undefined) return
          expect(hosts.has(dc.restHost)).toBe(true)
          expect(dc.restHost).toMatch(/^rest\.[a-z0-9-]+\.braze\.(com|eu)$/)
        }
      ),
      { numRuns: 300 }
    )
  })

  test('a web URL on any other host is refused', () => {
    const brazeHosts = new Set(INSTANCES.flatMap(([, rest, dashboard]) => [rest, dashboard]))
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const host = new URL(url).hostname
        fc.pre(!brazeHosts.has(host))
        expect(resolveDataCenter(url)).toBeUndefined()
      }),
      { numRuns: 300 }
    )
  })

  test('a Braze host with anything appended is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INSTANCES.map(([, restHost]) => restHost)), fc.domain(), (restHost, domain) => {
        expect(resolveDataCenter(`https://${restHost}.${domain}`)).toBeUndefined()
        expect(resolveDataCenter(`https://${domain}/${restHost}`)).toBeUndefined()
        expect(resolveDataCenter(`https://${restHost}@${domain}`)).toBeUndefined()
      }),
      { numRuns: 200 }
    )
  })
})
