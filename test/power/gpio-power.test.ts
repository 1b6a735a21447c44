import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpioPower, type GpioPowerOptions } from '../../harness/power/gpio-power.ts';

/*
 * No GPIO chip can be had in a container (no gpio-sim or gpio-mockup module, no configfs), so
 * these tests run the driver against stand-in gpioset/gpioget scripts that behave like libgpiod
 * v1.6's tools: same arguments, output and exit status, and a "chip" kept in files. They check
 * what the driver runs and how it reads answers, not the kernel side. One test runs the real
 * Debian gpioset on a plain file (never a real chip) to check that its failure is reported.
 */
const FAKE_GPIOSET = `#!/bin/sh
echo "gpioset $*" >> "$(dirname "$0")/calls"
low=0; [ "$1" = "-l" ] && { low=1; shift; }
chip="$1"; shift
[ -d "$(dirname "$0")/$chip" ] || { echo "gpioset: error setting the GPIO line values: No such file or directory" >&2; exit 1; }
for kv in "$@"; do v=\${kv#*=}; [ $low = 1 ] && v=$((1 - v)); echo $v > "$(dirname "$0")/$chip/\${kv%%=*}"; done
`;
const FAKE_GPIOGET = `#!/bin/sh
echo "gpioget $*" >> "$(dirname "$0")/calls"
low=0; [ "$1" = "-l" ] && { low=1; shift; }
chip="$1"; shift
[ -d "$(dirname "$0")/$chip" ] || { echo "gpioget: error reading GPIO values: No such file or directory" >&2; exit 1; }
v=$(cat "$(dirname "$0")/$chip/$1" 2>/dev/null || echo 0); [ $low = 1 ] && v=$((1 - v)); echo $v
`;

describe('gpio power driver (stand-in gpiod v1 tools, see note)', () => {
  let bin: string;
  const calls = () => readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n');
  const line = (n: number) => readFileSync(join(bin, 'gpiochip0', String(n)), 'utf8').trim();
  const make = (o: Partial<GpioPowerOptions> = {}) => new GpioPower({ chip: 'gpiochip0', line: 17, binDir: bin, board: 'rpi4-a', ...o });

  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'hil-gpio-'));
    writeFileSync(join(bin, 'gpioset'), FAKE_GPIOSET);
    writeFileSync(join(bin, 'gpioget'), FAKE_GPIOGET);
    chmodSync(join(bin, 'gpioset'), 0o755);
    chmodSync(join(bin, 'gpioget'), 0o755);
    writeFileSync(join(bin, 'calls'), '');
    rmSync(join(bin, 'gpiochip0'), { force: true, recursive: true });
    mkdirSync(join(bin, 'gpiochip0'));
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  it('drives the line with gpioset CHIP LINE=1 / LINE=0', async () => {
    const power = make();
    await power.on();
    assert.equal(line(17), '1');
    await power.off();
    assert.equal(line(17), '0');
    assert.deepEqual(calls(), ['gpioset gpiochip0 17=1', 'gpioset gpiochip0 17=0']);
  });

  it('activeLow passes -l: "on" drives the line to 0', async () => {
    await make({ activeLow: true }).on();
    assert.equal(line(17), '0');
    assert.deepEqual(calls(), ['gpioset -l gpiochip0 17=1']);
  });

  it('without a sense line there is no state(): the output line is never read back', () => {
    assert.equal(make().state, undefined);
  });

  it('with a sense line, state() and each switch read it with gpioget', async () => {
    // Wire the sense input to the output line (same offset): what is driven is what is read.
    const power = make({ sense: { chip: 'gpiochip0', line: 17 } });
    await power.on();
    assert.equal(await power.state?.(), 'on');
    assert.deepEqual(calls(), ['gpioset gpiochip0 17=1', 'gpioget gpiochip0 17', 'gpioget gpiochip0 17']);
  });

  it('edge: the sense line reads the wrong state after switching', async () => {
    writeFileSync(join(bin, 'gpiochip0', '5'), '0\n'); // the board's power-good stays low
    await assert.rejects(make({ sense: { chip: 'gpiochip0', line: 5 } }).on(), /sense line gpiochip0 5 reads off after switching on/);
  });

  it('edge: a chip that does not exist → error with the tool\'s stderr', async () => {
    await assert.rejects(
      make({ chip: 'gpiochip7' }).on(),
      /board rpi4-a: power on failed \(gpio gpiochip7 line 17\): 'gpioset gpiochip7 17=1' exited 1: gpioset: error setting the GPIO line values: No such file or directory/,
    );
  });

  it('edge: the real Debian gpioset on a chip that cannot exist → its failure is reported', async () => {
    // The "chip" is a plain file in the test's folder, so no GPIO line of this host (some lab
    // hosts have many) can ever be driven, whatever chips it has.
    const notAChip = join(bin, 'not-a-gpiochip');
    writeFileSync(notAChip, '');
    const real = new GpioPower({ chip: notAChip, line: 0, board: 'rpi4-a' });
    await assert.rejects(real.on(), new RegExp(`'gpioset ${notAChip} 0=1' exited 1: gpioset: .*(No such file|error)`, 'i'));
  });
});
