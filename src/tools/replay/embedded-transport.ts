// The function's `fetch` when a replay targets the embedded Braze: each
// request reaches the stand-in in the main thread as a message (or a plain
// call with --workers 0) instead of over loopback HTTP. Measured on 2 cores,
// HTTP's client and server cost a third of a replay's CPU, more than the
// stand-in itself; the function still gets a node-fetch Response, as in
// Segment. --live keeps HTTP (transport.ts).
import { FetchError, Response } from 'node-fetch'
import type { IncomingCall, Reply } from '../embedded-braze'
import type { FetchInit } from '../segment-runtime'

/** Answers a call: the embedded Braze's `answer`, in this thread or across a message port. */
export type AskBraze = (call: IncomingCall) => Reply | Promise<Reply>

export function embeddedFetch(ask: AskBraze): (url: string, init: FetchInit) => Promise<Response> {
  return async (url, init) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value
    const reply = await ask({
      method: init.method ?? 'GET',
      path: new URL(url).pathname,
      headers,
      text: typeof init.body === 'string' ? init.body : ''
    })
    if (reply.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
    // What node-fetch reports when the server resets the connection.
    if (reply.destroySocket) {
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
      throw new FetchError(`request to ${url} failed, reason: ${reset.message}`, 'system', reset)
    }
    return new Response(reply.payload, { status: reply.status, headers: reply.headers })
  }
}
