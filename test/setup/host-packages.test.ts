import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hostPackages } from '../../harness/setup/host-setup.ts';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const LIST = fileURLToPath(new URL('../../harness/setup/host-packages.txt', import.meta.url));

/** The package column of the README's install table. */
function readmePackages(): string[] {
  const text = readFileSync(README, 'utf8');
  const table = text.slice(text.indexOf('| Debian package | why |'));
  const rows = table.split('\n').slice(2);
  return rows.slice(0, rows.findIndex((r) => !r.startsWith('|'))).map((r) => /^\| `([^`]+)`/.exec(r)?.[1] ?? `unreadable row: ${r}`);
}

describe('host packages: what is installed is what the README says', function () {
  it('the README install table names exactly the packages of host-packages.txt, in its order', function () {
    assert.deepEqual(readmePackages(), hostPackages().map((p) => p.name));
  });

  it('every package in host-packages.txt says why it is needed', function () {
    const lines = readFileSync(LIST, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    for (const line of lines) assert.match(line, /#\s*\S.{10,}/, `no reason given: ${line}`);
  });
});
