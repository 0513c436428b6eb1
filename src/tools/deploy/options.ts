import { DEFAULT_DISPLAY_NAME } from './function-payload'
import { API_HOSTS, type Region } from './segment-api'

export const DEFAULT_BUILD_FILE = 'build/braze-destination.js'
export const TOKEN_VARIABLE = 'SEGMENT_API_TOKEN'

export const USAGE = `Usage: npm run deploy -- [options]

Uploads ${DEFAULT_BUILD_FILE} to Segment as a destination function through the
Segment Public API: creates the function if it does not exist yet, otherwise
replaces its code and settings list. Run \`npm run build\` first.

Options:
  --name <name>     display name to find or create (default: "${DEFAULT_DISPLAY_NAME}").
                    Segment appends the workspace to a destination function's
                    name, so <name> matches "<name>" and "<name> (<workspace>)".
  --id <dfn_...>    update this function; never creates one
  --file <path>     built function to upload (default: ${DEFAULT_BUILD_FILE})
  --region <us|eu>  workspace region: us = ${API_HOSTS.us.replace('https://', '')} (default),
                    eu = ${API_HOSTS.eu.replace('https://', '')}
  --dry-run         print the requests instead of sending them (no token needed)
  -h, --help        show this help

Environment:
  ${TOKEN_VARIABLE}  a Segment Public API token: in Segment, workspace Settings >
                     Access Management > Tokens > Create Token, type "Public API"
                     (not Config API), with a role that can edit Functions
                     (Workspace Owner, or a member role with Functions write access).

Exit codes: 0 done, 1 failed, 2 bad usage.
`

export interface DeployOptions {
  help: boolean
  dryRun: boolean
  file: string
  region: Region
  /** Exactly one of id / name is set. */
  id?: string
  name?: string
}

export type ParsedArgs = { ok: true; options: DeployOptions } | { ok: false; error: string }

const VALUE_FLAGS = ['--file', '--id', '--name', '--region'] as const
type ValueFlag = (typeof VALUE_FLAGS)[number]
const isValueFlag = (flag: string): flag is ValueFlag => (VALUE_FLAGS as readonly string[]).includes(flag)

/** `--flag value` and `--flag=value` both work; anything unknown is a usage error (exit 2). */
export function parseDeployArgs(args: string[]): ParsedArgs {
  const values: Partial<Record<ValueFlag, string>> = {}
  let help = false
  let dryRun = false

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    if (flag === '-h' || flag === '--help') {
      help = true
      continue
    }
    if (flag === '--dry-run') {
      if (eq !== -1) return { ok: false, error: '--dry-run takes no value' }
      dryRun = true
      continue
    }
    if (isValueFlag(flag)) {
      let value: string | undefined
      if (eq !== -1) value = arg.slice(eq + 1)
      else if (i + 1 < args.length && !(args[i + 1] as string).startsWith('--')) value = args[++i]
      if (value === undefined || value.trim() === '') return { ok: false, error: `${flag} needs a value` }
      if (values[flag] !== undefined) return { ok: false, error: `${flag} given twice` }
      values[flag] = value.trim()
      continue
    }
    return { ok: false, error: arg.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${arg}"` }
  }

  if (help) return { ok: true, options: { help, dryRun, file: DEFAULT_BUILD_FILE, region: 'us', name: DEFAULT_DISPLAY_NAME } }

  const regionValue = (values['--region'] ?? 'us').toLowerCase()
  if (regionValue !== 'us' && regionValue !== 'eu') {
    return { ok: false, error: `--region must be "us" or "eu", not "${values['--region']}"` }
  }
  if (values['--id'] !== undefined && values['--name'] !== undefined) {
    return { ok: false, error: 'give --id or --name, not both' }
  }

  const options: DeployOptions = { help, dryRun, file: values['--file'] ?? DEFAULT_BUILD_FILE, region: regionValue }
  if (values['--id'] !== undefined) options.id = values['--id']
  else options.name = values['--name'] ?? DEFAULT_DISPLAY_NAME
  return { ok: true, options }
}
