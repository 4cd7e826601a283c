// web/js/lib/match.mjs: how the PNG masks cell pairs predicted and reference files by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { inferNumClasses, maskKey, matchMasks } from '../../web/js/lib/match.mjs';

const file = (path) => {
  const parts = path.split('/');
  return { name: parts.at(-1), webkitRelativePath: parts.length > 1 ? path : '' };
};

test("maskKey drops the picked folder's name and the extension, keeps sub-folders", () => {
  assert.equal(maskKey(file('a.png')), 'a');
  assert.equal(maskKey(file('preds/a.PNG')), 'a');
  assert.equal(maskKey(file('preds/city/a.b.png')), 'city/a.b');
  assert.equal(maskKey({ name: 'a.png', webkitRelativePath: '', relativePath: 'dropped/city/a.png' }), 'city/a'); // a dropped folder
});

test("matchMasks pairs by key, reports either side's leftovers, non-PNG files and duplicates", () => {
  const m = matchMasks(
    [file('p/img10.png'), file('p/img2.png'), file('p/only_pred.png'), file('p/readme.txt'), file('p/sub/x.png')],
    [file('img2.png'), file('img10.png'), file('img10.PNG'), file('only_ref.png'), file('x.png')],
  );
  assert.deepEqual(
    m.pairs.map((p) => [p.name, p.pred.webkitRelativePath, p.target.name]),
    [
      ['img2', 'p/img2.png', 'img2.png'],
      ['img10', 'p/img10.png', 'img10.png'],
    ],
  );
  assert.deepEqual(m.onlyPred, ['only_pred', 'sub/x']);
  assert.deepEqual(m.onlyTarget, ['only_ref', 'x']);
  assert.deepEqual(m.skipped, ['p/readme.txt']);
  assert.deepEqual(m.duplicates, ['img10']);
});

test('inferNumClasses: the largest label other than ignoreIndex, plus one, at least 2', () => {
  const maps = [{ data: Uint8Array.from([0, 3, 255]) }, { data: Uint8Array.from([1, 5]) }];
  assert.equal(inferNumClasses(maps, 255), 6);
  assert.equal(inferNumClasses(maps, NaN), 256);
  assert.equal(inferNumClasses([{ data: Uint8Array.from([0, 0]) }], NaN), 2);
});
