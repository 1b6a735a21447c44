import { execa } from 'execa';

/** Parses `xml` with the real xmllint (Debian libxml2-utils) and throws its complaint if any. */
export async function assertWellFormed(xml: string): Promise<void> {
  const r = await execa('xmllint', ['--noout', '-'], { input: xml, reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) throw new Error(`xmllint rejected the document (exit ${r.exitCode}):\n${r.stderr}`);
}

/** Evaluates an XPath expression (count(), string()…) with xmllint; the result as text. */
export async function xpath(xml: string, expr: string): Promise<string> {
  const r = await execa('xmllint', ['--xpath', expr, '-'], { input: xml, reject: false, timeout: 10_000, stripFinalNewline: false });
  if (r.exitCode !== 0) throw new Error(`xmllint --xpath '${expr}' failed (exit ${r.exitCode}):\n${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}
