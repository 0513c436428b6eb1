import { readFileSync } from 'node:fs'
import { README, withSettingsTable } from '../src/tools/settings-doc'
import { SETTING_DEFINITIONS } from '../src/destination/settings'

describe('README settings table', () => {
  it('is the one generated from the settings definition (run npm run docs)', () => {
    const readme = readFileSync(README, 'utf8')
    expect(withSettingsTable(readme)).toBe(readme)
  })

  it('lists every setting by the name the code reads', () => {
    const readme = readFileSync(README, 'utf8')
    for (const setting of SETTING_DEFINITIONS) expect(readme).toContain(`| \`${setting.name}\` |`)
  })
})
