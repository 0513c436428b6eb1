// The public face of the embedded Braze stand-in: a loopback HTTP server that
// answers like Braze's REST API and keeps the profiles it builds, for tests
// and for `npm start`; replay asks it the same questions without HTTP (`answer`).
import { createDispatchState, dispatch } from './dispatch'
import { ProfileStore, publicProfile } from './profiles'
import { MAX_OBJECTS_PER_TYPE } from '../../destination/braze-limits'
import { listen, safely } from './server'
import type { IncomingCall } from './server'
import type { EmbeddedBraze, EmbeddedBrazeOptions } from './types'

export type { IncomingCall, Reply } from './server'
export type { BrazeProfile, EmbeddedBraze, EmbeddedBrazeOptions } from './types'

/** Listens on 127.0.0.1 on a free port. */
export async function startEmbeddedBraze(options: EmbeddedBrazeOptions): Promise<EmbeddedBraze> {
  checkOptions(options)
  const store = new ProfileStore({
    recentHistory: options.recentHistory,
    recentHistoryTotal: options.recentHistoryTotal
  })
  const state = createDispatchState({
    apiKey: options.apiKey,
    latencyMs: options.latencyMs ?? 0,
    maxObjectsPerRequest: options.maxObjectsPerRequest ?? MAX_OBJECTS_PER_TYPE,
    maxRecordedRequests: options.maxRecordedRequests,
    store
  })
  const respond = (call: IncomingCall) => dispatch(state, call)
  const server = await listen(respond)
  return {
    url: server.url,
    answer: (call) => safely(respond, call),
    requests: state.requests,
    // Copies, so that a test poking at a profile cannot change what Braze "knows".
    profiles: () => Array.from(store.all(), publicProfile),
    profileCount: () => store.size,
    profile: (query) => {
      const found = store.query(query)
      return found && publicProfile(found)
    },
    enqueue: (...responses) => {
      state.scripted.push(...responses)
    },
    reset: () => {
      // Emptied in place: callers may hold on to the `requests` array.
      state.requests.length = 0
      state.scripted.length = 0
      store.clear()
      state.trackWindow.reset()
      state.usersWindow.reset()
    },
    close: () => server.close()
  }
}

/** A typo in a test's setup should fail there, not as a puzzling 401 or 400 later. */
function checkOptions(options: EmbeddedBrazeOptions): void {
  const { apiKey, latencyMs = 0, maxObjectsPerRequest = 1 } = options
  if (typeof apiKey !== 'string' || apiKey.length === 0) throw new TypeError('embedded Braze needs a non-empty apiKey')
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError('latencyMs must be a number >= 0')
  if (!Number.isInteger(maxObjectsPerRequest) || maxObjectsPerRequest < 1) {
    throw new RangeError('maxObjectsPerRequest must be a positive integer')
  }
  for (const name of ['maxRecordedRequests', 'recentHistory', 'recentHistoryTotal'] as const) {
    const value = options[name] ?? 0
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0`)
  }
}
