// What a CLI command gets from the outside world. Commands write to these
// streams and read these values instead of touching `process`, so tests can
// run them in-process with in-memory streams and a temporary directory.
export interface CommandIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  /** Directory that the user's relative paths (input files, --settings, --file) are resolved against. */
  cwd: string
  /** Aborted when the user presses Ctrl-C, for commands that stop cleanly (replay). */
  interrupt?: AbortSignal
}
