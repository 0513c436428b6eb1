import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Writable } from 'node:stream'
import nock from 'nock'
import { SETTING_DEFINITIONS } from '../src/destination/settings'
import { deployCommand } from '../src/tools/deploy/deploy'
import { matchesDisplayName } from '../src/tools/deploy/find-function'
import { DEFAULT_DISPLAY_NAME, FUNCTION_DESCRIPTION } from '../src/tools/deploy/function-payload'
import { functionSettings } from '../src/tools/deploy/function-settings'
import { BUILT_FUNCTION_ENV, builtFunctionFile, shownPath } from '../src/tools/paths'

const US = 'https://api.segmentapis.com'
const EU = 'https://eu1.api.segmentapis.com'
const TOKEN = 'sgp_TEST_token_5f9c2e7a1b'
/** The build of the current sources (test/global-setup.ts makes it): what deploy uploads by default. */
const CODE = fs.readFileSync(builtFunctionFile(), 'utf8')
const LIST_QUERY = { resourceType: 'DESTINATION', 'pagination[count]': '200' }

/** Independent of the code under test: the six FunctionSettingV1 fields of each definition. */
const EXPECTED_SETTINGS = SETTING_DEFINITIONS.map((d) => ({
  name: d.name,
  label: d.label,
  description: d.description,
  type: d.type,
  required: d.required,
  sensitive: d.sensitive
}))

class Sink extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.text += chunk.toString()
    callback()
  }
}

const dirs: string[] = []

/** A working directory somewhere else than the package: deploy finds its build anyway. */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'))
  dirs.push(dir)
  return dir
}

/** Runs `body` with the tools reading the built function from `file` (as the test suite's own build is chosen). */
async function withBuiltFile<T>(file: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env[BUILT_FUNCTION_ENV]
  process.env[BUILT_FUNCTION_ENV] = file
  try {
    return await body()
  } finally {
    process.env[BUILT_FUNCTION_ENV] = saved
  }
}

async function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new Sink()
  const stderr = new Sink()
  const cwd = options.cwd ?? makeProject()
  const env = options.env ?? { SEGMENT_API_TOKEN: TOKEN }
  const code = await deployCommand(args, { stdout, stderr, env, cwd })
  // Whatever happened, the token is never printed.
  expect(stdout.text).not.toContain(TOKEN)
  expect(stderr.text).not.toContain(TOKEN)
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** A nock scope that only matches requests carrying the bearer token. */
const segment = (host = US) => nock(host, { reqheaders: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } })

const fn = (id: string, displayName: string, resourceType = 'DESTINATION') => ({
  id,
  displayName,
  resourceType,
  createdAt: '2024-01-01T00:00:00Z'
})
/** `GET /`: the token's workspace (SDK `model/getWorkspaceV1Output.ts`). */
const workspace = (name: string, host = US) =>
  segment(host)
    .get('/')
    .reply(200, { data: { workspace: { id: 'ws_1', slug: 'acme', name } } })
const listPage = (functions: unknown[], next?: string) => ({
  data: { functions, pagination: { current: 'MA==', ...(next ? { next } : {}), totalEntries: functions.length } }
})

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.restore())
afterEach(() => {
  const pending = nock.pendingMocks()
  nock.cleanAll()
  expect(pending).toEqual([])
})
afterAll(() => {
  nock.enableNetConnect()
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

describe('settings list', () => {
  it('is the six FunctionSettingV1 fields of every SETTING_DEFINITIONS entry, in order', () => {
    expect(functionSettings()).toEqual(EXPECTED_SETTINGS)
    expect(functionSettings().map((s) => s.name)).toEqual(SETTING_DEFINITIONS.map((d) => d.name))
    expect(functionSettings().find((s) => s.name === 'apiKey')).toMatchObject({ sensitive: true, required: true, type: 'STRING' })
  })
})

describe('name rule', () => {
  it('matches the exact name or the name followed by " (<workspace>)"', () => {
    expect(matchesDisplayName('Braze (TypeScript)', 'Braze (TypeScript)', undefined)).toBe('exact')
    expect(matchesDisplayName('Braze (TypeScript) (Acme Prod)', 'Braze (TypeScript)', 'Acme Prod')).toBe('suffixed')
    expect(matchesDisplayName('Braze (TypeScript) (Acme Prod)', 'Braze (TypeScript)', undefined)).toBeUndefined()
    expect(matchesDisplayName('Braze (TypeScript) (Acme)', 'Braze (TypeScript)', 'Acme Prod')).toBeUndefined()
    expect(matchesDisplayName('Braze (TypeScript) v2 (Acme)', 'Braze (TypeScript)', 'Acme')).toBeUndefined()
    expect(matchesDisplayName('braze (typescript) (Acme)', 'Braze (TypeScript)', 'Acme')).toBeUndefined()
    expect(matchesDisplayName('Braze (TypeScript)Acme', 'Braze (TypeScript)', 'Acme')).toBeUndefined()
    // Another function whose own name has parentheses is not this one with a suffix.
    expect(matchesDisplayName('Braze (Legacy) (Acme)', 'Braze', 'Acme')).toBeUndefined()
  })
})

describe('deploy by name', () => {
  it('creates the function when no destination function has the name', async () => {
    let body: unknown
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_other', 'Webhook (Acme)'), fn('dfn_old', 'Braze (TypeScript) v1 (Acme)')]))
    segment()
      .post('/functions', (b) => ((body = b), true))
      .matchHeader('content-type', 'application/json')
      .reply(200, { data: { function: fn('dfn_new', 'Braze (TypeScript) (Acme)') } })

    const result = await run([])

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(body).toEqual({
      code: CODE,
      displayName: DEFAULT_DISPLAY_NAME,
      resourceType: 'DESTINATION',
      description: FUNCTION_DESCRIPTION,
      settings: EXPECTED_SETTINGS
    })
    expect(result.stdout).toContain('Created destination function "Braze (TypeScript) (Acme)" (dfn_new)')
    expect(result.stdout).toMatch(/Next: .*Functions/)
    expect(result.stdout).toMatch(/Connect destination/)
  })

  it('updates the function whose name carries the workspace suffix, found on the second page', async () => {
    let body: unknown
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_a', 'Webhook (Acme)')], 'Mg=='))
    segment()
      .get('/functions')
      .query({ ...LIST_QUERY, 'pagination[cursor]': 'Mg==' })
      .reply(200, listPage([fn('dfn_c', 'Segment Profiles Sync (Acme Prod)'), fn('dfn_b', 'Braze (TypeScript) (Acme Prod)')]))
    workspace('Acme Prod')
    segment()
      .patch('/functions/dfn_b', (b) => ((body = b), true))
      .reply(200, { data: { function: fn('dfn_b', 'Braze (TypeScript) (Acme Prod)') } })

    const result = await run([])

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(body).toEqual({ code: CODE, settings: EXPECTED_SETTINGS })
    expect(result.stdout).toContain('Updated destination function "Braze (TypeScript) (Acme Prod)" (dfn_b)')
    expect(result.stdout).toContain('Save & Deploy')
  })

  it('a list that pages in a circle is refused, not taken as complete (a missed function would be created twice)', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_a', 'Webhook (Acme)')], 'Mg=='))
    segment()
      .get('/functions')
      .query({ ...LIST_QUERY, 'pagination[cursor]': 'Mg==' })
      .reply(200, listPage([fn('dfn_c', 'Other (Acme)')], 'Mg=='))
    const result = await run([])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('the list of functions pages in a circle')
  })

  it('prefers an exact name and uses --name', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_x', 'My Braze (Acme)'), fn('dfn_y', 'My Braze')]))
    segment()
      .patch('/functions/dfn_y')
      .reply(200, { data: { function: fn('dfn_y', 'My Braze') } })

    const result = await run(['--name', 'My Braze'])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('(dfn_y)')
  })

  it('never takes another function whose name holds parentheses for this one: creates it', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_legacy', 'Braze (Legacy) (Acme)')]))
    workspace('Acme')
    let body: { displayName?: string } = {}
    segment()
      .post('/functions', (b) => ((body = b), true))
      .reply(200, { data: { function: fn('dfn_new', 'Braze (Acme)') } })

    const result = await run(['--name', 'Braze'])

    expect(result.code).toBe(0)
    expect(body.displayName).toBe('Braze')
    expect(result.stdout).toContain('Created destination function "Braze (Acme)" (dfn_new)')
  })

  it('refuses to guess when several functions match', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_1', 'Braze (TypeScript) (Acme)'), fn('dfn_2', 'Braze (TypeScript) (Acme)')]))
    workspace('Acme')

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('2 destination functions match the name "Braze (TypeScript)"')
    expect(result.stderr).toContain('dfn_1')
    // They share the name: only an id tells them apart.
    expect(result.stderr).toContain('pass --id <dfn_…> to choose one.')
  })

  it('uses the EU host with --region eu', async () => {
    segment(EU).get('/functions').query(LIST_QUERY).reply(200, listPage([]))
    segment(EU)
      .post('/functions')
      .reply(200, { data: { function: fn('dfn_eu', 'Braze (TypeScript) (Acme EU)') } })

    const result = await run(['--region', 'eu'])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('(dfn_eu) in the EU region')
  })

  it('uploads the file given with --file', async () => {
    const cwd = makeProject()
    const other = '// other build\nasync function onTrack(event, settings) {}\n'
    fs.writeFileSync(path.join(cwd, 'other.js'), other)
    let body: { code?: string } = {}
    segment().get('/functions').query(LIST_QUERY).reply(200, listPage([]))
    segment()
      .post('/functions', (b) => ((body = b), true))
      .reply(200, { data: { function: fn('dfn_f', 'Braze (TypeScript) (Acme)') } })

    const result = await run(['--file=other.js'], { cwd })

    expect(result.code).toBe(0)
    expect(body.code).toBe(other)
  })
})

describe('deploy by --id', () => {
  it('checks the function and updates it', async () => {
    let body: unknown
    segment()
      .get('/functions/dfn_9')
      .reply(200, { data: { function: fn('dfn_9', 'Braze (TypeScript) (Acme)') } })
    segment()
      .patch('/functions/dfn_9', (b) => ((body = b), true))
      .reply(200, { data: { function: fn('dfn_9', 'Braze (TypeScript) (Acme)') } })

    const result = await run(['--id', 'dfn_9'])

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(body).toEqual({ code: CODE, settings: EXPECTED_SETTINGS })
    expect(result.stdout).toContain('Updated destination function "Braze (TypeScript) (Acme)" (dfn_9)')
  })

  it('reports a missing function (404)', async () => {
    segment()
      .get('/functions/dfn_missing')
      .reply(404, { errors: [{ type: 'not-found', message: 'Resource not found', status: 404 }] })

    const result = await run(['--id', 'dfn_missing'])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no function with id dfn_missing')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses to overwrite a source function', async () => {
    segment()
      .get('/functions/sfnc_1')
      .reply(200, { data: { function: fn('sfnc_1', 'Importer', 'SOURCE') } })

    const result = await run(['--id', 'sfnc_1'])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is a SOURCE function, not a destination function')
  })
})

describe('dry run', () => {
  it('prints the lookup, create and update requests without a token or network', async () => {
    const result = await run(['--dry-run'], { env: {} })

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`GET ${US}/functions?resourceType=DESTINATION&pagination[count]=200`)
    expect(result.stdout).toContain(`POST ${US}/functions`)
    expect(result.stdout).toContain(`PATCH ${US}/functions/`)
    expect(result.stdout).toContain(
      `<${Buffer.byteLength(CODE)} bytes of JavaScript from ${shownPath(builtFunctionFile())}; first line: Braze Destination Function for Segment, v`
    )
    expect(result.stdout).not.toContain('async function onTrack')
    expect(result.stdout).toContain('"resourceType": "DESTINATION"')
    expect(result.stdout).toContain(`"displayName": "${DEFAULT_DISPLAY_NAME}"`)
    // The settings list in full.
    const settingsJson = JSON.stringify(EXPECTED_SETTINGS, null, 2).split('\n').slice(1, -1)
    for (const line of settingsJson) expect(result.stdout).toContain(line)
  })

  it('shows the --id requests on the EU host and never the token', async () => {
    const result = await run(['--dry-run', '--id', 'dfn_9', '--region', 'eu'])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`GET ${EU}/functions/dfn_9`)
    expect(result.stdout).toContain(`PATCH ${EU}/functions/dfn_9`)
    expect(result.stdout).not.toContain('POST')
    expect(result.stdout).toContain('Bearer $SEGMENT_API_TOKEN')
    for (const line of JSON.stringify(EXPECTED_SETTINGS, null, 2).split('\n').slice(1, -1)) expect(result.stdout).toContain(line)
  })
})

describe('failures', () => {
  it('needs SEGMENT_API_TOKEN and says where to create one (exit 2: usage)', async () => {
    const result = await run([], { env: {} })

    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('SEGMENT_API_TOKEN is not set')
    expect(result.stderr).toContain('Access Management > Tokens')
    expect(result.stderr).toContain('Public API')
  })

  it('explains a 401', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(401, { errors: [{ type: 'unauthorized', message: 'Unauthorized' }] })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Segment rejected the token (HTTP 401): Unauthorized')
    expect(result.stderr).toContain('--region eu')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('explains a 403 on the update', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_b', 'Braze (TypeScript) (Acme)')]))
    workspace('Acme')
    segment()
      .patch('/functions/dfn_b')
      .reply(403, { errors: [{ type: 'forbidden', message: 'Forbidden: token lacks functions write access' }] })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Segment rejected the token (HTTP 403): Forbidden: token lacks functions write access')
  })

  it('refuses a token with a line break or a space, without printing it', async () => {
    for (const token of [`${TOKEN}\nSECOND_LINE`, `${TOKEN} ${TOKEN}`]) {
      const result = await run(['--id', 'dfn_1'], { env: { SEGMENT_API_TOKEN: token } })
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        'deploy: SEGMENT_API_TOKEN holds a space, a line break or another character no token has: copy the token again.\n'
      )
    }
  })

  it('never prints the token, even when Segment echoes it', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(401, { errors: [{ type: 'unauthorized', message: `invalid token ${TOKEN}` }] })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('invalid token ***')
  })

  it('explains a 429 with the wait time', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(429, { errors: [{ type: 'RequestError', message: 'Too many requests', data: { msBeforeNext: 57647 } }] })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('rate limit was reached (HTTP 429)')
    expect(result.stderr).toContain('try again in 58 s')
  })

  it('reads the wait from X-RateLimit-Reset, a date as Segment documents it', async () => {
    const reset = new Date(Date.now() + 120_000).toUTCString()
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(429, { errors: [{ type: 'RequestError', message: 'Too many requests' }] }, { 'X-RateLimit-Reset': reset })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/try again in (11[5-9]|120) s/)
  })

  it('asks again after a short 429 on a read, and carries on', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(429, { errors: [{ type: 'RequestError', message: 'Too many requests', data: { msBeforeNext: 20 } }] })
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(200, listPage([fn('dfn_b', 'Braze (TypeScript)')]))
    segment()
      .patch('/functions/dfn_b')
      .reply(200, { data: { function: fn('dfn_b', 'Braze (TypeScript)') } })

    const result = await run([])

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })

  it('never prints part of the token, even when a long error body echoes it past the part shown', async () => {
    segment()
      .get('/functions')
      .query(LIST_QUERY)
      .reply(502, `${'x'.repeat(170)} bad token ${TOKEN}`)

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).not.toContain(TOKEN.slice(0, 8))
  })

  it('explains a 5xx', async () => {
    segment().get('/functions').query(LIST_QUERY).reply(503, 'upstream unavailable')

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Segment's Public API failed (HTTP 503)")
    expect(result.stderr).toContain('upstream unavailable')
  })

  it('explains a 422 on create', async () => {
    segment().get('/functions').query(LIST_QUERY).reply(200, listPage([]))
    segment()
      .post('/functions')
      .reply(422, { errors: [{ type: 'validation', message: 'code is invalid', field: 'code' }] })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Segment refused POST /functions (HTTP 422)')
    expect(result.stderr).toContain('code is invalid (field code)')
  })

  it('explains a network failure', async () => {
    segment().get('/functions').query(LIST_QUERY).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Could not reach the Segment Public API')
    expect(result.stderr).toContain('socket hang up')
  })

  it('explains an answer without data', async () => {
    segment().get('/functions').query(LIST_QUERY).reply(200, '<html>maintenance</html>')

    const result = await run([])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Unexpected answer from the Segment Public API')
  })

  it('refuses a build that is not what the current sources build to, in dry runs too', async () => {
    const stale = path.join(makeProject(), 'braze-destination.js')
    fs.writeFileSync(
      stale,
      CODE.replace('async function onTrack(event, settings) {', 'async function onTrack(event, settings) {\n  // edited by hand')
    )

    const result = await withBuiltFile(stale, () => run(['--dry-run'], { env: {} }))

    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `deploy: ${stale} is stale: it is not what the current sources (functions/, src/destination/) build to. Run npm run build, then deploy.\n`
    )
  })

  it('accepts the current build whatever its timestamps (a fresh checkout writes build/ before src/)', async () => {
    const checkedOut = path.join(makeProject(), 'braze-destination.js')
    fs.writeFileSync(checkedOut, CODE)
    const longAgo = new Date(Date.now() - 365 * 24 * 3600 * 1000)
    fs.utimesSync(checkedOut, longAgo, longAgo)

    const result = await withBuiltFile(checkedOut, () => run(['--dry-run'], { env: {} }))

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })

  it('reports a missing build file', async () => {
    const missing = path.join(makeProject(), 'nothing-here.js')
    const result = await withBuiltFile(missing, () => run([]))

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`${missing} not found: run npm run build first`)
  })

  it('a --file that names nothing is bad usage (exit 2)', async () => {
    const result = await run(['--dry-run', '--file', 'nope.js'], { cwd: makeProject(), env: {} })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('deploy: nope.js not found: check the --file path.\n')
  })

  it('a --file that cannot be read says why, not that it is missing', async () => {
    const cwd = makeProject()
    fs.symlinkSync('loop-b.js', path.join(cwd, 'loop-a.js'))
    fs.symlinkSync('loop-a.js', path.join(cwd, 'loop-b.js'))
    const result = await run(['--dry-run', '--file', 'loop-a.js'], { cwd, env: {} })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('deploy: loop-a.js cannot be read (ELOOP).\n')
  })

  it('uploads a --file as it is, without comparing it to the sources', async () => {
    const cwd = makeProject()
    fs.writeFileSync(path.join(cwd, 'old.js'), '// an older build\nasync function onIdentify(event, settings) {}\n')
    const result = await run(['--dry-run', '--file', 'old.js'], { cwd, env: {} })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('bytes of JavaScript from old.js; first line: an older build>')
  })

  it.each([
    [
      'a TypeScript source',
      'handlers.ts',
      'export async function onTrack(event: unknown): Promise<void> {}\n',
      "deploy: handlers.ts is not JavaScript Segment can run (Unexpected token 'export' on line 1): deploy uploads the built script.\n"
    ],
    [
      'a script cut short',
      'cut.js',
      'async function onTrack(event) {\n  const body = {\n',
      "deploy: cut.js is not JavaScript Segment can run (Unexpected token ')' at the end of the file): deploy uploads the built script.\n"
    ],
    [
      'a handler named only in a comment',
      'notes.js',
      '// TODO: write onTrack\nconst answer = 42\n',
      "deploy: notes.js defines none of Segment's handlers (onIdentify, onTrack, onPage, onScreen, onGroup, onAlias, onDelete, onBatch): deploy uploads the built script.\n"
    ],
    [
      'events saved as JSON (valid JavaScript, but no handler)',
      'events.json',
      '[{"type": "track", "event": "onTrackless"}]\n',
      "deploy: events.json defines none of Segment's handlers (onIdentify, onTrack, onPage, onScreen, onGroup, onAlias, onDelete, onBatch): deploy uploads the built script.\n"
    ]
  ])('a --file Segment could not run is refused as bad usage (exit 2): %s', async (_name, file, content, message) => {
    const cwd = makeProject()
    fs.writeFileSync(path.join(cwd, file), content)
    const result = await run(['--dry-run', '--file', file], { cwd, env: {} })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(message)
  })
})

describe('usage', () => {
  it('prints help', async () => {
    const result = await run(['--help'], { env: {} })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: npm run deploy')
    expect(result.stdout).toContain('SEGMENT_API_TOKEN')
  })

  it.each([
    [['--force'], "Unknown option '--force'."],
    [['extra'], 'Unexpected argument "extra".'],
    [['--region', 'ap'], '--region must be "us" or "eu", not "ap".'],
    [['--id'], "Option '--id <value>' argument missing."],
    [['--id', ' '], '--id needs a value.'],
    [['--id', 'dfn_1', '--id', 'dfn_2'], '--id given twice.'],
    [['--id', 'dfn_1', '--name', 'x'], 'Give --id or --name, not both.'],
    [['--id', 'dfn_1/../sources'], '--id takes a function\'s id, dfn_… (Segment shows it in the function\'s URL), not "dfn_1/../sources".'],
    [['--id', '..'], '--id takes a function\'s id, dfn_… (Segment shows it in the function\'s URL), not "..".']
  ])('rejects %j with exit code 2', async (args, message) => {
    const result = await run(args)

    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
  })
})
