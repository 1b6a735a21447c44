import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkMergedUsr } from '../../images/merged-usr.ts';
import { sourcesStanza } from '../../images/own-apt.ts';
import { dom0RootPackages, xenPackage, xenToolsDir } from '../../images/packages.ts';
import { findRelease, RELEASES } from '../../images/releases.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('images: Debian releases', () => {
  const temp = useTempDirs();

  it("names each release's Xen packages and tools folder from its Xen version", () => {
    assert.equal(xenPackage(RELEASES.debian13), 'xen-hypervisor-4.20-arm64');
    assert.equal(xenToolsDir(RELEASES.debian12), '/usr/lib/xen-4.17/bin');
    assert.ok(dom0RootPackages(RELEASES.debian13).includes('xen-utils-4.20'));
    assert.equal(findRelease('debian13')?.suite, 'trixie');
    assert.equal(findRelease('toString'), undefined, 'only own keys are releases');
  });

  const mirrors = { debian: 'http://mirror/debian', security: 'http://mirror/debian-security' };

  it("writes a deb822 stanza of hil's own for another suite's arm64 packages", () => {
    assert.equal(
      sourcesStanza({ types: 'deb', suite: 'trixie', architectures: 'arm64' }, mirrors),
      'Types: deb\nURIs: http://mirror/debian\nSuites: trixie\nComponents: main\nArchitectures: arm64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    );
  });

  it('adds the suite\'s -updates and, from the security archive, its -security when asked', () => {
    const text = sourcesStanza({ types: 'deb-src', suite: 'bookworm', withUpdates: true }, mirrors);
    const stanzas = text.split('\n\n').map((st) => Object.fromEntries(st.trim().split('\n').map((l) => l.split(': '))));
    assert.deepEqual(
      stanzas.map((st) => [st.Types, st.URIs, st.Suites]),
      [
        ['deb-src', 'http://mirror/debian', 'bookworm bookworm-updates'],
        ['deb-src', 'http://mirror/debian-security', 'bookworm-security'],
      ],
    );
  });

  it('links the classic /bin, /sbin, /lib entries of a merged-/usr root into usr, keeping what is there', () => {
    const root = temp('hil-usrmerge-');
    mkdirSync(join(root, 'usr/lib/aarch64-linux-gnu'), { recursive: true });
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/ld-linux-aarch64.so.1'), '');
    writeFileSync(join(root, 'usr/bin/bash'), '');
    writeFileSync(join(root, 'usr/bin/busybox'), 'usr');
    writeFileSync(join(root, 'bin/busybox'), 'own');
    return linkMergedUsr(root).then(() => {
      assert.equal(readlinkSync(join(root, 'lib/ld-linux-aarch64.so.1')), '../usr/lib/ld-linux-aarch64.so.1');
      assert.equal(readlinkSync(join(root, 'lib/aarch64-linux-gnu')), '../usr/lib/aarch64-linux-gnu');
      assert.equal(readlinkSync(join(root, 'bin/bash')), '../usr/bin/bash');
      assert.ok(!lstatSync(join(root, 'bin/busybox')).isSymbolicLink(), 'an entry already there stays');
    });
  });
});
