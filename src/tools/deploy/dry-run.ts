import type { BuiltFunction } from './build-file'
import { createBody, updateBody } from './function-payload'
import { TOKEN_VARIABLE, type DeployOptions } from './options'
import { functionPath, listFunctionsPath } from './segment-api'

/** The code as a dry run shows it: its size and first line, not 100 KB of JavaScript. */
function summarizeCode(built: BuiltFunction): string {
  const line = built.firstLine.length > 100 ? `${built.firstLine.slice(0, 100)}…` : built.firstLine
  return `<${built.bytes} bytes of JavaScript from ${built.displayPath}${line ? `; first line: ${line}` : ''}>`
}

function showBody(body: { code?: string; settings?: unknown[] }, built: BuiltFunction, settingsShownAbove = false): string {
  const shown: Record<string, unknown> = { ...body, code: summarizeCode(built) }
  if (settingsShownAbove && body.settings) shown.settings = `<the same ${body.settings.length} settings as in 2a>`
  return JSON.stringify(shown, null, 2)
}

const indent = (text: string, by = '   ') => text.replace(/^/gm, by)

/** Query strings are shown decoded (`pagination[count]`); they are sent percent-encoded. */
const showUrl = (baseUrl: string, path: string) => `${baseUrl}${decodeURIComponent(path)}`

/**
 * What `deploy` would send, request by request, without a token or network.
 * The token is never shown, only the header's shape.
 */
export function describeDryRun(options: DeployOptions, built: BuiltFunction, baseUrl: string): string {
  const auth = `Authorization: Bearer $${TOKEN_VARIABLE}`
  const lines = [
    `Dry run: nothing is sent. deploy would make these Segment Public API requests (${baseUrl}),`,
    `each with the header "${auth}" and "Accept: application/json" (and "Content-Type: application/json" with a body):`,
    ''
  ]
  if (options.id !== undefined) {
    const path = functionPath(options.id)
    lines.push(
      `1. Check that ${options.id} exists and is a destination function:`,
      `   GET ${showUrl(baseUrl, path)}`,
      '',
      '2. Replace its code and settings:',
      `   PATCH ${showUrl(baseUrl, path)}`,
      indent(showBody(updateBody(built.code), built))
    )
  } else {
    const name = options.name as string
    lines.push(
      `1. List destination functions, looking for "${name}" or "${name} (<workspace>)":`,
      `   GET ${showUrl(baseUrl, listFunctionsPath())}`,
      '   (repeated with &pagination[cursor]=<data.pagination.next> while Segment returns a next page);',
      `   when none is "${name}" but one may be "${name} (<workspace>)", read the workspace's name:`,
      `   GET ${showUrl(baseUrl, '/')}`,
      '',
      '2a. If none matches, create it:',
      `   POST ${showUrl(baseUrl, '/functions')}`,
      indent(showBody(createBody(built.code, name), built)),
      '',
      '2b. If one matches, update it:',
      `   PATCH ${showUrl(baseUrl, functionPath('<id of the match>'))}`,
      indent(showBody(updateBody(built.code), built, true))
    )
  }
  return `${lines.join('\n')}\n`
}
