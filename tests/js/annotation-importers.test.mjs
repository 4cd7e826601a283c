// The annotation readers of the npm package (npm/src/annotations.mjs) on the sample files of
// tests/data/annotations: one sentiment study as a wide CSV, a long CSV and a Label Studio export
// (the same 41 ratings, so the same matrix and the same agreement), a CVAT job export per
// annotator; and broken variants of each, whose errors must name the line or record at fault.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { importPackage } from './helpers.mjs';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../data/annotations');
const sample = (name) => readFileSync(join(dataDir, name), 'utf8');
const lib = await importPackage();
await lib.init();

// The rating of (item, annotator) as a label name, or null.
function ratingOf(table, item, annotator) {
  const i = table.items.indexOf(item);
  const a = table.annotators.indexOf(annotator);
  assert.ok(i >= 0 && a >= 0, `${item} / ${annotator} in the table`);
  const v = table.ratings.data[i * table.ratings.shape[1] + a];
  return Number.isNaN(v) ? null : table.labels[v];
}

// The same ratings, whatever the row and column order: {item: {annotator: label}}.
function asRecord(table) {
  const out = {};
  for (const item of table.items) {
    out[item] = {};
    for (const a of table.annotators) {
      const l = ratingOf(table, item, a);
      if (l !== null) out[item][a] = l.toLowerCase();
    }
  }
  return out;
}

function alpha(table) {
  const m = new lib.KrippendorffAlpha({ levelOfMeasurement: 'nominal' });
  m.update(table.ratings);
  const v = m.compute();
  m.dispose();
  return v;
}

function throwsAt(fn, pattern, where) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof lib.AnnotationFormatError, `an AnnotationFormatError, got ${e}`);
    assert.match(e.message, pattern);
    for (const [k, v] of Object.entries(where)) assert.equal(e[k], v, `error.${k}`);
    return true;
  });
}

test('wide CSV: items by row, annotators by column, empty cells missing', () => {
  const t = lib.readWideCsv(sample('sentiment-wide.csv'));
  assert.deepEqual(t.annotators, ['ann_a', 'ann_b', 'ann_c', 'ann_d']);
  assert.equal(t.items.length, 12);
  assert.deepEqual(t.labels, ['negative', 'neutral', 'positive']);
  assert.deepEqual(t.ratings.shape, [12, 4]);
  assert.ok(t.ratings.data instanceof Float64Array);
  assert.equal(t.count, 45);
  assert.equal(ratingOf(t, 'review-03', 'ann_d'), null);
  assert.equal(ratingOf(t, 'review-02', 'ann_d'), 'neutral');
  assert.equal(t.values, null); // labels are not numbers
});

test('long CSV and Label Studio export hold the same study as the wide CSV', () => {
  const wide = lib.readWideCsv(sample('sentiment-wide.csv'));
  const long = lib.readLongCsv(sample('sentiment-long.csv'));
  const ls = lib.readLabelStudio(sample('label-studio-export.json'));
  assert.deepEqual(asRecord(long), asRecord(wide));
  // Label Studio: tasks are items by id, users by id; the cancelled annotation of task 3 is skipped.
  assert.deepEqual(ls.items, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  assert.deepEqual(ls.annotators, ['11', '12', '13', '14']);
  assert.deepEqual(ls.labels, ['Negative', 'Neutral', 'Positive']);
  assert.equal(ls.count, wide.count);
  assert.deepEqual(Array.from(ls.ratings.data), Array.from(wide.ratings.data));
  // Agreement does not depend on the file format.
  assert.ok(Math.abs(alpha(long) - alpha(wide)) < 1e-12); // other unit order
  assert.equal(alpha(ls), alpha(wide));
});

test('readRatings detects each format', () => {
  assert.equal(lib.detectRatingsFormat(sample('sentiment-wide.csv')), 'wide');
  assert.equal(lib.detectRatingsFormat(sample('sentiment-long.csv')), 'long');
  assert.equal(lib.detectRatingsFormat(sample('label-studio-export.json')), 'label-studio');
  assert.equal(lib.detectRatingsFormat(sample('cvat-alice.xml')), 'cvat');
  assert.deepEqual(
    lib.readRatings(sample('sentiment-long.csv')).ratings,
    lib.readLongCsv(sample('sentiment-long.csv')).ratings,
  );
  assert.throws(() => lib.readRatings('a,b\n1,2\n', { format: 'xlsx' }), TypeError);
});

test('CVAT for images: one export per annotator, images by name, a missing tag is a missing rating', () => {
  const t = lib.readCvatXml([sample('cvat-alice.xml'), sample('cvat-bob.xml')]);
  assert.deepEqual(t.annotators, ['alice', 'bob']);
  assert.equal(t.items.length, 6);
  assert.deepEqual(t.labels, ['bird', 'cat', 'dog']);
  assert.equal(ratingOf(t, 'frame_0005.jpg', 'alice'), null);
  assert.equal(ratingOf(t, 'frame_0005.jpg', 'bob'), 'dog');
  assert.equal(ratingOf(t, 'frame_0002.jpg', 'alice'), 'dog');
  assert.equal(ratingOf(t, 'frame_0002.jpg', 'bob'), 'cat');
  assert.equal(t.count, 11);
  // Given names win over <meta>; the same assignee twice without names is refused.
  const named = lib.readCvatXml([
    { text: sample('cvat-alice.xml'), annotator: 'A' },
    { text: sample('cvat-alice.xml'), annotator: 'B' },
  ]);
  assert.deepEqual(named.annotators, ['A', 'B']);
  throwsAt(
    () => lib.readCvatXml([sample('cvat-alice.xml'), sample('cvat-alice.xml')]),
    /"alice" already has a file/,
    {},
  );
});

test('numeric labels sort by value and come with their values', () => {
  const t = lib.readWideCsv('item;r1;r2\nu1;10;2\nu2;2.0;1\nu3;;10\n', {});
  assert.deepEqual(
    t.labels,
    ['1', '10', '2'].sort((a, b) => a - b),
  );
  assert.deepEqual(t.labels, ['1', '2', '10']);
  assert.deepEqual(Array.from(t.ratings.data), [2, 1, 1, 0, NaN, 2]);
  assert.deepEqual(Array.from(t.values.data), [10, 2, 2, 1, NaN, 10]);
  const fixed = lib.readWideCsv('item,r1,r2\nu1,b,a\n', { labels: ['b', 'a', 'c'] });
  assert.deepEqual(Array.from(fixed.ratings.data), [0, 1]);
  throwsAt(
    () => lib.readWideCsv('item,r1,r2\nu1,b,z\n', { labels: ['a', 'b'] }),
    /line 2, column "r2": label "z" is not one of/,
    { line: 2, field: 'r2' },
  );
});

test('CSV: quoted fields, CRLF, BOM, tabs and blank lines', () => {
  const t = lib.readLongCsv(
    '\ufeffRater\tItem\tClass\r\n"x"\t"a, ""quoted"" item"\tyes\r\n\r\ny\t"a, ""quoted"" item"\t"no\nreally"\r\n',
  );
  assert.deepEqual(t.items, ['a, "quoted" item']);
  assert.deepEqual(t.annotators, ['x', 'y']);
  assert.deepEqual(t.labels, ['no\nreally', 'yes']);
});

test('broken CSV files: the error names the line and the field', () => {
  const wide = sample('sentiment-wide.csv');
  const lines = wide.split('\r\n');
  throwsAt(
    () => lib.readWideCsv([lines[0], lines[1], 'review-02,negative,negative', ...lines.slice(3)].join('\n')),
    /line 3: expected 5 fields \(as the header\), got 3/,
    { line: 3 },
  );
  throwsAt(
    () => lib.readWideCsv([lines[0], lines[1], lines[1]].join('\n')),
    /line 3: item "review-01" has a second row/,
    { line: 3 },
  );
  throwsAt(() => lib.readWideCsv('item,a,a\nx,1,2\n'), /line 1: column name "a" appears twice/, {
    line: 1,
    field: 'a',
  });
  throwsAt(() => lib.readWideCsv('item,a\nx,"open\ny,1\n'), /line 2: a quoted field is never closed/, { line: 2 });
  throwsAt(() => lib.readWideCsv('item,a\n,1\n'), /line 2: the item id \(column "item"\) is empty/, {
    line: 2,
    field: 'item',
  });
  throwsAt(() => lib.readWideCsv(''), /no header line/, {});

  const long = sample('sentiment-long.csv').split('\n');
  throwsAt(
    () => lib.readLongCsv(['who,submitted_at,item_id,label', ...long.slice(1)].join('\n')),
    /no annotator column .*"who", "submitted_at", "item_id", "label"/,
    { line: 1 },
  );
  throwsAt(
    () => lib.readLongCsv([...long.slice(0, 5), long[2]].join('\n')),
    /line 6: annotator "ann_a" already rated item "review-02" \(readLongCsv: line 3\)/,
    { line: 6 },
  );
  throwsAt(
    () => lib.readLongCsv([long[0], 'ann_a,2026-11-03,,positive'].join('\n')),
    /line 2: the item id \(column "item_id"\) is empty/,
    { line: 2, field: 'item_id' },
  );
  throwsAt(() => lib.readLongCsv('annotator,item,label\na,"x"y,1\n'), /line 2: unexpected "y" after a closing quote/, {
    line: 2,
  });
  assert.throws(() => lib.readLongCsv(42), TypeError);
});

test('broken Label Studio exports: the error names the task, annotation and field', () => {
  const tasks = JSON.parse(sample('label-studio-export.json'));
  const edit = (f) => {
    const copy = structuredClone(tasks);
    f(copy);
    return JSON.stringify(copy);
  };
  throwsAt(
    () =>
      lib.readLabelStudio(
        edit((t) => {
          t[4].annotations[1].result[0].value.choices.push('Neutral');
        }),
      ),
    /task\[4\] \(id 5\)\.annotations\[1\]\.result\[0\]: 2 choices \("Negative", "Neutral"\)/,
    { record: 'task[4] (id 5).annotations[1].result[0]', field: 'value.choices' },
  );
  throwsAt(
    () =>
      lib.readLabelStudio(
        edit((t) => {
          delete t[1].annotations[0].completed_by;
        }),
      ),
    /task\[1\] \(id 2\)\.annotations\[0\]: completed_by names no user/,
    { field: 'completed_by' },
  );
  throwsAt(
    () =>
      lib.readLabelStudio(
        edit((t) => {
          t[0].annotations.push(structuredClone(t[0].annotations[0]));
        }),
      ),
    /annotator "11" already rated item "1"/,
    {},
  );
  throwsAt(
    () =>
      lib.readLabelStudio(
        edit((t) => {
          t[6].annotations[0].result.push({ type: 'choices', from_name: 'topic', value: { choices: ['Food'] } });
        }),
      ),
    /several classification controls \("sentiment", "topic"\); choose one with fromName/,
    {},
  );
  throwsAt(
    () =>
      lib.readLabelStudio(
        edit((t) => {
          delete t[2].id;
        }),
      ),
    /task\[2\] has no id/,
    { record: 'task[2]', field: 'id' },
  );
  const truncated = sample('label-studio-export.json').slice(0, 2000);
  throwsAt(() => lib.readLabelStudio(truncated), /not valid JSON/, {});
  throwsAt(() => lib.readLabelStudio('{"tasks": []}'), /expected the export's list of tasks/, {});
  // fromName picks one control among several.
  const two = JSON.parse(
    edit((t) => {
      t[6].annotations[0].result.push({ type: 'choices', from_name: 'topic', value: { choices: ['Food'] } });
    }),
  );
  assert.equal(lib.readLabelStudio(two, { fromName: 'topic' }).count, 1);
  assert.equal(lib.readLabelStudio(two, { fromName: 'sentiment' }).count, 45);
});

test('broken CVAT files: the error names the line', () => {
  const alice = sample('cvat-alice.xml');
  const lines = alice.split('\n');
  const at = (k) => lines.findIndex((l) => l.includes(k)) + 1;
  const noClose = lines.filter((l, k) => k + 1 !== at('</image>')).join('\n');
  throwsAt(
    () => lib.readCvatXml(noClose),
    new RegExp(`closing tag </annotations> does not match <image> opened on line ${at('frame_0000')}`),
    {},
  );
  const twoTags = alice.replace(
    '<tag label="dog" source="manual">',
    '<tag label="dog" source="manual"></tag><tag label="cat" source="manual">',
  );
  throwsAt(() => lib.readCvatXml(twoTags), /image "frame_0001.jpg" has 2 tags/, { field: 'tag' });
  throwsAt(
    () => lib.readCvatXml(alice.replace('<tag label="bird"', '<tag lable="bird"')),
    new RegExp(`line ${at('label="bird"')}: <tag> has no label`),
    { field: 'label' },
  );
  throwsAt(
    () =>
      lib.readCvatXml(
        alice
          .replace('<assignee>', '<reviewer>')
          .replace('</assignee>', '</reviewer>')
          .replace('<owner>', '<x>')
          .replace('</owner>', '</x>'),
      ),
    /names no assignee or owner/,
    { field: 'annotator' },
  );
  throwsAt(
    () => lib.readCvatXml('<?xml version="1.0"?>\n<project>\n</project>\n'),
    /line 2: the root element is <project>/,
    { line: 2 },
  );
  throwsAt(
    () => lib.readCvatXml(alice.replace('name="frame_0003.jpg"', 'name="frame_0003.jpg" width=1280')),
    new RegExp(`line ${at('frame_0003')}: a malformed tag`),
    { line: at('frame_0003') },
  );
  throwsAt(() => lib.readCvatXml(alice.replace('<tag label="cat"', '<tag label="c&at;"')), /unknown entity &at;/, {});
});

test('wide JSON rows and .npy matrices', () => {
  const wide = lib.readWideCsv(sample('sentiment-wide.csv'));
  const json = lib.readWideJson(sample('sentiment-wide.json'));
  assert.deepEqual(json.items, wide.items);
  assert.deepEqual(json.annotators, wide.annotators);
  assert.deepEqual(Array.from(json.ratings.data), Array.from(wide.ratings.data));
  assert.equal(lib.detectRatingsFormat(sample('sentiment-wide.json')), 'wide-json');
  const arrays = lib.readWideJson([
    [1, 2],
    [null, 2],
  ]);
  assert.deepEqual(arrays.annotators, ['0', '1']);
  assert.deepEqual(Array.from(arrays.ratings.data), [0, 1, NaN, 1]);
  throwsAt(() => lib.readWideJson([[1, 2], [1]]), /row\[1\]: expected an array of 2 labels/, { record: 'row[1]' });
  throwsAt(
    () => lib.readWideJson([{ item: 'a', x: { y: 1 } }]),
    /row\[0\]\.x: label \{"y":1\} is neither a string nor a finite number/,
    { field: 'x' },
  );
  throwsAt(
    () =>
      lib.readWideJson([
        { item: 'a', x: 1 },
        { item: 'a', x: 2 },
      ]),
    /row\[1\]: item "a" has a second row/,
    { record: 'row[1]' },
  );

  const bytes = readFileSync(join(dataDir, 'severity-ratings.npy'));
  assert.equal(lib.detectRatingsFormat(bytes), 'npy');
  const npy = lib.readRatings(bytes);
  assert.deepEqual(npy.ratings.shape, [6, 3]);
  assert.deepEqual(npy.labels, ['1', '2', '3', '4', '5']);
  assert.deepEqual(Array.from(npy.values.data.slice(0, 6)), [4, 4, 5, 2, 3, 2]);
  assert.ok(Number.isNaN(npy.values.data[10]));
  assert.equal(npy.count, 16);
  // Interval alpha reads the values; the ratings' class indices are the same order.
  const m = new lib.KrippendorffAlpha({ levelOfMeasurement: 'interval' });
  m.update(npy.values);
  assert.ok(m.compute() > 0.5);
  m.dispose();
  throwsAt(
    () => lib.readWideNpy(bytes.subarray(0, bytes.length - 8)),
    /truncated: 136 bytes for 6 x 3 f8 values \(144 bytes\)/,
    { field: 'data' },
  );
  throwsAt(() => lib.readWideNpy(new TextEncoder().encode('item,a\n')), /not a \.npy file/, { field: 'magic' });
  const oneD = Buffer.from(bytes);
  oneD.write('(18,)  ', oneD.indexOf('(6, 3)'), 'latin1');
  throwsAt(() => lib.readWideNpy(oneD), /expected a 2-D array \[items, annotators\], got shape \(18,\)/, {
    field: 'shape',
  });
});

test('the readers feed the consensus metrics: Label Studio export to DawidSkene and MajorityVote', () => {
  const t = lib.readLabelStudio(sample('label-studio-export.json'));
  const ds = new lib.DawidSkene({ numClasses: t.labels.length });
  ds.update(t.ratings);
  const fit = ds.compute();
  assert.deepEqual(fit.posteriors.shape, [12, 3]);
  assert.deepEqual(fit.confusion.shape, [4, 3, 3]);
  const vote = new lib.MajorityVote({ numClasses: t.labels.length });
  vote.update(t.ratings);
  // Unanimous items keep their label under both.
  const first = t.items.indexOf('1');
  assert.equal(t.labels[fit.labels.data[first]], 'Positive');
  assert.equal(t.labels[vote.compute().labels.data[first]], 'Positive');
  ds.dispose();
  vote.dispose();
});
