import { longestTemplate, matchHead, MAYBE, templatesRegExp } from './line-heads.ts';

/**
 * Finds line-head templates (see line-heads.ts) inside a line. Searching text once per pass: the
 * next occurrence found is remembered, so asking again for each line of a chunk costs nothing more.
 */
export class MarkerSearch {
  private readonly re: RegExp;
  private readonly longest: number;
  private text?: string;
  private from = 0;
  private found = -1;

  constructor(private readonly templates: readonly string[]) {
    this.re = templatesRegExp(templates);
    this.longest = longestTemplate(templates);
  }

  /** Where the first marker in text[pos, end) starts, or -1. */
  find(text: string, pos: number, end: number): number {
    if (text !== this.text || pos < this.from || (this.found >= 0 && this.found < pos)) {
      this.re.lastIndex = pos;
      this.found = this.re.exec(text)?.index ?? -1;
      this.from = pos;
      this.text = text;
    }
    return this.found >= 0 && this.found < end ? this.found : -1;
  }

  /** How many characters at the end of text (after pos) could be the start of a marker. */
  partialAtEnd(text: string, pos: number): number {
    for (let k = Math.min(text.length - pos, this.longest); k > 0; k--) {
      for (const t of this.templates) if (matchHead(text, text.length - k, t) === MAYBE) return k;
    }
    return 0;
  }

  /** Forgets the text searched last (lets it be collected). */
  reset(): void {
    this.text = undefined;
  }
}
