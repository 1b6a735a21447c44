import assert from 'node:assert/strict';
import { debFileName, parseDepends, parseStanzas } from '../../images/apt.ts';
import { kernelPackageName } from '../../images/inputs.ts';

describe('images/apt', () => {
  it('parses Depends groups, dropping versions, arch qualifiers and restrictions', () => {
    assert.deepEqual(parseDepends('libc6 (>= 2.35), python3:any, sysvinit-utils (>= 3.05-4~) | lsb-base, foo [arm64]'), [
      ['libc6'],
      ['python3'],
      ['sysvinit-utils', 'lsb-base'],
      ['foo'],
    ]);
    assert.deepEqual(parseDepends(''), []);
  });

  it('parses apt-cache stanzas with Pre-Depends, continuation lines and several packages', () => {
    const text = [
      'Package: bash',
      'Version: 5.2.15-2+b13',
      'Architecture: arm64',
      'Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)',
      'Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)',
      'Description: GNU Bourne Again SHell',
      ' Bash is an sh-compatible command language interpreter.',
      '',
      'Package: ucf',
      'Version: 3.0043',
      'Architecture: all',
      '',
    ].join('\n');
    const [bash, ucf] = parseStanzas(text);
    assert.equal(bash.version, '5.2.15-2+b13');
    assert.deepEqual(bash.depends, [['libc6'], ['libtinfo6'], ['base-files'], ['debianutils']]);
    assert.equal(ucf.arch, 'all');
    assert.deepEqual(ucf.depends, []);
  });

  it('names .deb files as apt-get download does (epoch colon as %3a)', () => {
    assert.equal(
      debFileName({ name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'arm64' }),
      'busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb',
    );
  });

  it('finds the kernel package from the metapackage Depends, and fails clearly without one', () => {
    const meta = { name: 'linux-image-cloud-arm64', version: '6.1.192-2', arch: 'arm64', depends: [['linux-image-6.1.0-56-cloud-arm64']] };
    assert.equal(kernelPackageName(meta), 'linux-image-6.1.0-56-cloud-arm64');
    assert.throws(() => kernelPackageName({ ...meta, depends: [['kmod']] }), /depends on no linux-image-\* package/);
  });
});
