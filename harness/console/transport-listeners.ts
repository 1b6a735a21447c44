/** The listener lists every console transport keeps: received bytes, and events for the transcript. */
export class TransportListeners {
  private readonly dataListeners: Array<(chunk: Buffer) => void> = [];
  private readonly eventListeners: Array<(event: string) => void> = [];

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEvent(listener: (event: string) => void): void {
    this.eventListeners.push(listener);
  }

  protected deliver(chunk: Buffer): void {
    for (const l of this.dataListeners) l(chunk);
  }

  protected emit(event: string): void {
    for (const l of this.eventListeners) l(event);
  }
}
