// The settings parser (the README's settings table): every setting, its default, its accepted
// forms, and a ValidationError naming the setting for anything else, never
// echoing the API key.
import { DATA_CENTER_NAMES } from '../src/destination/data-centers'
import { MAX_OBJECTS_PER_REQUEST } from '../src/destination/braze-limits'
import { SETTING_DEFINITIONS, parseSettings } from '../src/destination/settings'
import { TEST_API_KEY, rawSettings, settingsFor } from './helpers/settings'

function problemOf(raw: unknown) {
  const parsed = parseSettings(raw)
  if (!('problem' in parsed)) throw new Error(`expected a problem, got ${JSON.stringify(parsed.settings)}`)
  return parsed.problem
}

const US01 = { instance: 'US-01', restHost: 'rest.iad-01.braze.com', dashboardHost: 'dashboard-01.braze.com' }

test("the settings are the product's table, in its order", () => {
  expect(SETTING_DEFINITIONS.map((definition) => [definition.name, definition.type, definition.required])).toEqual([
    ['apiKey', 'STRING', true],
    ['dataCenter', 'STRING', true],
    ['appId', 'STRING', false],
    ['updateExistingOnly', 'BOOLEAN', false],
    ['anonymousAliasLabel', 'STRING', false],
    ['purchaseEvents', 'ARRAY', false],
    ['audienceAttribute', 'STRING', false],
    ['sendPageEvents', 'BOOLEAN', false],
    ['sendScreenEvents', 'BOOLEAN', false],
    ['ecommerceMode', 'STRING', false],
    ['skipContextLocale', 'BOOLEAN', false],
    ['skipUnchangedAttributes', 'BOOLEAN', false],
    ['maxObjectsPerRequest', 'STRING', false]
  ])
  expect(SETTING_DEFINITIONS.filter((definition) => definition.sensitive).map((definition) => definition.name)).toEqual(['apiKey'])
})

// Segment's Settings tab generates a setting's name from its label ("Name - Auto-generated name of the setting
// to use in function's source code", https://segment.com/docs/connections/functions/destination-functions/#create-settings-and-secrets):
// a user who types the labels by hand must get the names the code reads.
test('each label camel-cases to its name', () => {
  const camelCase = (label: string) =>
    label
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((word, index) => (index === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase()))
      .join('')
  expect(SETTING_DEFINITIONS.map((definition) => camelCase(definition.label))).toEqual(
    SETTING_DEFINITIONS.map((definition) => definition.name)
  )
})

test('defaults: only the required settings given', () => {
  expect(settingsFor()).toEqual({
    apiKey: TEST_API_KEY,
    dataCenter: US01,
    appId: undefined,
    updateExistingOnly: false,
    anonymousAliasLabel: undefined,
    purchaseEvents: ['order completed'],
    audienceAttribute: undefined,
    sendPageEvents: false,
    sendScreenEvents: false,
    ecommerceMode: 'recommended',
    skipContextLocale: false,
    skipUnchangedAttributes: false,
    maxObjectsPerRequest: 75
  })
})

test('every setting given, in the forms Segment sends', () => {
  expect(
    settingsFor({
      dataCenter: 'https://rest.fra-02.braze.eu',
      appId: 'app-123',
      updateExistingOnly: true,
      anonymousAliasLabel: 'segment_anonymous_id',
      purchaseEvents: ['Order Completed', 'Subscription Renewed'],
      audienceAttribute: 'segment_audiences',
      sendPageEvents: 'true',
      sendScreenEvents: true,
      ecommerceMode: ' Both ',
      skipContextLocale: 'true',
      skipUnchangedAttributes: 'true',
      maxObjectsPerRequest: '50'
    })
  ).toEqual({
    apiKey: TEST_API_KEY,
    dataCenter: { instance: 'EU-02', restHost: 'rest.fra-02.braze.eu', dashboardHost: 'dashboard-02.braze.eu' },
    appId: 'app-123',
    updateExistingOnly: true,
    anonymousAliasLabel: 'segment_anonymous_id',
    purchaseEvents: ['order completed', 'subscription renewed'],
    audienceAttribute: 'segment_audiences',
    sendPageEvents: true,
    sendScreenEvents: true,
    ecommerceMode: 'both',
    skipContextLocale: true,
    skipUnchangedAttributes: true,
    maxObjectsPerRequest: 50
  })
})

test('blank or null optional settings take their defaults', () => {
  const blank = Object.fromEntries(SETTING_DEFINITIONS.filter((d) => !d.required).map((d) => [d.name, '  ']))
  expect(settingsFor(blank)).toEqual(settingsFor())
  const nulls = Object.fromEntries(SETTING_DEFINITIONS.filter((d) => !d.required).map((d) => [d.name, null]))
  expect(settingsFor(nulls)).toEqual(settingsFor())
})

describe('required settings', () => {
  test.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['null', null]
  ])('apiKey %s → ValidationError naming it', (_name, apiKey) => {
    const raw = rawSettings({ apiKey })
    if (apiKey === undefined) delete raw.apiKey
    expect(problemOf(raw)).toEqual({ kind: 'ValidationError', message: expect.stringMatching(/^Setting "apiKey" \(API Key\) is required/) })
  })

  test.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['null', null]
  ])('dataCenter %s → ValidationError naming it', (_name, dataCenter) => {
    const raw = rawSettings({ dataCenter })
    if (dataCenter === undefined) delete raw.dataCenter
    expect(problemOf(raw)).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(/^Setting "dataCenter" \(Data Center\) is required/)
    })
  })

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'apiKey=abc'],
    ['an empty object', {}]
  ])('settings that are %s: the first required setting is named', (_name, raw) => {
    expect(problemOf(raw)).toEqual({ kind: 'ValidationError', message: expect.stringMatching(/"apiKey".*is required/) })
  })
})

test('no settings at all: one ValidationError naming every required setting', () => {
  expect(problemOf({})).toEqual({
    kind: 'ValidationError',
    message: expect.stringMatching(/^Setting "apiKey" \(API Key\) is required: .* Setting "dataCenter" \(Data Center\) is required: /)
  })
})

describe('apiKey', () => {
  test.each([
    ['as typed', 'abc-123', 'abc-123'],
    ['trimmed', '  abc-123 \n', 'abc-123'],
    ['double quotes pasted around it', '"abc-123"', 'abc-123'],
    ['single quotes pasted around it', " 'abc-123' ", 'abc-123'],
    ['copied with the header\'s "Bearer " (the function adds it)', 'Bearer abc-123', 'abc-123'],
    ['"Bearer " before a quoted key', 'Bearer "abc-123"', 'abc-123']
  ])('%s', (_name, apiKey, expected) => {
    expect(settingsFor({ apiKey }).apiKey).toBe(expected)
  })

  test.each<[string, unknown]>([
    ['only quotes', '""'],
    ['a number', 12345],
    ['an object', { key: 'abc' }]
  ])('%s → ValidationError', (_name, apiKey) => {
    expect(problemOf(rawSettings({ apiKey }))).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(/^Setting "apiKey" \(API Key\) is invalid/)
    })
  })
})

describe('booleans: updateExistingOnly, sendPageEvents, sendScreenEvents, skipContextLocale', () => {
  const names = ['updateExistingOnly', 'sendPageEvents', 'sendScreenEvents', 'skipContextLocale'] as const

  test.each(names)('%s from true/"true" and false/"false"', (name) => {
    expect(settingsFor({ [name]: true })[name]).toBe(true)
    expect(settingsFor({ [name]: 'true' })[name]).toBe(true)
    expect(settingsFor({ [name]: false })[name]).toBe(false)
    expect(settingsFor({ [name]: 'false' })[name]).toBe(false)
    // Typed by hand: any case, with spaces around.
    expect(settingsFor({ [name]: ' TRUE ' })[name]).toBe(true)
    expect(settingsFor({ [name]: 'False' })[name]).toBe(false)
  })

  test.each(names.flatMap((name) => (['yes', 'truth', 1, 0, ['true'], {}] as unknown[]).map((value) => [name, value] as const)))(
    '%s = %j → ValidationError naming it',
    (name, value) => {
      expect(problemOf(rawSettings({ [name]: value }))).toEqual({
        kind: 'ValidationError',
        message: expect.stringMatching(new RegExp(`^Setting "${name}" \\(.+\\) is invalid: expected true or false\\.$`))
      })
    }
  )
})

describe('purchaseEvents', () => {
  test.each<[string, unknown, string[]]>([
    ['a list', ['Order Completed', 'Checkout Done'], ['order completed', 'checkout done']],
    ['a list with blanks and padding', [' Order Completed ', '', '  '], ['order completed']],
    ['a comma-separated string', 'Order Completed, Checkout Done ,Refund Issued', ['order completed', 'checkout done', 'refund issued']],
    ['one name', 'Subscription Renewed', ['subscription renewed']],
    ['a JSON array typed as text', '["Order Completed", "Buy"]', ['order completed', 'buy']],
    ['names in brackets', '[Beta] Order Placed, Order Completed', ['[beta] order placed', 'order completed']],
    ['an empty list (an ARRAY setting never filled in): the default', [], ['order completed']]
  ])('%s', (_name, purchaseEvents, expected) => {
    expect(settingsFor({ purchaseEvents }).purchaseEvents).toEqual(expected)
  })

  test.each<[string, unknown]>([
    ['a list with a number', ['Order Completed', 5]],
    ['a JSON array with a number, typed as text', '["Order Completed", 5]'],
    ['a number', 5],
    ['an object', { name: 'Order Completed' }]
  ])('%s → ValidationError naming it', (_name, purchaseEvents) => {
    expect(problemOf(rawSettings({ purchaseEvents }))).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(/^Setting "purchaseEvents" .* is invalid/)
    })
  })
})

describe('ecommerceMode', () => {
  test.each<[unknown, string]>([
    ['recommended', 'recommended'],
    ['purchases', 'purchases'],
    ['both', 'both'],
    [' PURCHASES ', 'purchases']
  ])('%j → %s', (value, expected) => {
    expect(settingsFor({ ecommerceMode: value }).ecommerceMode).toBe(expected)
  })

  test.each<unknown>(['legacy', 'purchase', 'recommended,purchases', true, ['both']])('%j → ValidationError listing the modes', (value) => {
    expect(problemOf(rawSettings({ ecommerceMode: value }))).toEqual({
      kind: 'ValidationError',
      message: 'Setting "ecommerceMode" (Ecommerce Mode) is invalid: expected one of recommended, purchases, both.'
    })
  })
})

describe('maxObjectsPerRequest', () => {
  test.each<[unknown, number]>([
    ['50', 50],
    [50, 50],
    [' 75 ', 75],
    ['1', 1],
    [String(MAX_OBJECTS_PER_REQUEST), 225],
    [225, 225]
  ])('%j → %i', (value, expected) => {
    expect(settingsFor({ maxObjectsPerRequest: value }).maxObjectsPerRequest).toBe(expected)
  })

  test.each<unknown>(['0', 0, '226', 226, 'abc', '1.5', 1.5, '-5', -5, '5e1', '50 objects', true, ['50']])(
    '%j → ValidationError naming it and the range',
    (value) => {
      expect(problemOf(rawSettings({ maxObjectsPerRequest: value }))).toEqual({
        kind: 'ValidationError',
        message: 'Setting "maxObjectsPerRequest" (Max Objects Per Request) is invalid: expected a whole number from 1 to 225.'
      })
    }
  )
})

describe('the text settings: appId, anonymousAliasLabel, audienceAttribute', () => {
  test.each(['appId', 'anonymousAliasLabel', 'audienceAttribute'] as const)('%s is trimmed; blank is off', (name) => {
    expect(settingsFor({ [name]: '  value_1 ' })[name]).toBe('value_1')
    expect(settingsFor({ [name]: '' })[name]).toBeUndefined()
  })

  test.each(['appId', 'anonymousAliasLabel', 'audienceAttribute'] as const)('%s that is not text → ValidationError naming it', (name) => {
    expect(problemOf(rawSettings({ [name]: 42 }))).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(new RegExp(`^Setting "${name}" .* is invalid: expected a text value`))
    })
  })

  test.each(['$audiences', 'segment.audiences', 'segment audiences', 'a'.repeat(256), '__proto__', 'constructor'])(
    'audienceAttribute %j is no Braze attribute name → ValidationError',
    (value) => {
      expect(problemOf(rawSettings({ audienceAttribute: value }))).toEqual({
        kind: 'ValidationError',
        message: expect.stringMatching(
          /^Setting "audienceAttribute" .* is invalid: expected a Braze attribute name, not (a key starting with "\$"|a key over 255 characters|a name containing "\." or a space|a reserved JavaScript key)\.$/
        )
      })
    }
  )
})

test.each(['email', 'country', 'email_subscription_info'])(
  'audienceAttribute %j, a name Braze keeps for itself, → ValidationError (Braze would refuse every audience object)',
  (value) => {
    expect(problemOf(rawSettings({ audienceAttribute: value }))).toEqual({
      kind: 'ValidationError',
      message: expect.stringMatching(
        /^Setting "audienceAttribute" .* is invalid: expected a custom attribute name, not a Braze standard attribute or identifier\.$/
      )
    })
  }
)

describe('dataCenter', () => {
  test('an unknown instance → ValidationError listing every valid value', () => {
    const result = problemOf(rawSettings({ dataCenter: 'US-09' }))
    expect(result.kind).toBe('ValidationError')
    expect(result.message).toMatch(/^Setting "dataCenter" \(Data Center\) is invalid: expected one of /)
    for (const name of DATA_CENTER_NAMES) expect(result.message).toContain(name)
    expect(result.message).toContain('https://rest.iad-01.braze.com')
    expect(result.message).not.toContain('US-09')
  })

  test('a data center that is not text → ValidationError', () => {
    expect(problemOf(rawSettings({ dataCenter: 1 })).message).toMatch(/"dataCenter"/)
  })
})

describe('the API key never appears in a settings error', () => {
  const key = 'brz-LEAK-CANARY-9f8e7d6c'
  const invalid: Array<[string, Record<string, unknown>]> = [
    ['a bad dataCenter', { dataCenter: 'US-99' }],
    ['the key pasted as dataCenter', { dataCenter: key }],
    ['the key pasted as maxObjectsPerRequest', { maxObjectsPerRequest: key }],
    ['the key pasted as a boolean', { sendPageEvents: key }],
    ['the key pasted as audienceAttribute with a space', { audienceAttribute: `${key} x` }],
    ['a bad purchaseEvents', { purchaseEvents: [key, 1] }],
    ['a missing dataCenter', { dataCenter: undefined }]
  ]

  test.each(invalid)('%s', (_name, overrides) => {
    const result = problemOf({ apiKey: key, dataCenter: 'US-01', ...overrides })
    expect(result.kind).toBe('ValidationError')
    expect(result.message).not.toContain(key)
    expect(result.message).not.toContain('CANARY')
  })

  test('an apiKey of the wrong type is not echoed either', () => {
    const result = problemOf({ apiKey: [key], dataCenter: 'US-01' })
    expect(result.message).not.toContain(key)
  })

  test('a key wrapped in quotes is still never echoed', () => {
    const result = problemOf({ apiKey: `"${key}"`, dataCenter: 'nowhere' })
    expect(result.message).not.toContain(key)
  })
})
