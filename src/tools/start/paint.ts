// Colours for the tools' reports (`npm start`, `npm test`), through node:util's styleText
// (https://nodejs.org/api/util.html#utilstyletextformat-text-options): only
// when stdout is a terminal and NO_COLOR is unset (https://no-color.org), so
// the report's text is the same in pipes, files and tests.
import { styleText } from 'node:util'

type Format = 'bold' | 'dim' | 'green' | 'red' | 'yellow'
export type Paint = (format: Format, text: string) => string

export function painter(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Paint {
  const colours = (stream as { isTTY?: boolean }).isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb'
  // The decision is ours (io.stdout may not be process.stdout): styleText must not second-guess it.
  return colours ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text
}
