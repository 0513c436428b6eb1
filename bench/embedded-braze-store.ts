// Micro-benchmark of the embedded Braze alone: N /users/track objects across
// U users, sent straight to its request dispatcher (JSON parsing, validation,
// request log and profile store; no HTTP, no function). It answers one
// question: can the stand-in keep up with a 1 M-event replay in flat memory?
//
//   npx tsx bench/embedded-braze-store.ts [objects=1000000] [users=20000] [recentHistory=20] [recentHistoryTotal=100000]
//
// Prints wall and CPU time, the time spent inside the dispatcher, peak RSS,
// and (with node --expose-gc) the live heap the store holds at the end.
import { createDispatchState, dispatch } from '../src/tools/embedded-braze/dispatch'
import { ProfileStore, publicProfile } from '../src/tools/embedded-braze/profiles'
import { Rng } from './prng'

const [objects = 1_000_000, users = 20_000, recentHistory = 20, recentHistoryTotal = 100_000] = process.argv.slice(2).map(Number)
const API_KEY = 'bench-key'
// The shape of what the function sends: up to 75 of each type per request.
const PER_REQUEST = { attributes: 20, events: 45, purchases: 10 }
const NAMES = ['Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started', 'Signed In', 'Page Viewed']
const PRODUCTS = Array.from({ length: 50 }, (_, i) => `sku-${100 + i}`)

const rng = new Rng(20240501)
const start = Date.parse('2024-05-01T00:00:00Z')
let seq = 0

/** Mostly identified users; a few anonymous visitors (alias) and email-only leads, as a real stream has. */
function identifier(): Record<string, unknown> {
  const user = rng.int(users)
  const roll = rng.next()
  const fewer = Math.floor(user / 10)
  if (roll < 0.05) return { user_alias: { alias_name: `anon-${fewer}`, alias_label: 'segment_anonymous_id' }, _update_existing_only: false }
  if (roll < 0.06) return { email: `lead-${fewer}@example.com` }
  return { external_id: `user_${user}` }
}

function time(): string {
  seq += 1
  return new Date(start + seq * 150).toISOString()
}

function attributes(): Record<string, unknown> {
  const { _update_existing_only: _ignored, ...id } = identifier()
  return {
    ...id,
    ...('user_alias' in id ? { _update_existing_only: false } : {}),
    first_name: rng.pick(['Ada', 'Grace', 'Alan', 'Barbara']),
    plan: rng.pick(['free', 'basic', 'pro']),
    lifetime_value: Math.round(rng.next() * 50000) / 100,
    segment_audiences: { add: [rng.pick(['vip', 'churn_risk', 'recent_purchasers'])] }
  }
}

function event(): Record<string, unknown> {
  return {
    ...identifier(),
    name: rng.pick(NAMES),
    time: time(),
    properties: { product_id: rng.pick(PRODUCTS), price: Math.round(rng.next() * 10000) / 100, category: 'shoes', page: rng.int(40) }
  }
}

function purchase(): Record<string, unknown> {
  return {
    ...identifier(),
    product_id: rng.pick(PRODUCTS),
    currency: 'USD',
    price: Math.round(rng.next() * 10000) / 100,
    quantity: 1 + rng.int(3),
    time: time(),
    properties: { order_id: `o-${seq}` }
  }
}

const store = new ProfileStore({ recentHistory, recentHistoryTotal })
// Replay does not read the request log; recording none is what a long run should do.
const state = createDispatchState({ apiKey: API_KEY, latencyMs: 0, maxObjectsPerRequest: 225, maxRecordedRequests: 0, store })
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }

let sent = 0
let requests = 0
let inDispatch = 0
let peakRss = 0
const began = performance.now()
const cpuBefore = process.cpuUsage()
while (sent < objects) {
  const left = objects - sent
  const a = Math.min(PER_REQUEST.attributes, left)
  const e = Math.min(PER_REQUEST.events, left - a)
  const p = Math.min(PER_REQUEST.purchases, left - a - e)
  const body = {
    attributes: Array.from({ length: a }, attributes),
    events: Array.from({ length: e }, event),
    purchases: Array.from({ length: p }, purchase)
  }
  const text = JSON.stringify(body)
  const t0 = performance.now()
  const reply = dispatch(state, { method: 'POST', path: '/users/track', headers, text })
  inDispatch += performance.now() - t0
  if (reply.status !== 201 || reply.payload.includes('errors')) throw new Error(`unexpected answer: ${reply.payload}`)
  sent += body.attributes.length + body.events.length + body.purchases.length
  requests += 1
  if (requests % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
}
const seconds = (performance.now() - began) / 1000
const cpu = process.cpuUsage(cpuBefore)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)
// With --expose-gc: what the store itself holds once the garbage is gone.
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const storeHeap = process.memoryUsage().heapUsed

const readStarted = performance.now()
const profiles = Array.from(store.all(), publicProfile)
const readSeconds = (performance.now() - readStarted) / 1000
const events = profiles.reduce((sum, profile) => sum + profile.eventCount, 0)

const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`
console.log(
  `objects            ${sent.toLocaleString('en')} in ${requests.toLocaleString('en')} requests, ${users.toLocaleString('en')} users, recentHistory ${recentHistory}, recentHistoryTotal ${recentHistoryTotal.toLocaleString('en')}`
)
console.log(
  `wall time          ${seconds.toFixed(1)} s (${Math.round(sent / seconds).toLocaleString('en')} objects/s, incl. generating the requests)`
)
console.log(`CPU time           ${cpuSeconds.toFixed(1)} s (user + system; on a busy machine a steadier figure than wall time)`)
console.log(
  `inside dispatch    ${(inDispatch / 1000).toFixed(1)} s (${Math.round(sent / (inDispatch / 1000)).toLocaleString('en')} objects/s: parse, validate, store)`
)
console.log(
  `profiles           ${profiles.length.toLocaleString('en')} (${events.toLocaleString('en')} events counted), read back in ${readSeconds.toFixed(1)} s`
)
console.log(
  `peak RSS           ${mb(peakRss)} while applying (${mb(process.resourceUsage().maxRSS * 1024)} after reading every profile back)`
)
console.log(`heap after apply   ${mb(storeHeap)}${gc ? ' (after a full GC)' : ' (run with node --expose-gc for the live size)'}`)
