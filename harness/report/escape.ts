/**
 * Text escaping shared by junit.xml and index.html. Console text carries ESC, Ctrl-A and other
 * control characters that XML 1.0 forbids (and HTML treats as parse errors): they become a visible
 * `\xNN` (or `\uNNNN`) so a reader still sees that they were there.
 */

// C0 controls except tab, LF and CR; DEL and C1; lone surrogates; U+FFFE and U+FFFF.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces characters that cannot appear in XML 1.0 (and C1/DEL) by a visible escape. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR: Record<string, string> = { ...TEXT, '"': '&quot;', "'": '&#39;', '\n': '&#10;', '\t': '&#9;' };

/** Escapes element content for XML or HTML (CR kept as a reference so parsers do not drop it). */
export function escapeText(text: string): string {
  return visible(text).replace(/[&<>\r]/g, (c) => TEXT[c]!);
}

/** Escapes an attribute value; tab and newline survive attribute-value normalisation. */
export function escapeAttr(text: string): string {
  return visible(text).replace(/[&<>"'\r\n\t]/g, (c) => ATTR[c]!);
}
