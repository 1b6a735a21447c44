import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardProfiles } from '../../boards/index.ts';
import { ConfigError } from '../../harness/errors.ts';
import { createBoardInstance, labFilePath, loadLabFile } from '../../harness/lab/lab-file.ts';
import { ALIAS_BOMB } from '../plan/fixtures.ts';

const EXAMPLE = new URL('../../boards/lab.example.yaml', import.meta.url).pathname;

describe('lab file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-lab-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string) => {
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, text);
    return file;
  };
  /** A valid one-board lab, with `board` lines replacing the board body. */
  const lab = (board: string) => write(`host: { tftpAddress: 192.168.1.10 }\nboards:\n  b1:\n${board.replace(/^/gm, '    ')}\n`);
  const BOARD = 'profile: zcu102\npower: { driver: pdudaemon, host: pdu.lab, pdu: pdu01, outlet: 3 }\nconsole: { transport: serial, path: /dev/ttyUSB0 }';
  const configError = (file: string): ConfigError => {
    try {
      loadLabFile(file);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err;
    }
    assert.fail('loadLabFile accepted the file');
  };

  it('loads boards/lab.example.yaml and builds both instances', () => {
    const spec = loadLabFile(EXAMPLE);
    assert.deepEqual(Object.keys(spec.boards), ['zcu102-a', 'rpi4-a']);
    const zcu = createBoardInstance(spec, 'zcu102-a', { env: {} });
    assert.equal(zcu.profile, boardProfiles.zcu102);
    assert.equal(zcu.power.description, 'pdudaemon pdu01 outlet 3 via pdu.lab.example:16421');
    assert.match(zcu.console.description, /^serial \/dev\/serial\/by-id\/usb-Silicon_Labs_CP2108.*-if00-port0 @115200$/);
    assert.equal(zcu.tftpHost, '192.168.1.10');
    assert.deepEqual(zcu.network, { mode: 'dhcp', serverip: '192.168.1.10' });
    assert.match(zcu.ssh?.keyFile ?? '', /^\/.*\/\.config\/hil\/lab_ed25519$/);
    const rpi = createBoardInstance(spec, 'rpi4-a', { env: { TASMOTA_PASS: 'relay-pass' } });
    assert.equal(rpi.console.description, 'tcp 127.0.0.1:3001');
    assert.equal(rpi.power.description, 'tasmota 192.168.1.60:80 relay 1');
    assert.deepEqual(rpi.network, { mode: 'static', ipaddr: '192.168.1.61', netmask: '255.255.255.0', serverip: '192.168.1.10' });
    assert.equal(rpi.leaveOn, false);
  });

  it('docs/lab.md shows the same lab file as boards/lab.example.yaml', () => {
    const doc = readFileSync(new URL('../../docs/lab.md', import.meta.url), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    const example = readFileSync(EXAMPLE, 'utf8').replace(/^(#.*\n)+\n/, '');
    assert.equal(block, example);
  });

  it('the lab file path comes from --lab, else HIL_LAB, else a clear error', () => {
    assert.equal(labFilePath('a.yaml', { HIL_LAB: 'b.yaml' }), 'a.yaml');
    assert.equal(labFilePath(undefined, { HIL_LAB: 'b.yaml' }), 'b.yaml');
    assert.throws(() => labFilePath(undefined, {}), /no lab file: pass --lab FILE or set HIL_LAB/);
  });

  it('edge: a wrong type names file, field path, line and what was expected', () => {
    const file = lab('profile: zcu102\npower:\n  driver: pdudaemon\n  host: pdu.lab\n  pdu: pdu01\n  outlet: [3]\nconsole: { transport: serial, path: /dev/ttyUSB0 }');
    const err = configError(file);
    assert.equal(err.field, 'boards.b1.power.outlet');
    assert.equal(err.line, 9);
    assert.equal(err.message, `${file}:9, field 'boards.b1.power.outlet': expected a number or a string, got a list`);
  });

  it('edge: a missing field names its parent\'s line', () => {
    const err = configError(lab('profile: zcu102\npower: { driver: pdudaemon, host: pdu.lab, outlet: 3 }\nconsole: { transport: serial, path: /dev/ttyUSB0 }'));
    assert.equal(err.field, 'boards.b1.power.pdu');
    assert.equal(err.line, 5);
    assert.match(err.message, /is required but missing \(expected a string\)/);
  });

  it('edge: a misspelt field is unknown, at its own line', () => {
    const err = configError(lab(`${BOARD}\nleaveon: true`));
    assert.equal(err.field, 'boards.b1.leaveon');
    assert.equal(err.line, 7);
    assert.match(err.message, /unknown key 'leaveon' \(a typo\?\); did you mean 'leaveOn'\?/);
  });

  it('edge: unknown profile, driver and transport list the known ones', () => {
    assert.match(configError(lab(BOARD.replace('zcu102', 'zcu104'))).message, /:4, field 'boards\.b1\.profile': unknown board profile 'zcu104': known profiles are qemu-virt-arm64, qemu-virt-arm64-gicv2, qemu-zcu102, zcu102, rpi4/);
    const driver = configError(lab(BOARD.replace('driver: pdudaemon', 'driver: apc')));
    assert.equal(driver.field, 'boards.b1.power.driver');
    assert.match(driver.message, /unknown power driver 'apc': known drivers are command, pdudaemon, tasmota, numato, gpio/);
    assert.match(configError(lab(BOARD.replace('transport: serial', 'transport: telnet'))).message, /unknown console transport 'telnet': known transports are serial, tcp/);
  });

  it('edge: reports every problem at once, in file order, across the lab schema and the drivers\' own', () => {
    const file = lab('profile: zcu104\npower: { driver: tasmota, hots: relay.lab }\nconsole: { transport: serial, path: /dev/ttyUSB0, baudrate: 9600 }');
    const err = configError(file);
    assert.equal(err.field, 'boards.b1.profile');
    assert.equal(err.line, 4);
    const lines = err.message.split('\n');
    assert.match(lines[0], /:4, field 'boards\.b1\.profile': unknown board profile 'zcu104'/);
    assert.match(lines[1], /also .*:5, field 'boards\.b1\.power\.hots': unknown key 'hots' \(a typo\?\); did you mean 'host'\?/);
    assert.match(lines[2], /also .*:6, field 'boards\.b1\.console\.baudrate': unknown key 'baudrate' \(a typo\?\); did you mean 'baudRate'\?/);
    assert.equal(lines.length, 3, 'the missing host is not reported beside its typo');
  });

  it('edge: a numato relay beyond the module\'s channels', () => {
    const err = configError(lab(BOARD.replace(/power: .*/, 'power: { driver: numato, path: /dev/ttyACM0, relay: 9 }')));
    assert.equal(err.field, 'boards.b1.power.relay');
    assert.match(err.message, /relay 9 does not exist on a 8-channel module/);
  });

  it('edge: YAML syntax errors carry the line', () => {
    const err = configError(write('host: { tftpAddress: 192.168.1.10 }\nboards:\n  b1: [unclosed\n'));
    assert.match(err.message, /invalid YAML/);
    assert.ok(err.line && err.line >= 3);
  });

  it('edge: a power device host with a port in it names the field and says where the port goes', () => {
    const err = configError(lab(BOARD.replace(/power: .*/, 'power: { driver: tasmota, host: "192.168.1.5:80" }')));
    assert.equal(err.field, 'boards.b1.power.host');
    assert.match(err.message, /must be a host name or an IP address alone \(no port, scheme or path: the port has its own field\)/);
  });

  it('edge: a host name where an IPv4 address is expected', () => {
    const err = configError(write('host: { tftpAddress: labhost }\nboards: {}\n'));
    assert.equal(err.field, 'host.tftpAddress');
    assert.match(err.message, /expected an IPv4 address/);
  });

  it('edge: an unknown board name lists the boards there are', () => {
    const spec = loadLabFile(lab(BOARD));
    assert.throws(() => createBoardInstance(spec, 'b2'), /no board 'b2' in the lab file: it has b1/);
  });

  /** A lab whose boards are named `names`, each the valid BOARD. */
  const boards = (...names: string[]) => write(`host: { tftpAddress: 192.168.1.10 }\nboards:\n${names.map((n) => `  ${n}:\n${BOARD.replace(/^/gm, '    ')}\n`).join('')}`);

  it('edge: a board named __proto__ is refused at its line, saying why; constructor and prototype are boards like any other', () => {
    const err = configError(boards('constructor', '__proto__', 'prototype'));
    assert.equal(err.field, 'boards.__proto__');
    assert.equal(err.line, 7);
    assert.match(err.message, /^\/.*\/lab\.yaml:7, field 'boards\.__proto__': bad board name '__proto__': a name starts with a letter or a digit/);
    assert.equal(err.message.split('\n').length, 1, 'the other two boards are fine');
    const spec = loadLabFile(boards('constructor', 'prototype'));
    assert.deepEqual(Object.keys(spec.boards), ['constructor', 'prototype']);
    for (const name of ['constructor', 'prototype']) assert.equal(createBoardInstance(spec, name).power.description, 'pdudaemon pdu01 outlet 3 via pdu.lab:16421');
    assert.throws(() => createBoardInstance(spec, 'toString'), /no board 'toString' in the lab file: it has constructor, prototype/);
  });

  it('edge: a top-level key named __proto__ is an unknown key at its own line', () => {
    const file = write(`__proto__: {}\nhost: { tftpAddress: 192.168.1.10 }\nboards: {}\n`);
    assert.equal(configError(file).message, `${file}:1, field '__proto__': unknown key '__proto__' (a typo?); known keys: host, boards`);
  });

  it('edge: an alias bomb ("billion laughs") names the file, the line and yaml\'s limit', () => {
    const file = write(ALIAS_BOMB);
    const err = configError(file);
    assert.equal(err.file, file);
    assert.equal(err.line, 4);
    assert.match(err.message, /alias \*c expands the file past 100 aliased values \(yaml's maxAliasCount\)/);
  });

  it('aliases within yaml\'s limit are read: one power set-up shared by two boards', () => {
    const file = write(`host: { tftpAddress: 192.168.1.10 }\nboards:\n  b1:\n    profile: zcu102\n    power: &pdu { driver: pdudaemon, host: pdu.lab, pdu: pdu01, outlet: 3 }\n    console: { transport: serial, path: /dev/ttyUSB0 }\n  b2:\n    profile: zcu102\n    power: *pdu\n    console: { transport: serial, path: /dev/ttyUSB1 }\n`);
    assert.equal(createBoardInstance(loadLabFile(file), 'b2').power.description, 'pdudaemon pdu01 outlet 3 via pdu.lab:16421');
  });
});
