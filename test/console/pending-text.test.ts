import assert from 'node:assert/strict';
import { PendingText } from '../../harness/console/pending-text.ts';

describe('pending text', function () {
  it('behaves like one string under random appends, drops and reads', function () {
    let x = 99;
    const rnd = (n: number) => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) % n);
    const pending = new PendingText();
    let model = '';
    let modelStart = 0; // absolute position of model[0]
    for (let step = 0; step < 5000; step++) {
      const op = rnd(10);
      if (op < 5) {
        const text = String.fromCharCode(97 + rnd(26)).repeat(rnd(40));
        pending.append(text);
        model += text;
      } else if (op < 7) {
        const upTo = modelStart + rnd(model.length + 5);
        pending.drop(upTo);
        const cut = Math.min(model.length, Math.max(0, upTo - modelStart));
        model = model.slice(cut);
        modelStart += cut;
      } else {
        const from = modelStart - 3 + rnd(model.length + 6);
        const to = from + rnd(model.length + 6);
        const a = Math.max(0, from - modelStart);
        const b = Math.max(a, Math.min(model.length, to - modelStart));
        assert.equal(pending.text(from, to), model.slice(a, b), `step ${step}`);
      }
      assert.equal(pending.length, model.length);
      assert.equal(pending.start, modelStart);
      assert.equal(pending.text(), model);
    }
  });
});
