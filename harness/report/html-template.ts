import { visible } from './escape.ts';

/** A piece of markup that is already safe; everything else interpolated into `html` is escaped. */
export interface Html {
  readonly __html: string;
}

export const raw = (markup: string): Html => ({ __html: markup });

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\r': '&#13;' };

/** Escapes text for HTML content and quoted attribute values alike. */
export const escapeHtml = (text: string): string => visible(text).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!);

/**
 * Tagged template: strings, numbers and arrays are escaped, `Html` values go in as they are, and
 * null, undefined and false vanish, so markup is built without a forgotten escape.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += piece(value) + strings[i + 1]!));
  return raw(out);
}

function piece(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(piece).join('');
  if (typeof value === 'object' && '__html' in value) return (value as Html).__html;
  return escapeHtml(String(value));
}
