import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, Opcode, packRequest } from '../../harness/tftp/packet.ts';
import { atftpGet, curlGet, sha256File, tftpHpaGet, tftpHpaPut } from './clients.ts';
import { startFixture, type Fixture } from './fixture.ts';
import { RawClient } from './raw-client.ts';

/** The first packet a raw RRQ for `name` gets back. */
async function answer(port: number, name: string, mode = 'octet') {
  const c = await RawClient.open();
  try {
    c.send(packRequest(Opcode.RRQ, name, mode), port);
    return (await c.next()).packet;
  } finally {
    await c.close();
  }
}

describe('tftp server refuses what it must not serve', function () {
  this.timeout(20000);
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
    await writeFile(path.join(fx.base, 'secret'), 'outside the root');
    await fx.file('inside', 'inside the root');
  });
  afterEach(async () => fx.close());

  const expectError = async (name: string, code: number) => {
    const p = await answer(fx.port, name);
    assert.equal(p.op, Opcode.ERROR, `'${name}' was not refused`);
    if (p.op === Opcode.ERROR) assert.equal(p.code, code, `'${name}': ${p.message}`);
    return p;
  };

  it('"../secret" traversal: code 2 with every real client', async () => {
    assert.equal((await tftpHpaGet(fx.port, '../secret', path.join(fx.out, 'a'))).errorCode, ErrorCode.ACCESS_VIOLATION);
    assert.equal((await atftpGet(fx.port, '../secret', path.join(fx.out, 'b'))).errorCode, ErrorCode.ACCESS_VIOLATION);
    assert.equal((await curlGet(fx.port, '../secret', path.join(fx.out, 'c'))).errorCode, ErrorCode.ACCESS_VIOLATION);
    await expectError('boot/../../secret', ErrorCode.ACCESS_VIOLATION);
  });

  it('absolute path outside the root ("/etc/passwd"): code 1, there is no such name under the root; one inside it is served', async () => {
    assert.equal((await tftpHpaGet(fx.port, '/etc/passwd', path.join(fx.out, 'a'))).errorCode, ErrorCode.FILE_NOT_FOUND);
    assert.equal((await curlGet(fx.port, '/etc/passwd', path.join(fx.out, 'c'))).errorCode, ErrorCode.FILE_NOT_FOUND);
    await expectError(path.join(fx.base, 'secret'), ErrorCode.FILE_NOT_FOUND);
    assert.equal((await answer(fx.port, path.join(fx.root, 'inside'))).op, Opcode.DATA, 'the host path of a file in the root');
  });

  it('a name outside the root gets the same code and text whether or not a file is there (no existence oracle)', async () => {
    await mkdir(path.join(fx.root, 'sub'));
    await symlink(fx.base, path.join(fx.root, 'sub', 'up'));
    const reply = async (name: string) => {
      const p = await answer(fx.port, name);
      return p.op === Opcode.ERROR ? `${p.code} ${p.message.replace(name, 'NAME')}` : `opcode ${p.op}`;
    };
    const cases = [
      [path.join(fx.base, 'secret'), path.join(fx.base, 'nothere'), `1 File not found: 'NAME'`],
      ['/etc/passwd', '/etc/nothere-hil-test', `1 File not found: 'NAME'`],
      ['../secret', '../nothere', `2 Access violation: 'NAME' is outside the TFTP root`],
      ['/../secret', '/../nothere', `2 Access violation: 'NAME' is outside the TFTP root`],
      ['sub/up/secret', 'sub/up/nothere', `2 Access violation: 'NAME' is outside the TFTP root`], // through a symlinked directory
    ];
    for (const [there, absent, expected] of cases) {
      assert.equal(await reply(there), expected, there);
      assert.equal(await reply(absent), expected, absent);
    }
  });

  it('ERROR replies and log lines cut a long name to 100 characters and show control characters', async () => {
    const long = 'x'.repeat(60000);
    const p = await answer(fx.port, long);
    assert.ok(p.op === Opcode.ERROR);
    assert.equal(p.message, `Access violation: cannot resolve '${'x'.repeat(100)}…' (ENAMETOOLONG)`);
    const mode = await answer(fx.port, 'inside', 'm'.repeat(60000));
    assert.ok(mode.op === Opcode.ERROR && mode.code === ErrorCode.ILLEGAL_OPERATION && mode.message.length < 200, JSON.stringify(mode).slice(0, 300));
    const t0 = performance.now();
    const deep = await answer(fx.port, 'a/'.repeat(2000) + 'x');
    assert.ok(deep.op === Opcode.ERROR && deep.code === ErrorCode.FILE_NOT_FOUND, 'a made-up name of 2001 components');
    assert.ok(performance.now() - t0 < 500, 'looked up from the root down: one look, not one per component');
    const escape = await answer(fx.port, 'a\x1b[2Jb');
    assert.ok(escape.op === Opcode.ERROR);
    assert.equal(escape.message, "File not found: 'a\\e[2Jb'");
    assert.ok(fx.log.length >= 3 && fx.log.every((l) => l.length < 400 && !l.includes('\x1b')), fx.log.map((l) => l.slice(0, 200)).join('\n'));
  });

  it('symlink pointing out of the root: code 2; a symlink within the root is served', async () => {
    await symlink(path.join(fx.base, 'secret'), path.join(fx.root, 'escape'));
    await symlink('../secret', path.join(fx.root, 'escape-relative'));
    await mkdir(path.join(fx.root, 'sub'));
    await symlink(fx.base, path.join(fx.root, 'sub', 'up'));
    assert.equal((await atftpGet(fx.port, 'escape', path.join(fx.out, 'a'))).errorCode, ErrorCode.ACCESS_VIOLATION);
    await expectError('escape-relative', ErrorCode.ACCESS_VIOLATION);
    await expectError('sub/up/secret', ErrorCode.ACCESS_VIOLATION);
    await symlink('inside', path.join(fx.root, 'alias'));
    const r = await tftpHpaGet(fx.port, 'alias', path.join(fx.out, 'alias'));
    assert.equal(r.errorCode, undefined, r.output);
    assert.equal(await sha256File(path.join(fx.out, 'alias')), await sha256File(path.join(fx.root, 'inside')));
  });

  it('missing file: code 1 with every real client', async () => {
    assert.equal((await tftpHpaGet(fx.port, 'nothere', path.join(fx.out, 'a'))).errorCode, ErrorCode.FILE_NOT_FOUND);
    assert.equal((await atftpGet(fx.port, 'nothere', path.join(fx.out, 'b'))).errorCode, ErrorCode.FILE_NOT_FOUND);
    assert.equal((await curlGet(fx.port, 'nothere', path.join(fx.out, 'c'))).errorCode, ErrorCode.FILE_NOT_FOUND);
    await expectError('/nothere/deeper', ErrorCode.FILE_NOT_FOUND);
    await expectError('inside/below-a-file', ErrorCode.FILE_NOT_FOUND);
  });

  it('directories, FIFOs and the root itself are not regular files: code 2', async () => {
    await mkdir(path.join(fx.root, 'dir'));
    execFileSync('mkfifo', [path.join(fx.root, 'fifo')]);
    await expectError('dir', ErrorCode.ACCESS_VIOLATION);
    await expectError('/', ErrorCode.ACCESS_VIOLATION);
    await expectError('fifo', ErrorCode.ACCESS_VIOLATION);
  });

  it('write request (tftp-hpa put): code 2, nothing written', async () => {
    const local = path.join(fx.out, 'upload');
    await writeFile(local, 'data');
    const r = await tftpHpaPut(fx.port, local, 'uploaded');
    assert.equal(r.errorCode, ErrorCode.ACCESS_VIOLATION, r.output);
    await expectError('uploaded', ErrorCode.FILE_NOT_FOUND);
  });

  it('unsupported mode ("mail"): code 4', async () => {
    const p = await answer(fx.port, 'inside', 'mail');
    assert.ok(p.op === Opcode.ERROR && p.code === ErrorCode.ILLEGAL_OPERATION, JSON.stringify(p));
  });
});
