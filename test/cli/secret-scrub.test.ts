import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { DEFAULT_OUT_DIR } from '../../images/recipe.ts';
import { missingHostPackages } from '../../harness/setup/host-setup.ts';
import { TasmotaSim } from '../power/peers/tasmota-sim.ts';
import { requireOrSkip } from '../support/requirements.ts';
import { closedPort } from '../power/peers/http-peer.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const HIL = fileURLToPath(new URL('../../harness/cli/hil.js', import.meta.url));

/** A password with the characters that spell differently in a URL, a form, JSON, a JS string and HTML. */
const SECRET = `Hu n+t3r/2&Zq"9'x`;

/**
 * Every spelling of a secret that would give it away: raw, in a URL or a form, escaped in JSON, a JS
 * string or HTML, and the base64 of "admin:SECRET" (a Basic auth header) and of the secret alone.
 */
function spellings(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    new URL(`http://x/?p=${encodeURIComponent(secret)}`).search.slice(3),
    new URLSearchParams({ p: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    inspect(secret).slice(1, -1),
    secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    secret.replace(/&/g, '&amp;'),
    Buffer.from(`admin:${secret}`).toString('base64').slice(8, -2),
    Buffer.from(secret).toString('base64').slice(0, -2),
  ]);
  return [...forms];
}

/** Which spellings of the secret `text` (or bytes) holds (none is the only right answer). */
function leaks(text: string | Buffer): string[] {
  return spellings(SECRET).filter((s) => text.includes(s));
}

function hil(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [HIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const path = join(rel, name);
    const st = statSync(join(dir, path));
    if (st.isDirectory()) out.push(...filesUnder(dir, path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/** A serial server that takes the connection and never says anything (the board is off). */
async function silentConsole(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('hil never shows a lab secret, however a device echoes it', function () {
  this.timeout(240000);
  const temp = useTempDirs();
  let sim: TasmotaSim;
  let serial: Awaited<ReturnType<typeof silentConsole>>;
  let simPort: number;
  let dir: string;
  let lab: string;
  const env = { HIL_TEST_RELAY_PASS: SECRET, HIL_DEBUG: '1' };

  before(async function () {
    dir = temp('hil-secret-');
    sim = new TasmotaSim({ relays: 1, password: SECRET });
    sim.fault = 'echo-everything';
    const port = (simPort = await sim.start());
    serial = await silentConsole();
    writeFileSync(join(dir, 'relay.pass'), `${SECRET}\n`, { mode: 0o600 });
    lab = join(dir, 'lab.yaml');
    // The command driver's commands echo the password (given as $HIL_PASSWORD, and in the variable
    // passwordEnv names) on stderr, raw and as a Basic auth header would carry it, and fail.
    const echo = `echo "login admin:$HIL_PASSWORD refused (asked $HIL_TEST_RELAY_PASS)" >&2; printf %s "admin:$HIL_PASSWORD" | base64 >&2; exit 3`;
    writeFileSync(
      lab,
      [
        `host: { tftpAddress: 127.0.0.1, tftpPort: ${await closedPort()} }`,
        'boards:',
        '  relay:',
        '    profile: rpi4',
        `    power: { driver: tasmota, host: 127.0.0.1, port: ${port}, passwordEnv: HIL_TEST_RELAY_PASS, timeoutMs: 3000 }`,
        `    console: { transport: tcp, host: 127.0.0.1, port: ${serial.port}, reconnect: false }`,
        '  relay-file:',
        '    profile: rpi4',
        `    power: { driver: tasmota, host: 127.0.0.1, port: ${port}, passwordFile: relay.pass, timeoutMs: 3000 }`,
        `    console: { transport: tcp, host: 127.0.0.1, port: ${serial.port}, reconnect: false }`,
        '  cmd:',
        '    profile: rpi4',
        `    power: { driver: command, on: ${JSON.stringify(echo)}, off: ${JSON.stringify(echo)}, passwordEnv: HIL_TEST_RELAY_PASS }`,
        `    console: { transport: tcp, host: 127.0.0.1, port: ${serial.port}, reconnect: false }`,
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sim?.stop();
    await serial?.stop();
  });

  it('the simulated device really echoes the password: in its status text, its headers and its body', async () => {
    const res = await fetch(`http://127.0.0.1:${simPort}/cm?user=admin&password=${encodeURIComponent(SECRET)}&cmnd=Power1%20On`);
    assert.equal(res.status, 502);
    assert.ok(res.statusText.includes(SECRET), res.statusText);
    assert.equal(res.headers.get('x-echo-password'), SECRET);
    const body = await res.text();
    assert.deepEqual(leaks(`${res.headers.get('www-authenticate')}`), [Buffer.from(`admin:${SECRET}`).toString('base64').slice(8, -2)]);
    const inUrl = new URL(`http://x/?p=${encodeURIComponent(SECRET)}`).search.slice(3);
    for (const s of [SECRET, inUrl, JSON.stringify(SECRET), Buffer.from(`admin:${SECRET}`).toString('base64')]) assert.ok(body.includes(s), body);
  });

  for (const [board, why] of [
    ['relay', 'a Tasmota device (password from passwordEnv)'],
    ['relay-file', 'a Tasmota device (password from passwordFile)'],
    ['cmd', "a power command's stderr (password from passwordEnv)"],
  ] as const) {
    it(`hil power on, off: ${why} echoing it puts it on neither stdout nor stderr, HIL_DEBUG=1 included`, async () => {
      for (const action of ['on', 'off']) {
        const r = await hil(['power', action, '--board', board, '--lab', lab], env);
        assert.equal(r.code, 1, `hil power ${action} should fail: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`board ${board}: power ${action} failed`));
        // The echo is shown, the secret in it masked.
        assert.match(r.stderr, /\*{6}/, r.stderr);
        assert.deepEqual(leaks(r.stdout + r.stderr), [], `${board} power ${action}:\n${r.stdout}${r.stderr}`);
      }
    });
  }

  for (const [board, failure] of [
    ['relay', /board relay: power on failed \(tasmota .*answered HTTP 502 Bad Gateway for \/cm\?user=admin&password=\*{6}/],
    ['cmd', /board cmd: power on failed \(command .* exited 3; stderr: login admin:\*{6} refused \(asked \*{6}\)/],
  ] as const) {
    it(`hil run on board ${board}: stdout, stderr (HIL_DEBUG=1) and every file of the report folder (report.json, junit.xml, index.html, transcripts, logs) hold it in no spelling`, async function () {
      // `hil run` stages the built images and checks the host's packages before it powers the board on.
      const missing = missingHostPackages().map((p) => p.name);
      requireOrSkip(this, missing.length ? `host packages ${missing.join(', ')}` : existsSync(join(DEFAULT_OUT_DIR, 'manifest.json')) ? undefined : 'the built images (run `npx hil setup`)');
      const reportDir = join(dir, `report-${board}`);
      const r = await hil(['run', '--board', board, '--suite', 'boot', '--lab', lab, '--report-dir', reportDir], env);
      const out = r.stdout + r.stderr;
      assert.equal(r.code, 1, out);
      assert.match(out, failure, 'the echo is shown, masked');
      assert.match(out, /power off failed/, 'and the power off at the end too');
      assert.deepEqual(leaks(out), [], out);
      const files = filesUnder(reportDir);
      for (const f of ['report.json', 'junit.xml', 'index.html', 'console/raw.log', 'tftp.log']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      const report = readFileSync(join(reportDir, 'report.json'), 'utf8');
      assert.match(report, /power on failed.*\*{6}/, 'the failure, masked, is in the report');
      for (const f of files) assert.deepEqual(leaks(readFileSync(join(reportDir, f))), [], `${f} holds the secret`);
    });
  }
});
