/**
 * Unconsumed console text kept as the chunks it arrived in. Appending and dropping old text never copy
 * the whole of it (one big string would be re-copied, as a fresh large object, on every chunk).
 * Positions are absolute: characters received since creation.
 */
export class PendingText {
  private chunks: string[] = [];
  private first = 0;
  /** Position of the oldest character kept. */
  start = 0;
  /** Position just after the newest character. */
  end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.end += text.length;
  }

  /** Forgets the text before position `upTo`. */
  drop(upTo: number): void {
    const target = Math.min(upTo, this.end);
    while (this.start < target) {
      const chunk = this.chunks[this.first];
      if (this.start + chunk.length <= target) {
        this.start += chunk.length;
        this.chunks[this.first++] = '';
      } else {
        this.chunks[this.first] = chunk.slice(target - this.start);
        this.start = target;
      }
    }
    if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** The text between two positions (clamped to what is kept). */
  text(from = this.start, to = this.end): string {
    from = Math.max(from, this.start);
    to = Math.min(to, this.end);
    if (to <= from) return '';
    let i = this.chunks.length - 1;
    let at = this.end - this.chunks[i].length; // position of chunks[i]
    while (at > from) at -= this.chunks[--i].length;
    const parts: string[] = [];
    for (; at < to; at += this.chunks[i++].length) {
      const chunk = this.chunks[i];
      parts.push(chunk.slice(Math.max(0, from - at), Math.min(chunk.length, to - at)));
    }
    return parts.join('');
  }
}
