/** Progress lines on stderr, stamped with seconds since the command started. */
export function progressLog(stream: NodeJS.WriteStream = process.stderr): (line: string) => void {
  const start = performance.now();
  return (line: string) => {
    const s = ((performance.now() - start) / 1000).toFixed(1).padStart(6);
    stream.write(`[${s}s] ${line}\n`);
  };
}
