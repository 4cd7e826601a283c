// Writes the readers' seed corpus (fuzz/corpus/readers): small valid CSV, JSON, NPY and PNG files
// covering each reader's branches. Run by hand; the files are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from '../../npm/node_modules/fast-png/lib/index.js';
import { writeNpy } from '../../web/js/lib/npy.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'readers');
mkdirSync(out, { recursive: true });
const put = (name, data) => writeFileSync(join(out, name), data);

put('header.csv', 'preds,target,group\n0.1,0,a\n0.9,1,b\n0.4,1,a\nnan,0,c\n');
put('noheader.csv', '0.2,1\n0.8,0\n0.5,1\n');
put('quoted.csv', '"name, with comma",value\n"x ""y""",1e-3\n"",-inf\n');
put('crlf-ragged.csv', 'a;b\r\n1;2\r\n3\r\n');
put('labels.csv', 'cat\ndog\ncat\nbird\n');
put(
  'records.json',
  JSON.stringify([
    { preds: 0.2, target: 1 },
    { preds: 0.7, target: 0 },
  ]),
);
put('columns.json', JSON.stringify({ preds: [0.1, 0.5, null], target: [0, 1, 1] }));
put(
  'nested.json',
  JSON.stringify({
    preds: [
      [0.1, 0.9],
      [0.6, 0.4],
    ],
    target: [
      [0, 1],
      [1, 0],
    ],
  }),
);
put(
  'tensor.json',
  JSON.stringify([
    [1, 2, 3],
    [4, 5, true],
  ]),
);
put('f32.npy', writeNpy(new Float32Array([0.1, 0.5, 0.9, 0.3, 0.2, 0.8]), [2, 3]));
put('i64.npy', writeNpy(new BigInt64Array([0n, 1n, 2n, 1n]), [4]));
put('u8-scalar.npy', writeNpy(new Uint8Array([7]), []));
const fortran = writeNpy(new Int16Array([1, 2, 3, 4, 5, 6]), [3, 2]);
put(
  'i2-fortran.npy',
  Buffer.from(
    Buffer.from(fortran).toString('latin1').replace("'fortran_order': False", "'fortran_order': True "),
    'latin1',
  ),
);
const big = writeNpy(new Float64Array([1.5, -2]), [2]);
put('f8-bigendian.npy', Buffer.from(Buffer.from(big).toString('latin1').replace('<f8', '>f8'), 'latin1'));
const grey = (w, h, depth, f) =>
  encode({
    width: w,
    height: h,
    depth,
    channels: 1,
    data: (depth === 16 ? Uint16Array : Uint8Array).from({ length: w * h }, (_, i) => f(i)),
  });
put(
  'grey8.png',
  grey(5, 4, 8, (i) => i % 3),
);
put(
  'grey16.png',
  grey(3, 3, 16, (i) => i * 1000),
);
// Low bit depths take packed rows (fast-png encodes the bytes as given).
put(
  'grey1.png',
  encode({ width: 9, height: 2, depth: 1, channels: 1, data: Uint8Array.from([0xaa, 0x80, 0x55, 0x00]) }),
);
put(
  'grey4.png',
  encode({ width: 3, height: 2, depth: 4, channels: 1, data: Uint8Array.from([0x12, 0x30, 0x45, 0x60]) }),
);
put('rgb.png', encode({ width: 2, height: 2, depth: 8, channels: 3, data: new Uint8Array(12).fill(9) }));
try {
  put(
    'palette.png',
    encode({
      width: 4,
      height: 2,
      depth: 8,
      channels: 1,
      palette: [
        [0, 0, 0],
        [255, 0, 0],
        [0, 255, 0],
      ],
      data: Uint8Array.from([0, 1, 2, 1, 0, 0, 2, 2]),
    }),
  );
} catch (e) {
  console.log(`palette seed skipped: ${e.message}`);
}
