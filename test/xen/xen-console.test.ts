import assert from 'node:assert/strict';
import { XenConsoleModel, type XenEvent } from '../../harness/xen/xen-console.ts';

/** Feeds the lines as the serial line brings them, each with its CR LF. */
function feed(lines: string[]) {
  let now = 0;
  const model = new XenConsoleModel(() => (now += 100), { holdMs: 0 });
  const events: XenEvent[] = [];
  model.onEvent((e) => events.push(e));
  for (const l of lines) model.push(`${l}\r\n`);
  return { model, events };
}

describe('Xen console model', function () {
  it('reads 4.17 bare-hex LOADING DOMU lines and pairs them with the domid Xen loads', function () {
    const { model } = feed([
      '(XEN) Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org) (aarch64-linux-gnu-gcc) debug=n',
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d1 kernel from boot module @ 0000000042a00000',
      '(XEN) *** LOADING DOMU cpus=2 memory=0x80000KB ***',
      '(XEN) Loading d2 kernel from boot module @ 0000000042a00000',
      '(XEN) Freed 348kB init memory.',
    ]);
    assert.equal(model.version, '4.17.5');
    assert.deepEqual(
      model.domains.map(({ domid, vcpus, memoryKb }) => ({ domid, vcpus, memoryKb })),
      [
        { domid: 1, vcpus: 1, memoryKb: 0x40000 },
        { domid: 2, vcpus: 2, memoryKb: 0x80000 },
      ],
    );
  });

  it('names each domain from its own readiness line, even when domids come out reversed', function () {
    const { model } = feed([
      '(XEN) [    4.221026] *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) [    4.221100] Loading d1 kernel from boot module @ 0000000042a00000',
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d2 kernel from boot module @ 0000000042a00000',
      '(XEN) DOM2: hil: domain alpha ready',
      '(XEN) DOM1: hil: domain beta ready',
    ]);
    assert.equal(model.byName('alpha')?.domid, 2);
    assert.equal(model.byName('beta')?.domid, 1);
    assert.ok(model.byName('alpha')!.readyMs! < model.byName('beta')!.readyMs!);
  });

  it("hands on each domU's complete lines from its own stream, focused or not", function () {
    const model = new XenConsoleModel(() => 0, { holdMs: 0, hasDom0: false });
    const lines: Array<[number, string]> = [];
    model.onGuestLine((domid, text) => lines.push([domid, text]));
    model.push('(XEN) Xen version 4.17.7\r\n(XEN) DOM1: [    8.87] xen_netfront: backend supports XDP headroom\r\n');
    model.push("(XEN) *** Serial input to DOM1 (type 'CTRL-a' three times to switch input)\r\n(XEN) hil: domain pv eth0 192.168.100.2/24 ping 192.168.100.1 ok\r\r\n");
    assert.deepEqual(lines, [
      [1, '[    8.87] xen_netfront: backend supports XDP headroom'],
      [1, 'hil: domain pv eth0 192.168.100.2/24 ping 192.168.100.1 ok'],
    ]);
  });

  it("dates each domU kernel's start by its own printk clock, not by when its console came up", function () {
    let now = 0;
    const model = new XenConsoleModel(() => now, { holdMs: 0 });
    const at = (ms: number, line: string) => {
      now = ms;
      model.push(`${line}\r\n`);
    };
    at(1000, '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***');
    at(1000, '(XEN) Loading d1 kernel from boot module @ 0000000042a00000');
    // Replayed when the console driver registers, at 9 s: printed long before.
    at(9000, '(XEN) DOM1: [    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]');
    at(9000, '(XEN) DOM1: [    0.000000] Kernel command line: console=ttyAMA0 hil.domain=alpha');
    at(9000, '(XEN) DOM1: [    6.500000] printk: console [ttyAMA0] enabled');
    at(9300, '(XEN) DOM1: [    7.900000] a line printed as it happens');
    at(9400, '(XEN) DOM1: a line without a printk time');
    const alpha = model.byName('alpha')!;
    assert.ok(alpha.kernelStartMs! < 9000, 'before the first line arrived');
    assert.equal(alpha.kernelStartMs, 1400, 'the least of arrival less stamp: 9300 - 7900');
  });

  it("keeps by when each domain's kernel had started, from its first stamped lines", function () {
    const { model } = feed([
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d1 kernel from boot module @ 0000000042a00000',
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d2 kernel from boot module @ 0000000042a00000',
      '(XEN) DOM2: [    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]',
      '(XEN) DOM1: [    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]',
      '(XEN) DOM1: hil: domain alpha ready',
      '(XEN) DOM2: hil: domain beta ready',
    ]);
    const [alpha, beta] = [model.byName('alpha')!, model.byName('beta')!];
    assert.ok(beta.kernelStartMs! < alpha.kernelStartMs!, 'd2 spoke first');
    assert.ok(alpha.kernelStartMs! < alpha.readyMs! && beta.kernelStartMs! < beta.readyMs!);
  });

  it('attributes an unprefixed line to the domain that has the input focus', function () {
    const { model, events } = feed([
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d1 kernel from boot module @ 0000000042a00000',
      "(XEN) *** Serial input to DOM1 (type 'CTRL-a' three times to switch input)",
      '(XEN) hil: domain alpha ready',
    ]);
    assert.equal(model.byName('alpha')?.domid, 1);
    assert.deepEqual(events.filter((e) => e.kind === 'focus'), [{ kind: 'focus', target: 'DOM1' }]);
  });

  it('starts over at power-on: reset() forgets the last boot, and the focus is on Xen again', function () {
    const { model } = feed([
      '(XEN) Xen version 4.17.5 (Debian)',
      '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
      '(XEN) Loading d1 kernel from boot module @ 0000000042a00000',
      "(XEN) *** Serial input to DOM1 (type 'CTRL-a' three times to switch input)",
    ]);
    assert.equal(model.focus, 'DOM1');
    model.reset();
    assert.deepEqual([model.domains.length, model.version, model.focus], [0, undefined, 'Xen']);
    model.push('U-Boot 2023.01\r\n*** LOADING DOMU cpus=1 memory=40000KB ***\r\n');
    assert.equal(model.domains.length, 0, 'firmware text is not Xen');
    model.push('(XEN) *** LOADING DOMU cpus=2 memory=40000KB ***\r\n(XEN) Loading d1 kernel from boot module @ 0\r\n');
    assert.deepEqual(model.domains.map((d) => [d.domid, d.vcpus]), [[1, 2]]);
  });

  it('ignores guest text that only looks like Xen output', function () {
    const { model, events } = feed(['*** LOADING DOMU cpus=1 memory=40000KB ***', 'Loading d1 kernel from boot module', 'hil: domain x ready']);
    assert.equal(model.domains.length, 0);
    assert.deepEqual(events, []);
  });
});
