// The readers of the demo page's Agreement and Text modes (web/js/modes/), in Node: each input
// format on a small file, and broken files get an error naming the line, record or task.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { webDir } from './web-harness.mjs';

const { readRatings, readRatingFiles } = await import(pathToFileURL(join(webDir, 'js/modes/agreement.mjs')).href);
const wasmetrics = await import(pathToFileURL(join(webDir, '../npm/dist/index.mjs')).href);
await wasmetrics.init();
const { readPairs, pairsOf, alignedRuns, werHistogram, readCues } = await import(
  pathToFileURL(join(webDir, 'js/modes/text.mjs')).href
);

test("agreement: wide, long and Label Studio files give the same ratings matrix (the package's readRatings)", () => {
  const wide = readRatings('item,a,b,c\nx,pos,pos,\ny,neg,pos,neg\n', 'w.csv', wasmetrics);
  const long = readRatings('label,annotator,item\npos,a,x\npos,b,x\nneg,a,y\npos,b,y\nneg,c,y\n', 'l.csv', wasmetrics);
  const task = (id, votes) => ({
    id,
    annotations: votes.map(([u, l]) => ({
      completed_by: { id: u, email: u },
      result: [{ type: 'choices', value: { choices: [l] } }],
    })),
  });
  const ls = readRatings(
    JSON.stringify([
      task('x', [
        ['a', 'pos'],
        ['b', 'pos'],
      ]),
      task('y', [
        ['a', 'neg'],
        ['b', 'pos'],
        ['c', 'neg'],
      ]),
    ]),
    'ls.json',
    wasmetrics,
  );
  for (const [d, format] of [
    [wide, 'wide'],
    [long, 'long'],
    [ls, 'Label Studio'],
  ]) {
    assert.equal(d.format, format);
    assert.deepEqual(d.items, ['x', 'y']);
    assert.deepEqual(d.annotators, ['a', 'b', 'c']);
    assert.deepEqual(d.labels, ['neg', 'pos']);
    assert.deepEqual(Array.from(d.classes), [1, 1, NaN, 0, 1, 0]);
    assert.equal(d.values, null, 'text labels have no numeric values');
    assert.deepEqual([d.U, d.R], [2, 3]);
  }
  const numeric = readRatings('item\ta\tb\nu\t1\t2\nv\t10\t\n', 'n.tsv', wasmetrics);
  assert.deepEqual(numeric.labels, ['1', '2', '10'], 'numeric labels sort as numbers');
  assert.deepEqual(Array.from(numeric.values), [1, 2, 10, NaN]);
});

test('agreement: broken files name the file and the line, task or what is missing', () => {
  assert.throws(
    () => readRatings('item,annotator,label\nx,a,pos\nx,a,neg\n', 'l.csv', wasmetrics),
    /^Error: l\.csv: .*line 3/,
  );
  assert.throws(() => readRatings('item,a,b\nx,1\n', 'w.csv', wasmetrics), /^Error: w\.csv: .*line 2/);
  assert.throws(
    () => readRatings('item,a\nx,1\n', 'w.csv', wasmetrics),
    /w\.csv: 1 annotator; agreement needs at least two/,
  );
  assert.throws(() => readRatings('item,a,b\nx,,\n', 'w.csv', wasmetrics), /w\.csv: no ratings/);
  assert.throws(
    () => readRatings('[{"id":7,"annotations":[{"result":[]}]}]', 'ls.json', wasmetrics),
    /^Error: ls\.json: /,
  );
  assert.throws(() => readRatings('[{', 'ls.json', wasmetrics), /^Error: ls\.json: /);
});

test('text: CSV/TSV columns, JSON Lines with lists of references, two files by line', () => {
  const tsv = readPairs('id\treference\thypothesis\tspeaker\nu1\ta b c\ta b\tana\n', 'p.tsv');
  assert.deepEqual(
    tsv,
    { ids: ['u1'], preds: ['a b'], refs: [['a b c']], columns: { speaker: ['ana'] } },
    'the other columns are kept (slice by column)',
  );
  const csv = readPairs('hyp,ref_1,ref_2\n"x, y",x y,\nz,z,zz\n', 'p.csv');
  assert.deepEqual(csv.refs, [['x y'], ['z', 'zz']], 'an empty extra reference is left out');
  assert.deepEqual(csv.preds, ['x, y', 'z']);
  const jsonl = readPairs(
    '{"hypothesis": "é a", "references": ["é b", "a"]}\n\n{"pred": "c", "target": "c"}\n',
    'p.jsonl',
  );
  assert.deepEqual(jsonl.refs, [['é b', 'a'], ['c']]);
  const keyed = readPairs('{"hyp": "a", "ref": "a", "source": "web"}\n{"hyp": "b", "ref": "c", "n": 2}\n', 'p.jsonl');
  assert.deepEqual(
    keyed.columns,
    { source: ['web', ''], n: ['', '2'] },
    'other keys as columns, empty where a line lacks one',
  );
  const lines = pairsOf({
    'text-pairs': { name: 'h.txt', text: 'a b\nc\n' },
    'text-references': { name: 'r.txt', text: 'a\nc d\n' },
  });
  assert.deepEqual(lines, { ids: ['line 1', 'line 2'], preds: ['a b', 'c'], refs: [['a'], ['c d']], columns: {} });
});

test('text: broken files name the line', () => {
  assert.throws(
    () => readPairs('{"hyp": "a", "ref": "b"}\n{"hyp": "a"}\n', 'p.jsonl'),
    /p\.jsonl, line 2: needs a hypothesis key .* it has hyp/,
  );
  assert.throws(
    () => readPairs('{"hyp": "a", "ref": "b"}\nnot json\n', 'p.jsonl'),
    /p\.jsonl, line 2: not a JSON object/,
  );
  assert.throws(() => readPairs('text,other\na,b\n', 'p.csv'), /needs a hypothesis column/);
  assert.throws(
    () =>
      pairsOf({
        'text-pairs': { name: 'h.txt', text: 'a\nb\nc\n' },
        'text-references': { name: 'r.txt', text: 'a\nb\n' },
      }),
    /h\.txt has 3 lines but r\.txt has 2/,
  );
});

test("text: the worst pairs' alignment runs rebuild both sentences, and the WER histogram counts every pair", () => {
  const target = 'the cat sat on the mat';
  const preds = 'the bat sat on mat today';
  const a = wasmetrics.alignTranscripts(preds, target, { unit: 'word' });
  const runs = alignedRuns(a);
  const side = (k) =>
    runs
      .filter((x) => x[k])
      .map((x) => x[k])
      .join(' ');
  assert.equal(side('ref'), target);
  assert.equal(side('hyp'), preds);
  assert.deepEqual(
    runs.map((x) => x.type),
    ['equal', 'substitute', 'equal', 'delete', 'equal', 'insert'],
  );
  const wer = new wasmetrics.WordErrorRate();
  wer.update([preds], [target]);
  assert.equal(a.errors / 6, wer.compute(), "the alignment's errors are the edit distance WER counts");
  wer.dispose();
  const bins = werHistogram([0, 0.05, 0.1, 0.99, 1, 1.5, Infinity]);
  assert.equal(bins.length, 11);
  assert.deepEqual(
    bins.map((b) => b.count),
    [2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 3],
  );
});

test('text: SRT and WebVTT cues pair by order; markup and timing lines are not words', () => {
  const srt =
    '1\r\n00:00:01,000 --> 00:00:02,000\r\n<i>Hello</i>\r\nthere\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n{\\an8}Bye\r\n';
  const vtt =
    'WEBVTT\n\nNOTE a comment\n\nintro\n00:01.000 --> 00:02.000 line:90%\n<v Ann>Hello there\n\n00:03.000 --> 00:04.000\nbye now\n';
  assert.deepEqual(readCues(srt, 'a.srt'), [
    { id: '1', text: 'Hello there' },
    { id: '2', text: 'Bye' },
  ]);
  assert.deepEqual(readCues(vtt, 'b.vtt'), [
    { id: 'intro', text: 'Hello there' },
    { id: 'cue 2', text: 'bye now' },
  ]);
  const p = pairsOf({ 'text-pairs': { name: 'a.srt', text: srt }, 'text-references': { name: 'b.vtt', text: vtt } });
  assert.deepEqual(p.preds, ['Hello there', 'Bye']);
  assert.deepEqual(p.refs, [['Hello there'], ['bye now']]);
  assert.throws(() => readCues('just text\n', 'c.srt'), /c\.srt: no subtitle cues/);
  assert.throws(
    () =>
      pairsOf({
        'text-pairs': { name: 'a.srt', text: srt },
        'text-references': { name: 'b.vtt', text: 'WEBVTT\n\n00:01.000 --> 00:02.000\nx\n' },
      }),
    /a\.srt has 2 cues but b\.vtt has 1/,
  );
});

test('text: a file that is not UTF-8 is an error naming its first bad line', () => {
  // Latin-1 "café" (0xE9) on line 3, decoded as the browser's file.text() decodes: UTF-8
  const latin1 = new TextDecoder('utf-8').decode(
    Uint8Array.from(Buffer.from('hyp,ref\na b,a b\ncaf\xe9 x,cafe x\n', 'latin1')),
  );
  assert.throws(() => pairsOf({ 'text-pairs': { name: 'l1.csv', text: latin1 } }), /l1\.csv, line 3: not UTF-8 text/);
  const utf16 = new TextDecoder('utf-8').decode(Uint8Array.from(Buffer.from('\ufeffa b\n', 'utf16le')));
  assert.throws(
    () =>
      pairsOf({ 'text-pairs': { name: 'h.txt', text: 'a b\n' }, 'text-references': { name: 'r16.txt', text: utf16 } }),
    /r16\.txt, line 1: not UTF-8/,
  );
  assert.equal(pairsOf({ 'text-pairs': { name: 'ok.csv', text: 'hyp,ref\ncafé,café\n' } }).preds[0], 'café');
});

test('agreement: several CVAT exports are one annotator each (by assignee, else by file name); other files are refused', () => {
  const file = (n) => ({
    name: `cvat-street-${n}.xml`,
    text: readFileSync(join(webDir, `samples/cvat-street-${n}.xml`), 'utf8'),
  });
  const three = readRatingFiles(['ana', 'ben', 'chen'].map(file), wasmetrics);
  assert.deepEqual(three.annotators, ['ana', 'ben', 'chen']);
  assert.equal(three.U, 16);
  assert.match(three.format, /3 files, annotators named by export/);
  // the same export twice: its assignee cannot name both, the file names do
  const twice = readRatingFiles([file('ana'), { ...file('ana'), name: 'ana-again.xml' }], wasmetrics);
  assert.deepEqual(twice.annotators, ['cvat-street-ana', 'ana-again']);
  assert.match(twice.format, /named by file/);
  assert.throws(
    () => readRatingFiles([file('ana'), { name: 'w.csv', text: 'item,a,b\nx,1,2\n' }], wasmetrics),
    /w\.csv: a wide file; several files are read as CVAT XML exports/,
  );
  assert.throws(
    () =>
      readRatingFiles(
        [file('ana'), { name: 'bad.xml', text: '<annotations><image name="x"><tag/></image></annotations>' }],
        wasmetrics,
      ),
    /bad\.xml/,
  );
});

test("agreement: a wide NumPy .npy (bytes, as the page reads its input) gives the wide CSV's ratings", () => {
  const csv = readRatingFiles(
    { name: 'agreement-wide.csv', text: readFileSync(join(webDir, 'samples/agreement-wide.csv'), 'utf8') },
    wasmetrics,
  );
  const bytes = readFileSync(join(webDir, 'samples/agreement-wide.npy'));
  const npy = readRatingFiles(
    { name: 'agreement-wide.npy', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    wasmetrics,
  );
  assert.equal(npy.format, '.npy');
  assert.deepEqual([npy.U, npy.R], [csv.U, csv.R]);
  assert.deepEqual(Array.from(npy.values), Array.from(csv.values), 'the same numeric ratings, NaN where missing');
  // a text file given as bytes is decoded as UTF-8, a broken .npy names the file
  const asBytes = readRatingFiles(
    { name: 'w.csv', bytes: new TextEncoder().encode('item,a,b\nx,1,2\ny,2,2\n').buffer },
    wasmetrics,
  );
  assert.equal(asBytes.format, 'wide');
  assert.throws(
    () =>
      readRatingFiles(
        { name: 'cut.npy', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 100) },
        wasmetrics,
      ),
    /^Error: cut\.npy: readWideNpy: the data is truncated/,
  );
});

test("ranking: a run as one CSV table, and the worst queries with their top documents in trec_eval's order", async () => {
  const { default: ranking } = await import(pathToFileURL(join(webDir, 'js/modes/ranking.mjs')).href);
  const file = (rel) => ({ name: rel.split('/').pop(), text: readFileSync(join(webDir, rel), 'utf8') });
  const r = await ranking.evaluate({ 'run-a': file('samples/ranking-bm25.csv') }, wasmetrics, { k: '5' });
  const { qrels, run } = wasmetrics.readTrecCsv(file('samples/ranking-bm25.csv').text);
  assert.deepEqual(r.queries, [...qrels.keys()].sort());
  assert.equal(r.worst.length, 5);
  const ndcg = (q) => r.runs[0].perQuery.RetrievalNormalizedDCG[r.queries.indexOf(q)];
  for (let i = 1; i < r.worst.length; i++)
    assert.ok(ndcg(r.worst[i - 1].query) <= ndcg(r.worst[i].query), 'worst NDCG first');
  for (const w of r.worst) {
    const top = wasmetrics.trecRanking(run, w.query).slice(0, 5);
    assert.deepEqual(
      w.runs[0].docs.map((d) => d.doc),
      top.map((d) => d.doc),
    );
    for (const d of w.runs[0].docs) assert.equal(d.relevance, qrels.get(w.query).get(d.doc) ?? null);
  }
  // two run files and a qrels file: the worst are B's largest losses against A
  const two = await ranking.evaluate(
    {
      qrels: file('samples/ranking.qrels'),
      'run-a': file('samples/ranking-bm25.run'),
      'run-b': file('samples/ranking-rerank.run'),
    },
    wasmetrics,
    { k: '10' },
  );
  const loss = (q) => {
    const i = two.queries.indexOf(q);
    return two.runs[1].perQuery.RetrievalNormalizedDCG[i] - two.runs[0].perQuery.RetrievalNormalizedDCG[i];
  };
  for (let i = 1; i < two.worst.length; i++) assert.ok(loss(two.worst[i - 1].query) <= loss(two.worst[i].query));
  assert.equal(two.worst[0].runs.length, 2);
  // a run file without qrels has no judgments: an error naming what to give
  await assert.rejects(
    ranking.evaluate({ 'run-a': file('samples/ranking-bm25.run') }, wasmetrics, {}),
    /no judgments: give a qrels file, or run A as a CSV\/TSV table with query, document, score and relevance columns \(ranking-bm25\.run is a run file\)/,
  );
});
