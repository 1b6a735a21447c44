/** One interface for everything that switches a board's power: relays, PDUs, GPIO lines, the virtual board. */
export type PowerState = 'on' | 'off';

export interface PowerSwitch {
  /** Human description naming driver and device, e.g. "tasmota 127.0.0.1:8080 relay 2". Never contains secrets. */
  readonly description: string;
  on(): Promise<void>;
  off(): Promise<void>;
  /** Present only where the device can report its state. */
  state?(): Promise<PowerState>;
  /**
   * Present only where the device itself sees the board lose power without being asked (the
   * virtual board's QEMU exiting): `listener` gets what happened, so a boot fails at once.
   */
  onLost?(listener: (why: string) => void): void;
}

/** Off, wait, on. The off-time lets capacitors drain and USB serial adapters re-enumerate. */
export async function cycle(power: PowerSwitch, offTimeMs = 1000): Promise<void> {
  await power.off();
  await new Promise((r) => setTimeout(r, offTimeMs));
  await power.on();
}
