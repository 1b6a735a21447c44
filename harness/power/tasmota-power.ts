import { z } from 'zod';
import { httpGet } from './http-get.ts';
import { powerError, reason, type PowerTarget } from './power-error.ts';
import { driverSettings, hostName, millis, portNumber } from '../config/driver-options.ts';
import { maskSecrets, registerSecret, scrub } from '../secrets/scrubber.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';

/** A Tasmota relay's options, as code and the lab file's `power:` give them. */
export const tasmotaOptions = z.strictObject({
  host: hostName,
  port: portNumber.default(80),
  /** Relay index as Tasmota numbers them (Power1, Power2, ...). */
  relay: z.number().int().min(1).default(1),
  /** Web user, when the device has a web password: "admin" is Tasmota's fixed default. */
  user: z.string().min(1).default('admin'),
  /** Time limit for one HTTP request. */
  timeoutMs: millis.default(5000),
});

export type TasmotaPowerOptions = z.input<typeof tasmotaOptions> & {
  /** Web password (resolved by the lab file from passwordEnv/passwordFile). Never printed. */
  password?: string;
  board?: string;
};

/**
 * A relay on a Tasmota device, through its web command API (tasmota.github.io/docs/Commands,
 * "With web requests"): GET /cm?cmnd=Power<N>%20On answers {"POWER<N>":"ON"}; a single-relay device
 * may answer with the key "POWER". The reply reports the relay state after the command, and it is checked.
 */
export class TasmotaPower implements PowerSwitch {
  readonly description: string;
  private readonly target: PowerTarget;
  private readonly settings: z.output<typeof tasmotaOptions>;
  // A private field: kept out of JSON.stringify, util.inspect and so out of logs and reports.
  readonly #password?: string;

  constructor({ password, board, ...options }: TasmotaPowerOptions) {
    this.settings = driverSettings("power driver 'tasmota'", tasmotaOptions, options, board);
    this.#password = password;
    // Given in code rather than by the lab file (which registers it itself): masked everywhere all the same.
    if (password !== undefined) registerSecret(password);
    const device = `${this.settings.host}:${this.settings.port} relay ${this.settings.relay}`;
    this.description = `tasmota ${device}`;
    this.target = { board, driver: 'tasmota', device };
  }

  async on(): Promise<void> {
    await this.switchTo('on');
  }

  async off(): Promise<void> {
    await this.switchTo('off');
  }

  async state(): Promise<PowerState> {
    return this.command('state', `Power${this.settings.relay}`);
  }

  private async switchTo(want: PowerState): Promise<void> {
    const got = await this.command(want, `Power${this.settings.relay} ${want === 'on' ? 'On' : 'Off'}`);
    if (got !== want) throw this.error(want, `the relay reports ${got.toUpperCase()} after switching ${want}`);
  }

  /** Sends one command and returns the relay state the reply reports. */
  private async command(action: string, cmnd: string): Promise<PowerState> {
    const o = this.settings;
    const query = [`cmnd=${encodeURIComponent(cmnd)}`];
    if (this.#password !== undefined) {
      query.unshift(`user=${encodeURIComponent(o.user)}`, `password=${encodeURIComponent(this.#password)}`);
    }
    const url = new URL(`http://${o.host}:${o.port}/cm?${query.join('&')}`);
    // Messages name the command only: the URL carries the password.
    const sent = `GET /cm?cmnd=${cmnd}`;
    let reply;
    try {
      reply = await httpGet(url, o.timeoutMs);
    } catch (err) {
      throw this.error(action, `no answer to ${sent}: ${reason(err)}`, err);
    }
    if (reply.status !== 200) {
      const status = `${reply.status}${reply.statusText ? ` ${this.mask(reply.statusText).slice(0, 80)}` : ''}`;
      throw this.error(action, `${sent} answered HTTP ${status}: ${this.mask(reply.body).slice(0, 200)}`);
    }
    return this.parse(action, sent, reply.body);
  }

  /** A power error; its text can hold what the device said (a proxy may echo the URL), so it is masked. */
  private error(action: string, text: string, cause?: unknown): Error {
    return powerError(this.target, action, this.mask(text), cause);
  }

  /**
   * `text` with this device's password (of any length: a short one given in code is not registered)
   * and every registered secret masked, in every spelling a URL or an auth header gives them.
   * Mask first, then cut, never the other way: a cut secret would no longer be recognised.
   */
  private mask(text: string): string {
    return scrub(maskSecrets(text, [this.#password]));
  }

  private parse(action: string, sent: string, body: string): PowerState {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw this.error(action, `${sent} answered something that is not JSON: ${this.mask(body).slice(0, 200)}`);
    }
    // Tasmota answers a missing or wrong password with HTTP 200 and {"WARNING":"Need user=<username>&password=<password>"}.
    if (typeof json.WARNING === 'string') throw this.error(action, `the device refused ${sent}: ${json.WARNING}`);
    const value = json[`POWER${this.settings.relay}`] ?? (this.settings.relay === 1 ? json.POWER : undefined);
    if (value === 'ON') return 'on';
    if (value === 'OFF') return 'off';
    throw this.error(action, `unexpected reply to ${sent}: ${this.mask(body).slice(0, 200)} (expected {"POWER${this.settings.relay}":"ON"|"OFF"})`);
  }
}
