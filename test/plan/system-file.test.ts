import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../harness/errors.ts';
import { loadSystemFile, parseSystem } from '../../harness/plan/system-file.ts';
import { ALIAS_BOMB, scratch, TWO_DOMUS } from './fixtures.ts';

/** Parses `text` expecting a ConfigError; returns it. */
function rejects(text: string, file = 'systems/bad.yaml'): ConfigError {
  try {
    parseSystem(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the system file was accepted');
}

const domu = (extra = '') => `  - name: alpha\n    kernel: linux\n    memory: 256M\n    vcpus: 1\n${extra}`;

describe('plan: system file', function () {
  it('reads a valid file with defaults filled in', function () {
    const sys = parseSystem(TWO_DOMUS, 'suites/systems/two-domus.yaml');
    assert.equal(sys.name, 'two-domus');
    assert.deepEqual(sys.xen, { image: 'xen', bootargs: 'sched=credit2', conswitch: 'a' });
    assert.equal(sys.dom0, undefined);
    assert.deepEqual(
      sys.domus.map((d) => [d.name, d.memoryKb, d.vcpus, d.vpl011, d.enhanced, d.ramdisk]),
      [
        ['alpha', 262144, 1, true, false, 'domu-initramfs'],
        ['beta', 131072, 2, false, false, 'domu-initramfs'],
      ],
    );
    assert.equal(sys.lines['domus[1].memory'], 15);
  });

  it('defaults the name to the file base name', function () {
    assert.equal(parseSystem(`domus:\n${domu()}`, '/x/y/my-system.yml').name, 'my-system');
  });

  it('reads K, M and G sizes (binary) and dom0 sizing', function () {
    const sys = parseSystem(
      `dom0:\n  kernel: linux\n  memory: 1G\n  vcpus: 2\ndomus:\n${domu().replace('256M', '40960K')}`,
      'a.yaml',
    );
    assert.equal(sys.dom0?.memoryKb, 1048576);
    assert.equal(sys.domus[0].memoryKb, 40960);
  });

  it('a typo in a key names the field, its line and the likely key', function () {
    const err = rejects(`domus:\n  - name: alpha\n    kernel: linux\n    memroy: 256M\n    vcpus: 1\n`);
    assert.equal(err.field, 'domus[0].memroy');
    assert.match(err.message, /unknown key 'memroy'.*did you mean 'memory'\?/);
    assert.match(err.message, /systems\/bad\.yaml:4, field 'domus\[0\]\.memroy'/);
  });

  it('a wrong type names the field, the line and what was found', function () {
    const err = rejects(`domus:\n${domu().replace('vcpus: 1', 'vcpus: "two"')}`);
    assert.equal(err.field, 'domus[0].vcpus');
    assert.equal(err.line, 5);
    assert.match(err.message, /expected a number, got string "two"/);
  });

  it('a missing required field points at its parent entry', function () {
    const err = rejects(`xen:\n  bootargs: x\ndomus:\n  - name: alpha\n    kernel: linux\n    memory: 256M\n`);
    assert.equal(err.field, 'domus[0].vcpus');
    assert.equal(err.line, 4);
    assert.match(err.message, /is required but missing/);
  });

  it('a size without a unit, not a multiple of 4K, or too small is refused', function () {
    assert.match(rejects(`domus:\n${domu().replace('256M', '256MB')}`).message, /'256MB' is not a size: write a whole number with a K, M or G suffix/);
    assert.match(rejects(`domus:\n${domu().replace('memory: 256M', 'memory: 268435456')}`).message, /must be a size with a K, M or G suffix.*got number/);
    assert.match(rejects(`domus:\n${domu().replace('256M', '40962K')}`).message, /not a multiple of 4K/);
    assert.match(rejects(`domus:\n${domu().replace('256M', '16M')}`).message, /at least 32M/);
  });

  it('an unknown top-level key lists the known keys when nothing is close', function () {
    const err = rejects(`frobnicate: 1\ndomus:\n${domu()}`);
    assert.equal(err.line, 1);
    assert.match(err.message, /unknown key 'frobnicate'.*known keys: name, xen, dom0, domus/);
  });

  it('reports every problem, first in file order', function () {
    const err = rejects(`domus:\n  - name: Alpha\n    kernel: linux\n    memory: 256M\n    vcpus: 0\n`);
    assert.equal(err.line, 2);
    assert.match(err.message, /lower-case letters/);
    assert.match(err.message, /also systems\/bad\.yaml:5, field 'domus\[0\]\.vcpus': must be at least 1/);
  });

  it('refuses duplicate domU names at the second one', function () {
    const err = rejects(`domus:\n${domu()}${domu()}`);
    assert.equal(err.field, 'domus[1].name');
    assert.equal(err.line, 6);
    assert.match(err.message, /'alpha' is used by two domUs/);
  });

  it('refuses enhanced without dom0, quoting the panic it would cause', function () {
    const err = rejects(`domus:\n${domu('    enhanced: true\n')}`);
    assert.equal(err.field, 'domus[0].enhanced');
    assert.match(err.message, /At the moment, Xenstore support requires dom0 to be present/);
  });

  it('accepts enhanced without dom0 when the system declares the failure it expects', function () {
    const sys = parseSystem(`expect:\n  failure: Xenstore support requires dom0\ndomus:\n${domu('    enhanced: true\n')}`, 'a.yaml');
    assert.deepEqual(sys.expect, { failure: 'Xenstore support requires dom0' });
    assert.match(rejects(`expect:\n  failure: ''\ndomus:\n${domu()}`).message, /field 'expect\.failure': must be the text the failure prints/);
  });

  it('accepts enhanced when there is a dom0', function () {
    const sys = parseSystem(`dom0:\n  kernel: linux\n  memory: 512M\n  vcpus: 1\ndomus:\n${domu('    enhanced: true\n')}`, 'a.yaml');
    assert.equal(sys.domus[0].enhanced, true);
  });

  it('refuses a system with no domU and no dom0', function () {
    assert.match(rejects('name: empty\n').message, /no domU and no dom0/);
    assert.match(rejects('domus: []\n').message, /no domU and no dom0/);
  });

  it('refuses bootargs that set hil.domain themselves', function () {
    const err = rejects(`domus:\n${domu('    bootargs: "console=ttyAMA0 hil.domain=other"\n')}`);
    assert.equal(err.field, 'domus[0].bootargs');
  });

  it('refuses a bad conswitch and a too long name', function () {
    assert.equal(rejects(`xen:\n  conswitch: ab\ndomus:\n${domu()}`).field, 'xen.conswitch');
    assert.match(rejects(`domus:\n${domu().replace('alpha', 'a'.repeat(33))}`).message, /at most 32 characters/);
  });

  it('refuses more vCPUs than Xen on Arm gives a domain (128), for a domU and for dom0', function () {
    assert.equal(parseSystem(`domus:\n${domu().replace('vcpus: 1', 'vcpus: 128')}`, 'a.yaml').domus[0].vcpus, 128);
    const err = rejects(`domus:\n${domu().replace('vcpus: 1', 'vcpus: 129')}`);
    assert.equal(err.field, 'domus[0].vcpus');
    assert.equal(err.line, 5);
    assert.match(err.message, /must be at most 128: Xen on Arm gives a domain no more vCPUs/);
    assert.equal(rejects(`dom0:\n  kernel: linux\n  memory: 512M\n  vcpus: 1000\n`).field, 'dom0.vcpus');
  });

  it('a key named __proto__ is an unknown key at its own line', function () {
    const top = rejects(`__proto__: 1\ndomus:\n${domu()}`);
    assert.equal(top.line, 1);
    assert.equal(top.message, "systems/bad.yaml:1, field '__proto__': unknown key '__proto__' (a typo?); known keys: name, xen, dom0, domus, expect");
    assert.equal(rejects(`domus:\n${domu('    __proto__: { name: beta }\n')}`).line, 6);
  });

  it('an alias bomb ("billion laughs") names the file, the line and yaml\'s limit', function () {
    const err = rejects(ALIAS_BOMB);
    assert.equal(err.file, 'systems/bad.yaml');
    assert.equal(err.line, 4);
    assert.match(err.message, /^systems\/bad\.yaml:4: alias \*c expands the file past 100 aliased values \(yaml's maxAliasCount\)/);
  });

  it('an alias of an anchor that does not exist names its line', function () {
    const err = rejects(`domus:\n${domu()}  - *beta\n`);
    assert.equal(err.line, 6);
    assert.match(err.message, /beta/);
  });

  it('a YAML syntax error gives its line', function () {
    const err = rejects('domus:\n  - name: alpha\n    kernel: [linux\n');
    assert.match(err.message, /invalid YAML/);
    assert.ok(err.line && err.line >= 3, `line ${err.line}`);
  });

  it('a duplicated key is a YAML error', function () {
    assert.match(rejects(`domus:\n${domu()}domus: []\n`).message, /invalid YAML.*unique/i);
  });

  it('loadSystemFile names the file it cannot read, and reads one it can', function () {
    const { dir, cleanup } = scratch();
    try {
      assert.throws(() => loadSystemFile(join(dir, 'missing.yaml')), (e: unknown) => e instanceof ConfigError && e.file.endsWith('missing.yaml'));
      writeFileSync(join(dir, 'ok.yaml'), TWO_DOMUS);
      assert.equal(loadSystemFile(join(dir, 'ok.yaml')).domus.length, 2);
    } finally {
      cleanup();
    }
  });
});
