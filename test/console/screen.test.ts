import assert from 'node:assert/strict';
import { Console } from '../../harness/console/console.ts';
import { DomainSplitter } from '../../harness/xen/domain-splitter.ts';
import { Screen } from '../../harness/console/screen.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

async function render(text: string, options = {}): Promise<Screen> {
  const screen = new Screen(options);
  screen.write(text);
  await screen.flush();
  return screen;
}

describe('domain screen', function () {
  it('drops colour and cursor escape sequences', async function () {
    const s = await render('\x1b[1;34mbin\x1b[m  \x1b[0;0mdev\x1b[m\r\n\x1b[?25l\x1b[Kdone\x1b[?25h\r\n');
    assert.deepEqual(s.lines(), ['bin  dev', 'done']);
  });

  it('applies carriage return, backspace and cursor moves like a terminal', async function () {
    const s = await render('12345\rab\r\nlsx\b \b -l\r\nxxxx\x1b[2Dyy\r\nfirst\r\nsecond\x1b[1A\x1b[1Gz\r\n\r\n');
    assert.deepEqual(s.lines(), ['ab345', 'ls -l', 'xxyy', 'zirst', 'second']);
  });

  it('shows busybox ash prompt after its ESC[6n cursor query, and sends nothing back to the board', async function () {
    const transport = new MemoryTransport();
    const con = new Console(transport);
    const splitter = new DomainSplitter({ holdMs: 0 });
    const screen = new Screen();
    con.onText((t) => splitter.push(t));
    splitter.onPiece((p) => p.stream === 'DOM1' && screen.write(p.content));
    transport.emit("(XEN) Xen version 4.17.5\r\n(XEN) *** Serial input to DOM1 (type 'CTRL-a' three times to switch input)\r\n");
    transport.emit('(XEN) \x1b[6n~ # ');
    transport.emit('e');
    transport.emit('cho hi\r\r\n(XEN) hi\r\r\n(XEN) \x1b[6n~ # ');
    await screen.flush();
    assert.deepEqual(screen.lines(), ['~ # echo hi', 'hi', '~ #']);
    assert.deepEqual(screen.lastLines(1), ['~ #']);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(transport.writtenText(), '');
  });

  it('joins the rows a long line wraps onto', async function () {
    const long = 'word '.repeat(40).trim();
    const s = await render(`${long}\r\nnext\r\n`, { cols: 80 });
    assert.deepEqual(s.lines(), [long, 'next']);
  });

  it('decodes UTF-8 sent as bytes', async function () {
    const s = await render(Buffer.from('résumé ✓\r\n', 'utf8').toString('latin1'));
    assert.deepEqual(s.lines(), ['résumé ✓']);
  });

  it('keeps a bounded scrollback', async function () {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const s = await render(`${lines.join('\r\n')}\r\n`, { scrollback: 100, rows: 24 });
    assert.ok(s.lines().length <= 124, `${s.lines().length} lines kept`);
    assert.deepEqual(s.lastLines(2), ['line 2998', 'line 2999']);
    assert.equal(s.text().split('\n').length, s.lines().length);
  });
});
