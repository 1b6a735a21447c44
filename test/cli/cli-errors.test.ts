import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTempDirs } from '../support/temp-dirs.ts';

const HIL = fileURLToPath(new URL('../../harness/cli/hil.js', import.meta.url));

/** The real CLI in a child process: exit code and what it printed. */
function hil(...args: string[]) {
  const r = spawnSync(process.execPath, [HIL, ...args], { encoding: 'utf8', timeout: 30000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** A stack trace line: what a user must never get instead of a message. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('hil CLI: bad input gets a clear message, not a stack trace', function () {
  this.timeout(60000);
  const dir = useTempDirs()('hil-cli-');

  it('an unknown command lists the commands', function () {
    const r = hil('frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.out, /unknown command 'frobnicate'[\s\S]*hil run --board NAME/);
  });

  it('a duration or a limit that is not a whole number in range is refused before the board is touched', function () {
    const offTime = hil('power', 'cycle', '--board', 'qemu-virt-arm64', '--off-time', 'abc');
    assert.equal(offTime.code, 1);
    assert.match(offTime.out, /--off-time abc: give a whole number of milliseconds, from 1 to 2147483647/);
    const limit = hil('run', '--limit', 'xenInitMs=99999999999');
    assert.equal(limit.code, 1);
    assert.match(limit.out, /--limit xenInitMs=99999999999: a limit must be at least 1 ms and at most 2147483647 ms/);
    for (const r of [offTime, limit]) assert.doesNotMatch(r.out, STACK);
  });

  it('an unknown board names the boards there are', function () {
    const r = hil('run', '--board', 'zcu999');
    assert.equal(r.code, 1);
    assert.match(r.out, /unknown board 'zcu999': without a lab file .* only the built-in 'qemu-virt-arm64', 'qemu-virt-arm64-gicv2' and 'qemu-zcu102' exist/);
    assert.doesNotMatch(r.out, STACK);
  });

  it('an unknown suite names the suites there are', function () {
    const r = hil('run', '--suite', 'nope');
    assert.equal(r.code, 1);
    assert.match(r.out, /unknown suite 'nope'; known: boot, console, pv-drivers/);
  });

  it('a missing system file is named', function () {
    const r = hil('run', '--system', join(dir, 'absent.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.out, /absent\.yaml/);
    assert.doesNotMatch(r.out, STACK);
  });

  it('a malformed system file names the file, the line and the field', function () {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'domus:\n  - name: a\n    kernel: linux\n    memory: lots\n    vcpus: 1\n');
    const r = hil('run', '--system', file);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`${file.replace(/[.]/g, '\\.')}:4, field 'domus\\[0\\]\\.memory'`));
    assert.doesNotMatch(r.out, STACK);
  });

  it('an unknown option shows the usage', function () {
    const r = hil('run', '--bored', 'x');
    assert.equal(r.code, 1);
    assert.match(r.out, /Unknown option '--bored'[\s\S]*usage: hil run/);
  });

  it('a bad lab file path is named', function () {
    const r = hil('power', 'state', '--board', 'zcu102-a', '--lab', join(dir, 'nolab.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.out, /nolab\.yaml/);
    assert.doesNotMatch(r.out, STACK);
  });
});
