// The public shapes of the embedded Braze stand-in. Other tools and tests code
// against exactly these, so they change only together with their users.
import type { IncomingCall, Reply } from './server'

export interface EmbeddedBrazeOptions {
  /** The only Bearer key accepted; anything else gets a 401. */
  apiKey: string
  /** Delay before answering each request, in milliseconds (default 0). */
  latencyMs?: number
  /**
   * Combined attributes + events + purchases objects allowed in one
   * /users/track request. Default 75, Braze's default
   * (https://www.braze.com/docs/api/api_limits/); 225 leaves only the
   * 75-per-type limits of legacy rate limits; 50 mimics an account that takes
   * fewer (what Braze's docs once gave "MAU CY 24-25" contracts).
   */
  maxObjectsPerRequest?: number
  /**
   * How many of the latest requests `requests` keeps (default 10,000; 0 keeps
   * none). Older ones are dropped, so a long run stays in flat memory.
   */
  maxRecordedRequests?: number
  /**
   * How many of its latest events, and of its latest purchases, each profile
   * keeps in full (default 20). Counts always cover everything.
   */
  recentHistory?: number
  /**
   * How many events and purchases all profiles together keep in full
   * (default 100,000, about 25 MB); the oldest go first.
   */
  recentHistoryTotal?: number
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  /** The parsed JSON body, or the raw text when it was not JSON (undefined when empty). */
  body: unknown
  /** 0 when the connection was reset instead of answered. */
  status: number
  /** The JSON answer, the raw text of a scripted raw body, or undefined. */
  response: unknown
}

export interface UserAlias {
  alias_name: string
  alias_label: string
}

export interface BrazeEvent {
  name: string
  time: string
  app_id?: string
  properties?: Record<string, unknown>
}

export interface BrazePurchase {
  product_id: string
  currency: string
  price: number
  quantity: number
  time: string
  app_id?: string
  properties?: Record<string, unknown>
}

export interface BrazeProfile {
  identifiers: {
    external_id?: string
    braze_id: string
    email?: string
    phone?: string
    user_aliases: UserAlias[]
  }
  attributes: Record<string, unknown>
  /**
   * The most recent events only, oldest first: at most `recentHistory` of
   * them, fewer once the store holds `recentHistoryTotal`. The counts cover
   * every event.
   */
  events: BrazeEvent[]
  /** The most recent purchase objects only, bounded as `events` is. */
  purchases: BrazePurchase[]
  /** Every event ever recorded on this profile, including those of profiles merged into it. */
  eventCount: number
  /** Every purchase object ever recorded (a quantity of 3 is one object). */
  purchaseCount: number
  /** Events recorded, by event name. */
  eventCounts: Record<string, number>
  /** Purchase objects recorded, by product_id. */
  purchaseCounts: Record<string, number>
  /** When Braze last changed this profile (ISO 8601): what `most_recently_updated` compares. */
  updatedAt: string
}

export interface ProfileQuery {
  external_id?: string
  email?: string
  phone?: string
  braze_id?: string
  user_alias?: UserAlias
}

export interface ScriptedResponse {
  status: number
  /** Sent as JSON. */
  body?: unknown
  /** Sent verbatim (HTML error pages, truncated JSON); wins over `body`. */
  rawBody?: string
  headers?: Record<string, string>
  /** Answer this late; replaces `latencyMs` for this answer. */
  delayMs?: number
  /** Reset the connection (after `delayMs`) instead of answering. */
  destroySocket?: boolean
}

export interface EmbeddedBraze {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string
  /**
   * The answer the server would give to this call, without HTTP (a replay's
   * threads post their requests here). Recorded like any other request.
   */
  answer(call: IncomingCall): Reply
  /** The latest requests received (see `maxRecordedRequests`), in order. */
  requests: RecordedRequest[]
  /** Every profile known, in creation order (copies: mutating them changes nothing). */
  profiles(): BrazeProfile[]
  /** How many profiles exist, without copying them. */
  profileCount(): number
  /** The first profile matching every identifier given in the query (a copy). */
  profile(query: ProfileQuery): BrazeProfile | undefined
  /** The next N requests get these answers instead of the normal behaviour. */
  enqueue(...responses: ScriptedResponse[]): void
  /** Forget requests, profiles and queued responses. */
  reset(): void
  close(): Promise<void>
}
