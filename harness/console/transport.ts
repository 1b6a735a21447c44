/** The byte pipe to a board's UART: a local serial adapter, a serial server over TCP, or the virtual board's pty. */
export interface ConsoleTransport {
  /** e.g. "serial /dev/ttyUSB0 @115200" or "tcp 10.0.0.9:3001". Never contains secrets. */
  readonly description: string;
  open(): Promise<void>;
  write(data: string | Buffer): Promise<void>;
  /** Registers the consumer of received bytes; bytes are delivered in order, none dropped. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Out-of-band happenings worth a mark in the transcript, e.g. "disconnected", "reopened". */
  onEvent(listener: (event: string) => void): void;
  close(): Promise<void>;
}
