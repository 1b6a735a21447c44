import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardProfiles } from '../../boards/index.ts';
import { ConfigError } from '../../harness/errors.ts';
import { createBoardInstance, loadLabFile } from '../../harness/lab/lab-file.ts';
import { DEFAULT_LIMITS, LIMITS, profileLimits, withLimitFlags } from '../../harness/lab/limits.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('time limits', () => {
  const temp = useTempDirs();
  const lab = (limits: string) => {
    const file = join(temp('hil-limits-'), 'lab.yaml');
    writeFileSync(
      file,
      [
        'host: { tftpAddress: 192.168.1.10 }',
        'boards:',
        '  zcu-1:',
        '    profile: qemu-virt-arm64',
        '    power: { driver: command, on: "true", off: "true" }',
        '    console: { transport: tcp, host: 127.0.0.1, port: 7000 }',
        limits,
      ].join('\n'),
    );
    return file;
  };

  it("resolves each limit from hil's default, then the profile, the lab file and --limit, naming who set it", () => {
    const file = lab('    limits:\n      xenInitMs: 45000\n      domuReadyMs: 100000');
    const board = createBoardInstance(loadLabFile(file), 'zcu-1');
    const limits = withLimitFlags(board.limits, ['domuReadyMs=150000']);
    assert.deepEqual(limits.ubootCommandMs, { name: 'ubootCommandMs', ms: LIMITS.ubootCommandMs[0], from: "hil's default" });
    assert.deepEqual(limits.xenBannerMs, { name: 'xenBannerMs', ms: 20000, from: 'board profile qemu-virt-arm64' });
    assert.deepEqual(limits.xenInitMs, { name: 'xenInitMs', ms: 45000, from: `lab file ${file}:8` });
    assert.deepEqual(limits.domuReadyMs, { name: 'domuReadyMs', ms: 150000, from: '--limit' });
    assert.equal(board.limits.domuReadyMs.from, `lab file ${file}:9`, 'the board itself keeps the lab value');
  });

  it('the real boards: a profile sets only the limits where it differs from the defaults', () => {
    for (const profile of Object.values(boardProfiles)) {
      const limits = profileLimits(profile);
      for (const [name, ms] of Object.entries(profile.limits)) {
        assert.notEqual(ms, LIMITS[name as keyof typeof LIMITS][0], `${profile.name}: ${name} repeats hil's default`);
        assert.equal(limits[name as keyof typeof LIMITS].from, `board profile ${profile.name}`);
      }
    }
  });

  it('edge: a lab file limit with a typo gets a "did you mean", at its line', () => {
    const err = (() => {
      try {
        loadLabFile(lab('    limits:\n      xenInitMS: 45000'));
      } catch (e) {
        return e as ConfigError;
      }
      assert.fail('loaded');
    })();
    assert.equal(err.line, 8);
    assert.match(err.message, /field 'boards\.zcu-1\.limits\.xenInitMS': unknown key 'xenInitMS' \(a typo\?\); did you mean 'xenInitMs'\?/);
  });

  it('edge: a malformed --limit says how to write one and lists the names', () => {
    assert.throws(() => withLimitFlags(DEFAULT_LIMITS, ['xenInitMs']), /--limit xenInitMs: write NAME=MS, e\.g\. --limit domuReadyMs=120000 \(names: ubootPromptMs, /);
    assert.throws(() => withLimitFlags(DEFAULT_LIMITS, ['xenInit=5']), /--limit xenInit=5: no limit 'xenInit'/);
    assert.throws(() => withLimitFlags(DEFAULT_LIMITS, ['xenInitMs=0']), /at least 1 ms/);
  });
});
