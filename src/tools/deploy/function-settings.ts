// The function's Segment settings list (`FunctionSettingV1[]`), derived from
// the one settings table in src/destination/settings.ts — the same table the
// runtime parser reads, so the Settings tab and the code can't disagree.
// Only the six fields Segment knows are sent; defaults and parsers stay local.
import { SETTING_DEFINITIONS } from '../../destination/settings'
import type { FunctionSetting } from './segment-api'

export function functionSettings(): FunctionSetting[] {
  return SETTING_DEFINITIONS.map(({ name, label, description, type, required, sensitive }) => ({
    name,
    label,
    description,
    type,
    required,
    sensitive
  }))
}
