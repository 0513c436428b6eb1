// The value every endpoint handler returns: what to answer, before the HTTP
// layer adds headers, delays and recording.
export interface Answer {
  status: number
  body: Record<string, unknown>
}

export function answer(status: number, body: Record<string, unknown>): Answer {
  return { status, body }
}

export function badRequest(message: string, errors?: string[]): Answer {
  return answer(400, errors && errors.length > 0 ? { message, errors } : { message })
}
