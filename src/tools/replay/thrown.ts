// The name and message of something a handler threw. The function runs in a
// `node:vm` context, so its errors are instances of *that* context's Error:
// `instanceof Error` is false here. Read the fields instead.
export function thrownParts(error: unknown): { name: string; message: string } {
  if (error !== null && typeof error === 'object') {
    const { name, message } = error as { name?: unknown; message?: unknown }
    if (typeof name === 'string' && typeof message === 'string') return { name, message }
  }
  return { name: typeof error, message: String(error) }
}
