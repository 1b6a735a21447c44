/** Exit statuses as a shell reports a process ended by the signal: 128 + its number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/**
 * Ctrl-C (any number of times), SIGTERM, SIGHUP (the terminal closed), an uncaught exception or an
 * unhandled rejection: run the cleanup (power the board off, release it) once and to its end, then
 * exit (128 + the signal's number, or 1). A second signal while it runs only says to wait.
 * Returns the function that removes the handlers once the command ends normally.
 */
export function onInterrupt(cleanup: (why: string) => Promise<unknown>, log: (line: string) => void): () => void {
  let stopping = false;
  // After SIGHUP the terminal may be gone: a note that cannot be written must not stop the cleanup.
  const say = (line: string) => {
    try {
      log(line);
    } catch {
      /* nowhere to say it */
    }
  };
  const stop = (why: string, exitCode: number) => {
    if (stopping) return say(`${why}: still powering the board off and releasing it, one moment`);
    stopping = true;
    say(`${why}: stopping, powering the board off`);
    void cleanup(why)
      .catch((err) => say(`cleanup after ${why} failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => process.exit(exitCode));
  };
  const onSignal = (signal: StopSignal) => stop(signal, SIGNAL_EXIT[signal]);
  const onCrash = (err: unknown) => stop(`internal error (${err instanceof Error ? err.message : String(err)})`, 1);
  const signals = Object.keys(SIGNAL_EXIT) as StopSignal[];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
