// The Segment Destination Function for Braze. `npm run build` turns this file
// (and src/destination/) into build/braze-destination.js: one plain script
// with these handlers as top-level functions, ready for Segment's editor.
// Segment calls onBatch when batching is on, the single handlers otherwise.
import { handleBatch, handleEvent } from '../src/destination/handlers'

export async function onIdentify(event: unknown, settings: unknown) {
  return handleEvent('identify', event, settings)
}

export async function onTrack(event: unknown, settings: unknown) {
  return handleEvent('track', event, settings)
}

export async function onPage(event: unknown, settings: unknown) {
  return handleEvent('page', event, settings)
}

export async function onScreen(event: unknown, settings: unknown) {
  return handleEvent('screen', event, settings)
}

export async function onGroup(event: unknown, settings: unknown) {
  return handleEvent('group', event, settings)
}

export async function onAlias(event: unknown, settings: unknown) {
  return handleEvent('alias', event, settings)
}

export async function onDelete(event: unknown, settings: unknown) {
  return handleEvent('delete', event, settings)
}

export async function onBatch(events: unknown, settings: unknown) {
  return handleBatch(events, settings)
}
