// Regenerates the bundled samples in web/samples (deterministic): `node web/scripts/make-samples.mjs`.
//   animals.csv  multiclass: id, one probability column per class, and the true class by name
//   tags.csv     multilabel: id, p_<tag> scores and <tag>_true 0/1 targets for four tags
//   spam.csv     binary: id, score, label (0/1)
//   tickets.csv, tickets-b.csv  binary A/B with a slice column (below)
// The regression sample is examples/data/house_prices.csv, read from there.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'samples');
let seed = 20240611;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const softmax = (z) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const f = (v) => v.toFixed(4);

const classes = ['cat', 'dog', 'bird', 'fish'];
const skill = [1.6, 1.2, 2.2, 0.7]; // how well the model knows each class
let lines = ['id,' + classes.join(',') + ',label'];
for (let i = 0; i < 240; i++) {
  const t = Math.floor(rand() * 4);
  const z = classes.map((_, k) => gauss() * 0.9 + (k === t ? skill[t] : 0) + (t === 0 && k === 1 ? 0.9 : 0));
  lines.push([`img_${String(i).padStart(3, '0')}`, ...softmax(z).map(f), classes[t]].join(','));
}
writeFileSync(join(dir, 'animals.csv'), lines.join('\n') + '\n');

const tags = ['outdoor', 'people', 'animal', 'vehicle'];
lines = ['id,' + tags.map((t) => 'p_' + t).join(',') + ',' + tags.map((t) => t + '_true').join(',')];
for (let i = 0; i < 150; i++) {
  const truth = tags.map((_, k) => (rand() < [0.6, 0.4, 0.3, 0.2][k] ? 1 : 0));
  const p = truth.map((y, k) => 1 / (1 + Math.exp(-(gauss() * 1.2 + (y ? 1.5 : -1.5) - [0, 0.3, 0, 0.8][k]))));
  lines.push([`photo_${i}`, ...p.map(f), ...truth].join(','));
}
writeFileSync(join(dir, 'tags.csv'), lines.join('\n') + '\n');

lines = ['id,score,label'];
for (let i = 0; i < 200; i++) {
  const y = rand() < 0.35 ? 1 : 0;
  lines.push([`msg_${i}`, f(1 / (1 + Math.exp(-(gauss() * 1.3 + (y ? 1.2 : -1.4))))), y].join(','));
}
writeFileSync(join(dir, 'spam.csv'), lines.join('\n') + '\n');

// tickets.csv + tickets-b.csv: a binary A/B pair with a slice column (issue 24): id, channel
// (email, chat, phone, web: the model is weakest on phone), label, score of model A; model B's
// scores for the same tickets, a little better on chat and phone.
const channels = ['email', 'chat', 'phone', 'web'];
const skillA = [1.5, 1.2, 0.5, 1.4];
const skillB = [1.5, 1.6, 0.9, 1.4];
lines = ['id,channel,label,score'];
const linesB = ['id,score'];
for (let i = 0; i < 300; i++) {
  const c = Math.floor(rand() * 4);
  const y = rand() < 0.4 ? 1 : 0;
  const shared = gauss();
  const zA = shared * 0.8 + gauss() * 0.6 + (y ? skillA[c] : -skillA[c]);
  const zB = shared * 0.8 + gauss() * 0.6 + (y ? skillB[c] : -skillB[c]);
  lines.push([`t_${i}`, channels[c], y, f(1 / (1 + Math.exp(-zA)))].join(','));
  linesB.push([`t_${i}`, f(1 / (1 + Math.exp(-zB)))].join(','));
}
writeFileSync(join(dir, 'tickets.csv'), lines.join('\n') + '\n');
writeFileSync(join(dir, 'tickets-b.csv'), linesB.join('\n') + '\n');

// The Agreement mode's .npy sample: the wide severity table (agreement-wide.csv, hand-written) as
// a float64 [items, raters] array, NaN where a rater gave no rating (what numpy.save writes).
{
  const { readFileSync } = await import('node:fs');
  const { writeNpy } = await import('../js/lib/npy.mjs');
  const rows = readFileSync(join(dir, 'agreement-wide.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').slice(1));
  const data = Float64Array.from(rows.flat(), (v) => (v === '' ? NaN : Number(v)));
  writeFileSync(join(dir, 'agreement-wide.npy'), writeNpy(data, [rows.length, rows[0].length]));
}

// The Ranking mode's table sample: the BM25 run with each document's judgment from the qrels
// (empty where unjudged) as one CSV (query, document, score, relevance), the form a notebook
// export takes, plus a query-level column (topic: the first six queries are news questions, the
// others product searches) for the "slice by" option.
{
  const { readFileSync } = await import('node:fs');
  const words = (file) =>
    readFileSync(join(dir, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
  const judged = new Map(words('ranking.qrels').map(([q, , doc, rel]) => [`${q} ${doc}`, rel]));
  const topic = (q) => (Number(q.slice(1)) <= 106 ? 'news' : 'products');
  const rows = words('ranking-bm25.run').map(([q, , doc, , score]) =>
    [q, doc, score, judged.get(`${q} ${doc}`) ?? '', topic(q)].join(','),
  );
  writeFileSync(join(dir, 'ranking-bm25.csv'), ['query,document,score,relevance,topic', ...rows].join('\n') + '\n');
}
