// The deploy command's options and usage text.
import { parseOptions, UsageError } from '../usage'
import { DEFAULT_DISPLAY_NAME } from './function-payload'
import { API_HOSTS, type Region } from './segment-api'

export const TOKEN_VARIABLE = 'SEGMENT_API_TOKEN'

export const USAGE = `Usage: npm run deploy -- [options]
       braze-destination-function deploy [options]

Uploads build/braze-destination.js (of this package, wherever you run the
command) to Segment as a destination function through the Segment Public
API: creates the function if it does not exist yet, otherwise replaces its
code and settings list. It refuses a build that is not what the current
sources build to: run \`npm run build\` first.

Options:
  --name <name>     display name to find or create (default: "${DEFAULT_DISPLAY_NAME}").
                    Segment appends the workspace to a destination function's
                    name, so <name> matches "<name>" and "<name> (<workspace>)".
  --id <dfn_...>    update this function; never creates one
  --file <path>     upload this file as it is instead (not checked against the sources; it
                    must parse as a script that defines a handler)
  --region <us|eu>  workspace region: us = ${API_HOSTS.us.replace('https://', '')} (default),
                    eu = ${API_HOSTS.eu.replace('https://', '')}
  --dry-run         print the requests instead of sending them (no token needed)
  -h, --help        show this help

Environment:
  ${TOKEN_VARIABLE}  a Segment Public API token: in Segment, workspace Settings >
                     Access Management > Tokens > Create Token (a Workspace Owner
                     creates it), with Workspace Owner access, or Workspace Member
                     access with Functions Admin and Source Admin.

Exit codes: 0 done, 1 failed, 2 bad usage.
`

export interface DeployOptions {
  help: boolean
  dryRun: boolean
  /** The file to upload as it is (--file); undefined = the package's build, checked against the sources. */
  file?: string
  region: Region
  /** Exactly one of id / name is set. */
  id?: string
  name?: string
}

const OPTIONS = {
  name: { type: 'string', multiple: true },
  id: { type: 'string', multiple: true },
  file: { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

/** `--flag value` and `--flag=value` both work; anything unknown is a UsageError (exit 2). */
export function parseDeployArgs(args: readonly string[]): DeployOptions {
  const { values, positionals } = parseOptions(args, OPTIONS)
  const one = (flag: 'name' | 'id' | 'file' | 'region'): string | undefined => {
    const given = values[flag]
    if (given === undefined) return undefined
    if (given.length > 1) throw new UsageError(`--${flag} given twice.`)
    const value = given[0]!.trim()
    if (value === '') throw new UsageError(`--${flag} needs a value.`)
    return value
  }
  const options: DeployOptions = { help: values.help === true, dryRun: values['dry-run'] === true, region: 'us' }
  if (options.help) return options
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`)

  const region = (one('region') ?? 'us').toLowerCase()
  if (region !== 'us' && region !== 'eu') throw new UsageError(`--region must be "us" or "eu", not "${one('region')}".`)
  options.region = region
  const id = one('id')
  const name = one('name')
  if (id !== undefined && name !== undefined) throw new UsageError('Give --id or --name, not both.')
  // An id is one segment of the request's path: encodeURIComponent (segment-api.ts) leaves ".." as it is,
  // which would name another resource, and a function's id is a word.
  if (id !== undefined && !/^[A-Za-z0-9_-]+$/.test(id))
    throw new UsageError(`--id takes a function's id, dfn_… (Segment shows it in the function's URL), not "${id.slice(0, 40)}".`)
  const file = one('file')
  if (file !== undefined) options.file = file
  if (id !== undefined) options.id = id
  else options.name = name ?? DEFAULT_DISPLAY_NAME
  return options
}
