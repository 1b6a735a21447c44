/** The bytes of a stamped transcript without its "[  12.345] " line stamps and the harness's "[hil]" notes. */
export function stripTranscript(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !/^\[\s*-?\d+\.\d{3}\] \[hil\] /.test(line))
    .map((line) => line.replace(/^\[\s*-?\d+\.\d{3}\] /, ''))
    .join('');
}

/** Whether every character of `part` appears in `whole` in the same order. */
export function isSubsequence(part: string, whole: string): boolean {
  let at = 0;
  for (let i = 0; i < part.length; i++) {
    at = whole.indexOf(part[i], at);
    if (at < 0) return false;
    at++;
  }
  return true;
}
