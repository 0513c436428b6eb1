import type { CommandIO } from '../command-io'
import { readBuiltFunction, type BuiltFunction } from './build-file'
import { describeDryRun } from './dry-run'
import { DeployError, explainApiError } from './errors'
import { findByDisplayName, mayBeSuffixed } from './find-function'
import { createBody, updateBody } from './function-payload'
import { functionSettings } from './function-settings'
import { parseDeployArgs, TOKEN_VARIABLE, USAGE, type DeployOptions } from './options'
import { UsageError } from '../usage'
import { API_HOSTS, SegmentApi, SegmentApiError, type SegmentFunction } from './segment-api'

export type { CommandIO } from '../command-io'

/** Test seam: everything else comes from `io`. */
export interface DeployDependencies {
  fetch?: typeof fetch
  timeoutMs?: number
}

const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

const NO_TOKEN =
  `${TOKEN_VARIABLE} is not set. Create a Public API token in Segment (workspace Settings > Access Management > Tokens > ` +
  `Create Token, type "Public API", with Workspace Owner access, or Workspace Member access with Functions Admin and Source Admin) and run: ${TOKEN_VARIABLE}=<token> npm run deploy ` +
  '(or try --dry-run, which needs no token).'

/**
 * `deploy`: push the built function to Segment through the Public API.
 * Returns the exit code; expected failures print one line to stderr and
 * never throw. The token is never printed: every line goes through `redact`.
 */
export async function deployCommand(args: string[], io: CommandIO, deps: DeployDependencies = {}): Promise<number> {
  const token = io.env[TOKEN_VARIABLE]?.trim() || undefined
  // Belt and braces: nothing interpolates the token, but an echo in a Segment error would be caught here.
  const redact = (text: string) => (token !== undefined && token.length >= 6 ? text.split(token).join('***') : text)
  const out = (text: string) => void io.stdout.write(redact(text))
  // Redacted before the line breaks are folded: a token holding one would no longer be found.
  const fail = (text: string, code: number) => {
    io.stderr.write(`deploy: ${redact(text).replace(/\s*\n\s*/g, ' ')}\n`)
    return code
  }

  let options: DeployOptions
  try {
    options = parseDeployArgs(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return fail(`${error.message} (see deploy --help)`, EXIT_USAGE)
  }
  if (options.help) {
    out(USAGE)
    return EXIT_OK
  }

  try {
    const built = await readBuiltFunction(io.cwd, options.file)
    const baseUrl = API_HOSTS[options.region]
    if (options.dryRun) {
      out(describeDryRun(options, built, baseUrl))
      return EXIT_OK
    }
    // A missing or malformed token is a usage error (exit 2): the command was not given what it needs.
    if (token === undefined) throw new UsageError(NO_TOKEN)
    // An HTTP header cannot hold it, and fetch's complaint would quote it.
    if (!/^[\x21-\x7e]+$/.test(token))
      throw new UsageError(`${TOKEN_VARIABLE} holds a space, a line break or another character no token has: copy the token again.`)

    const api = new SegmentApi({ baseUrl, token, fetch: deps.fetch, timeoutMs: deps.timeoutMs })
    const result = await deploy(api, options, built)
    out(report(result, built, options))
    return EXIT_OK
  } catch (error) {
    if (error instanceof DeployError) return fail(error.message, EXIT_FAILED)
    if (error instanceof UsageError) return fail(error.message, EXIT_USAGE)
    // Not expected, but a CLI should still end with a sentence, not a stack trace.
    return fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, EXIT_FAILED)
  }
}

interface DeployResult {
  action: 'created' | 'updated'
  fn: SegmentFunction
}

/** The API conversation: find (by id or name), then create or update. */
async function deploy(api: SegmentApi, options: DeployOptions, built: BuiltFunction): Promise<DeployResult> {
  const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (error) {
      if (error instanceof SegmentApiError) throw new DeployError(explainApiError(error, what))
      throw error
    }
  }

  if (options.id !== undefined) {
    const id = options.id
    const existing = await step(`looking up function ${id}`, () => api.getFunction(id))
    if (existing === undefined) {
      throw new DeployError(
        `no function with id ${id} in this workspace (HTTP 404): check the id (Segment shows it in the function's URL, dfn_…) and --region.`
      )
    }
    if (existing.resourceType !== undefined && existing.resourceType !== 'DESTINATION') {
      throw new DeployError(
        `function ${id} is a ${existing.resourceType} function, not a destination function: refusing to replace its code.`
      )
    }
    const fn = await step(`updating function ${id}`, () => api.updateFunction(id, updateBody(built.code)))
    return { action: 'updated', fn: withFallbackName(fn, existing.displayName) }
  }

  const name = options.name as string
  const functions = await step('listing destination functions', () => api.listDestinationFunctions())
  const exact = functions.some((fn) => fn.displayName === name)
  const workspace =
    !exact && mayBeSuffixed(functions, name) ? await step('reading the workspace name', () => api.workspaceName()) : undefined
  const lookup = findByDisplayName(functions, name, workspace)
  if (lookup.kind === 'ambiguous') {
    const list = lookup.candidates.map((fn) => `${fn.id} "${fn.displayName}"`).join(', ')
    throw new DeployError(
      `${lookup.candidates.length} destination functions match the name "${name}" (${list}): pass --id <dfn_…> to choose one.`
    )
  }
  if (lookup.kind === 'found') {
    const { id, displayName } = lookup.fn
    const fn = await step(`updating function ${id}`, () => api.updateFunction(id, updateBody(built.code)))
    return { action: 'updated', fn: withFallbackName(fn, displayName) }
  }
  const fn = await step(`creating function "${name}"`, () => api.createFunction(createBody(built.code, name)))
  return { action: 'created', fn: withFallbackName(fn, name) }
}

const withFallbackName = (fn: SegmentFunction, name: string | undefined): SegmentFunction =>
  fn.displayName !== undefined || name === undefined ? fn : { ...fn, displayName: name }

function report({ action, fn }: DeployResult, built: BuiltFunction, options: DeployOptions): string {
  const kb = (built.bytes / 1024).toFixed(1)
  const settings = functionSettings().length
  const head = `${action === 'created' ? 'Created' : 'Updated'} destination function "${fn.displayName ?? ''}" (${fn.id}) in the ${options.region.toUpperCase()} region: ${kb} KB of code from ${built.displayPath}, ${settings} settings.`
  const next =
    action === 'created'
      ? [
          'Next: in Segment, open Connections > Catalog > Functions > this function, fill its settings (API Key, Data Center, …)',
          'on the Test tab and test it with a sample event, then use "Connect destination" to connect it to a source',
          '(and, in Engage, to audiences and computed traits). Later runs of npm run deploy update this function.'
        ]
      : [
          'Next: in Segment, open Connections > Catalog > Functions > this function, check the code and test it with a sample event,',
          'and press "Save & Deploy" to deploy it. Segment saves an update as a new version and documents a deploy as a step of',
          'its own (https://segment.com/docs/connections/functions/environment/), but its older Config API said destination',
          'function updates go live at once: test with npm test and npm start before you deploy to a function that has traffic.'
        ]
  return `${head}\n${next.join('\n')}\n`
}
