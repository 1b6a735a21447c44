/** A console pattern: plain text (matched literally) or a regular expression. */
export type Pattern = string | RegExp;

export function toRegExp(pattern: Pattern): RegExp {
  return typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
}

/** Text as regular-expression source that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function describePattern(pattern: Pattern): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}

/** Control characters made visible, so console text can be shown in errors and reports. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => (c === '\x1b' ? '\\e' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
