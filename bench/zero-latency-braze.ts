// A Braze that answers every request at once with success, over HTTP on
// 127.0.0.1: the "local zero-latency server" that --live is measured
// against. It reads each body (as Braze must) but keeps nothing. Run as a
// script it listens and prints its URL on stdout; the bench starts it in a
// process of its own, so that its work is not counted as replay's.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const SUCCESS = JSON.stringify({ message: 'success' })

export function startZeroLatencyBraze(port = 0): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0
  const server = createServer((request, response) => {
    request.on('data', () => undefined)
    request.on('end', () => {
      requests++
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(SUCCESS) })
      response.end(SUCCESS)
    })
  })
  server.keepAliveTimeout = 60_000
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo
      resolve({ url: `http://127.0.0.1:${actual}`, server, requests: () => requests })
    })
  })
}

if (require.main === module) {
  void startZeroLatencyBraze().then(({ url, requests }) => {
    process.stdout.write(`${url}\n`)
    process.on('SIGTERM', () => {
      process.stderr.write(`zero-latency Braze: ${requests()} requests\n`)
      process.exit(0)
    })
  })
}
