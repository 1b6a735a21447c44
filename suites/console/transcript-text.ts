/**
 * The bytes of a stamped transcript without its "[  12.345] " line stamps and the harness's notes: a
 * "[hil]" line, and a "[hil+]" one with the line break the harness put before it.
 */
export function stripTranscript(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    const note = /^\[\s*-?\d+\.\d{3}\] \[hil(\+?)\] /.exec(line);
    if (!note) out.push(line.replace(/^\[\s*-?\d+\.\d{3}\] /, ''));
    else if (note[1] === '+' && out.length > 0) out[out.length - 1] = out[out.length - 1].replace(/\n$/, '');
  }
  return out.join('');
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
