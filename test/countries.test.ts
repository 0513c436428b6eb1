// The country table (src/destination/countries.ts) against a well-kept ISO
// 3166 package: every official code pair, every English name and alternate
// spelling it knows.
import countries from 'i18n-iso-countries'
import english from 'i18n-iso-countries/langs/en.json'
import { toCountryCode } from '../src/destination/countries'

const OFFICIAL = Object.keys(countries.getAlpha2Codes()).filter((code) => code !== 'XK')

test('every officially assigned alpha-2 code passes, and its alpha-3 code converts', () => {
  expect(OFFICIAL.length).toBe(249)
  for (const code of OFFICIAL) {
    expect([code, toCountryCode(code), toCountryCode(code.toLowerCase())]).toEqual([code, code, code])
    expect([code, toCountryCode(countries.alpha2ToAlpha3(code)!)]).toEqual([code, code])
  }
})

test('XK (Kosovo) is user-assigned, not ISO: not passed on', () => {
  expect(toCountryCode('XK')).toBeUndefined()
})

test("every English name and alternate spelling the package knows (but the ambiguous bare 'Congo')", () => {
  const missed: string[] = []
  for (const [code, names] of Object.entries(english.countries as Record<string, string | string[]>)) {
    if (code === 'XK') continue
    for (const name of Array.isArray(names) ? names : [names]) {
      if (name === 'Congo') continue
      if (toCountryCode(name) !== code) missed.push(`${name} → ${String(toCountryCode(name))}, not ${code}`)
    }
  }
  expect(missed).toEqual([])
})

test("ISO 3166-1's own English short names convert, its bare 'Congo' to the Republic of the Congo", () => {
  expect(
    [
      'United Kingdom of Great Britain and Northern Ireland',
      'Congo, The Democratic Republic of the',
      "Korea, Democratic People's Republic of",
      'Congo'
    ].map(toCountryCode)
  ).toEqual(['GB', 'CD', 'KP', 'CG'])
})
