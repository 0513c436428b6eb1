/**
 * Terminal styling for the `npm start` report: ANSI colours only when stdout
 * is a terminal (and NO_COLOR is unset), plain text otherwise (pipes, files,
 * tests), so the report's text is the same either way.
 */
export interface Style {
  bold(text: string): string
  dim(text: string): string
  green(text: string): string
  red(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const plain = (text: string) => text

export const PLAIN: Style = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain }

function ansi(open: number, close: number) {
  return (text: string) => `\u001b[${open}m${text}\u001b[${close}m`
}

export const COLOURS: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39)
}

export function styleFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Style {
  const isTTY = (stream as { isTTY?: boolean }).isTTY === true
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb' ? COLOURS : PLAIN
}
