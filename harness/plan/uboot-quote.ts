/**
 * Quoting for U-Boot's hush command line, as measured on U-Boot 2023.01:
 * - inside '...' nothing expands ($x, ${x}, ;, #, " stay literal) but a backslash still escapes the
 *   next character, so '\' must be written '\\';
 * - a ' cannot be written inside '...' at all (\' does not escape it: the line stays open);
 * - inside "..." $x expands and quotes are eaten, so double quotes are never used for data;
 * - a tab on the line triggers completion and is lost; other control characters are not typeable.
 */

/** Why `text` cannot be passed as one U-Boot word, or undefined when it can. */
export function unquotableReason(text: string): string | undefined {
  if (text.includes("'")) return "contains a single quote ('), which U-Boot's command line cannot pass inside a quoted string";
  const bad = [...text].find((c) => c < ' ' || c > '~');
  if (bad !== undefined) {
    const code = bad.codePointAt(0)!.toString(16).padStart(2, '0');
    return `contains the character U+${code.toUpperCase().padStart(4, '0')}; only printable ASCII can be typed at U-Boot's prompt`;
  }
  return undefined;
}

/** `text` as one hush word. Call unquotableReason first: this throws on text it cannot quote. */
export function quoteWord(text: string): string {
  const reason = unquotableReason(text);
  if (reason) throw new Error(`cannot quote ${JSON.stringify(text)} for U-Boot: it ${reason}`);
  return `'${text.replace(/\\/g, '\\\\')}'`;
}

/** A property name as hush must see it: a leading '#' would start a comment, so it is escaped. */
export function propertyWord(name: string): string {
  return name.startsWith('#') ? `\\${name}` : name;
}
