// Calls an embedded Braze the way the function does (HTTP on 127.0.0.1,
// Bearer key, JSON), for suites that test the stand-in's rules.
import type { EmbeddedBraze } from '../../src/tools/embedded-braze'

export interface BrazeAnswer {
  status: number
  json: any
}

export function brazeClient(braze: () => EmbeddedBraze, apiKey: string) {
  return async function post(path: string, body: unknown): Promise<BrazeAnswer> {
    const response = await fetch(`${braze().url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    const text = await response.text()
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
  }
}
