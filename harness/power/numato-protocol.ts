/**
 * Numato Lab USB relay modules' text protocol (numato.com/docs, "The command set"; Numato's sample
 * code relayread.py): commands end with CR, the module echoes what it receives, answers on
 * following lines, and prints the prompt ">" when ready again. `relay read N` answers `on` or `off`.
 */
export const NUMATO_PROMPT = '>';

/**
 * How a relay number is written in a command. Relays are numbered from 0. Up to 32 channels:
 * 0-9 then A-V ("not hexadecimal, the letters go beyond F", Numato's sample code; 16-channel
 * modules thus use 0-F). The 64-channel module takes two decimal digits: 00-63.
 */
export function numatoRelayId(relay: number, channels: number): string {
  if (!Number.isInteger(relay) || relay < 0 || relay >= channels) {
    throw new RangeError(`relay ${relay} does not exist on a ${channels}-channel module (relays are numbered 0 to ${channels - 1})`);
  }
  if (channels > 32) return String(relay).padStart(2, '0');
  return relay < 10 ? String(relay) : String.fromCharCode(65 + relay - 10);
}

/**
 * The lines a module answered to `command`, without the echo and the prompt.
 * Returns undefined when the echo is missing (the reply belongs to something else).
 */
export function numatoAnswer(command: string, raw: string): string[] | undefined {
  const lines = raw
    .split(NUMATO_PROMPT)[0]
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines[0] !== command) return undefined;
  return lines.slice(1);
}
