/**
 * Ctrl-C and SIGTERM: run the cleanup (power the board off, release it), then exit 130.
 * Returns the function that removes the handlers once the command ends normally.
 */
export function onInterrupt(cleanup: () => Promise<unknown>, log: (line: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping, powering the board off`);
    void cleanup()
      .catch((err) => log(`cleanup after ${signal} failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
