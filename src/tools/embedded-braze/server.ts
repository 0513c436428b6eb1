// HTTP plumbing only: reads each request, asks `respond` what to do, then
// answers (late if asked) or resets the connection. Knows nothing of Braze.
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface IncomingCall {
  method: string
  /** Path without the query string. */
  path: string
  headers: IncomingHttpHeaders
  text: string
}

export interface Reply {
  status: number
  headers: Record<string, string>
  payload: string
  delayMs: number
  destroySocket: boolean
}

export interface HttpServer {
  url: string
  close(): Promise<void>
}

export type Respond = (call: IncomingCall) => Reply

export function listen(respond: Respond): Promise<HttpServer> {
  // Pending late answers; close() drops them so it never waits for one.
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    res.on('error', ignore)
    req.on('error', ignore) // the client went away mid-body: nothing to answer
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const reply = safely(respond, {
        method: req.method ?? '',
        path: pathOf(req.url),
        headers: req.headers,
        text: Buffer.concat(chunks).toString('utf8')
      })
      later(timers, reply.delayMs, () => send(req, res, reply))
    })
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ url: `http://127.0.0.1:${port}`, close: () => close(server, timers) })
    })
  })
}

function ignore(): void {}

function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://embedded-braze.invalid').pathname
}

/** A bug in the stand-in shows up as a 500 the test can see, not as a hung request. */
export function safely(respond: Respond, call: IncomingCall): Reply {
  try {
    return respond(call)
  } catch (error) {
    return {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ message: `embedded Braze failed: ${(error as Error).message}` }),
      delayMs: 0,
      destroySocket: false
    }
  }
}

function later(timers: Set<NodeJS.Timeout>, delayMs: number, action: () => void): void {
  if (delayMs <= 0) return action()
  const timer = setTimeout(() => {
    timers.delete(timer)
    action()
  }, delayMs)
  timers.add(timer)
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return
  if (reply.destroySocket) {
    req.socket.destroy()
    return
  }
  // A declared length makes a cut-off JSON body arrive complete-but-broken, as from a real proxy.
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.payload)) })
  res.end(reply.payload)
}

function close(server: ReturnType<typeof createServer>, timers: Set<NodeJS.Timeout>): Promise<void> {
  timers.forEach((timer) => clearTimeout(timer))
  timers.clear()
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    // Keep-alive sockets and requests waiting for a late answer would otherwise hold close() open.
    server.closeAllConnections()
  })
}
