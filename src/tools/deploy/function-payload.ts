import type { CreateFunctionBody, UpdateFunctionBody } from './segment-api'
import { functionSettings } from './function-settings'

/**
 * Display name deploy looks for and creates when no --name is given. Segment
 * shows a destination function as "<displayName> (<workspace name>)", so the
 * function appears as e.g. "Braze (TypeScript) (Acme Production)"; the
 * "(TypeScript)" keeps it apart from Segment's own catalog "Braze" destinations.
 */
export const DEFAULT_DISPLAY_NAME = 'Braze (TypeScript)'

export const FUNCTION_DESCRIPTION =
  'Sends Segment identify, track (custom events, Braze recommended eCommerce events and purchases), page, screen, group, alias and delete calls, ' +
  'Engage audiences and computed traits, and batches to the Braze REST API. Built from TypeScript sources; deployed by `npm run deploy`.'

/** `POST /functions`: a new destination function with code, name, description and the settings list. */
export function createBody(code: string, displayName: string): CreateFunctionBody {
  return { code, displayName, resourceType: 'DESTINATION', description: FUNCTION_DESCRIPTION, settings: functionSettings() }
}

/**
 * `PATCH /functions/{id}`: code and settings only. The display name and
 * description stay as the user left them in Segment.
 */
export function updateBody(code: string): UpdateFunctionBody {
  return { code, settings: functionSettings() }
}
