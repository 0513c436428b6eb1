import { SegmentApiError } from './segment-api'
import { TOKEN_VARIABLE } from './options'

/** An expected failure: its message is printed as is, on one line, and deploy exits 1. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DeployError'
  }
}

const TOKEN_HINT =
  `check that ${TOKEN_VARIABLE} is a Public API token of the workspace you deploy to (a Workspace Owner creates it), ` +
  'with Workspace Owner access or a member role with Functions Admin and Source Admin, and that the Functions feature is enabled there; ' +
  'EU workspaces need --region eu'

/**
 * One readable sentence for a failed Public API call. `what` says what deploy
 * was doing ("looking up destination functions").
 */
export function explainApiError(error: SegmentApiError, what: string): string {
  const { failure, request } = error
  switch (failure.kind) {
    case 'http': {
      const detail = failure.detail || 'no details'
      if (failure.status === 401 || failure.status === 403) {
        return `Segment rejected the token (HTTP ${failure.status}): ${detail}. Hint: ${TOKEN_HINT}.`
      }
      if (failure.status === 429) {
        const wait =
          failure.retryAfterMs !== undefined
            ? `try again in ${Math.max(1, Math.ceil(failure.retryAfterMs / 1000))} s`
            : 'try again in a minute'
        return `Segment's rate limit was reached (HTTP 429) while ${what}: ${detail}; ${wait}.`
      }
      if (failure.status >= 500) {
        return `Segment's Public API failed (HTTP ${failure.status}) while ${what}: ${detail}; this is on Segment's side, try again later.`
      }
      return `Segment refused ${request} (HTTP ${failure.status}) while ${what}: ${detail}.`
    }
    case 'network':
      return `Could not reach the Segment Public API while ${what} (${failure.detail}); check your network connection or proxy.`
    case 'timeout':
      return `The Segment Public API did not answer within ${Math.round(failure.timeoutMs / 1000)} s while ${what}; try again later.`
    case 'response':
      return `Unexpected answer from the Segment Public API to ${request} while ${what}: ${failure.detail}.`
  }
}
