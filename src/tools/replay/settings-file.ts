// Reads a settings file in the form Segment passes settings to the function
// (`{"apiKey": …, "dataCenter": …}`), lets the BRAZE_API_KEY environment
// variable replace the key (so a real key need not sit in a file), and checks
// it with the function's own parser, so a mistake is reported before any
// event is sent. The key never appears in a message.
import { readFile } from 'node:fs/promises'
import { parseSettings, SETTING_DEFINITIONS, type Settings } from '../../destination/settings'

export const API_KEY_ENV = 'BRAZE_API_KEY'

export class SettingsError extends Error {
  override name = 'SettingsError'
}

export interface LoadedSettings {
  /** What the function receives, exactly as Segment would pass it. */
  raw: Record<string, unknown>
  /** The function's own reading of it. */
  settings: Settings
  /** Where the API key came from, for messages. */
  apiKeyFrom: 'file' | 'env'
  /** Keys the function does not read (a typo, or a setting of another destination). */
  unknownKeys: string[]
}

export async function loadSettingsFile(path: string, env: NodeJS.ProcessEnv): Promise<LoadedSettings> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new SettingsError(`Cannot read the settings file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  let value: unknown
  try {
    // Editors on Windows may start a UTF-8 file with a byte order mark.
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    // Only the position: V8's message quotes the text, which may hold the key.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1]
    throw new SettingsError(`The settings file ${path} is not valid JSON${position ? ` (at character ${Number(position) + 1})` : ''}.`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsError(`The settings file ${path} must hold a JSON object such as {"apiKey": "…", "dataCenter": "US-01"}.`)
  }
  const raw = { ...(value as Record<string, unknown>) }
  const envKey = env[API_KEY_ENV]?.trim()
  const apiKeyFrom = envKey ? 'env' : 'file'
  if (envKey) raw.apiKey = envKey
  const parsed = parseSettings(raw)
  if ('problem' in parsed) {
    // Which of the two the problem is in: the key from the environment, or the file.
    const where = envKey && /"apiKey"/.test(parsed.problem.message) ? `the ${API_KEY_ENV} environment variable` : path
    throw new SettingsError(`${where}: ${parsed.problem.message}`)
  }
  const known = new Set(SETTING_DEFINITIONS.map((definition) => definition.name))
  return { raw, settings: parsed.settings, apiKeyFrom, unknownKeys: Object.keys(raw).filter((key) => !known.has(key)) }
}
