// The Text mode (issue 21): reference/hypothesis pairs -> corpus scores (WER, CER, MER, WIL,
// WIP, BLEU, SacreBLEU, chrF, TER, ROUGE) and the pairs sorted worst first (WER and CER per
// pair). One file: CSV/TSV with a hypothesis column and one or more reference columns (named by
// the header), or JSON Lines with the same keys (a reference key may hold a list); or two plain-text
// files, hypotheses and references, one sentence a line, paired by line; or two subtitle files
// (SRT/WebVTT), paired cue by cue. The worst pairs are shown aligned word by word (the package's
// alignTranscripts), with a histogram of the per-pair WER. All numbers
// come from the npm package (evaluate runs in a Web Worker, mode-worker.mjs).
import { chartCell, codeSnippet, computeMetric, pick, readTable, resultCell, table } from '../mode-lib.mjs';
import {
  chooseSliceColumn,
  rowsAt,
  sliceChart,
  sliceColumns,
  sliceFocus,
  sliceOption,
  sliceTable,
  slicedMetrics,
} from '../slices.mjs';
import { el } from '../ui.mjs';

const HYP =
  /^(hyp|hypothesis|hypotheses|pred|prediction|preds|predicted|output|candidate|translation|transcript|asr|system)$/i;
const REF = /^(ref|reference|references|target|gold|truth|label|expected)([ _-]?\d+)?$/i;
const ID = /^(id|index|utt|utterance|utterance_id|segment|segment_id|sent_id|pair)$/i;

/** Two plain-text files, one sentence a line, paired by line (blank last line ignored). */
function readLinePairs(hyps, refs) {
  const lines = (f) =>
    f.text
      .replace(/^\uFEFF/, '')
      .replace(/\r?\n$/, '')
      .split(/\r?\n/);
  const [h, r] = [lines(hyps), lines(refs)];
  if (h.length !== r.length)
    throw new Error(`${hyps.name} has ${h.length} lines but ${refs.name} has ${r.length}: the files pair line by line`);
  return { ids: h.map((_, i) => `line ${i + 1}`), preds: h, refs: r.map((x) => [x]), columns: {} };
}

const SUBTITLES = /\.(srt|vtt)$/i;

/**
 * The cues of an SRT or WebVTT file, in order: {id, text} (the cue's lines joined by a space,
 * markup such as <i> or {\\an8} removed). A cue is a block with a timing line (`-->`).
 */
export function readCues(text, fileName = 'the file') {
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  const cues = [];
  let line = 1;
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at >= 0) {
      if (at > 1) throw new Error(`${fileName}, line ${line + at}: a timing line must be a cue's first or second line`);
      const words = lines
        .slice(at + 1)
        .join(' ')
        .replace(/<[^>]*>|\{\\[^}]*\}/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      cues.push({ id: at === 1 ? lines[0].trim() : `cue ${cues.length + 1}`, text: words });
    }
    line += lines.length + 1;
  }
  if (!cues.length) throw new Error(`${fileName}: no subtitle cues (no line with -->)`);
  return cues;
}

/** Two subtitle files paired by cue, in order. */
function readCuePairs(hyps, refs) {
  const [h, r] = [readCues(hyps.text, hyps.name), readCues(refs.text, refs.name)];
  if (h.length !== r.length)
    throw new Error(`${hyps.name} has ${h.length} cues but ${refs.name} has ${r.length}: the files pair cue by cue`);
  return { ids: r.map((c) => c.id), preds: h.map((c) => c.text), refs: r.map((c) => [c.text]), columns: {} };
}

/**
 * A file the browser decoded as UTF-8 with U+FFFD in it had bytes that are not UTF-8 (Latin-1,
 * UTF-16, ...): the metrics would count replacement characters, so it is an error naming the line.
 */
function requireUtf8(file) {
  const at = file.text.indexOf('\uFFFD');
  if (at < 0) return;
  const line = file.text.slice(0, at).split('\n').length;
  throw new Error(
    `${file.name}, line ${line}: not UTF-8 text (bytes a UTF-8 decoder cannot read, shown as U+FFFD); save the file as UTF-8`,
  );
}

/** The pairs of the mode's files: ids, hypotheses, and a list of references per pair. */
export function pairsOf(files) {
  const main = files['text-pairs'];
  const refs = files['text-references'];
  requireUtf8(main);
  if (refs) requireUtf8(refs);
  if (!refs) return readPairs(main.text, main.name);
  return SUBTITLES.test(main.name) && SUBTITLES.test(refs.name) ? readCuePairs(main, refs) : readLinePairs(main, refs);
}

/**
 * The pairs of one file: ids, hypotheses, a list of references per pair, and the file's other
 * columns (JSON Lines: other keys with a text or number value) as {name: [text per pair]}, which
 * the "Slice by column" option can slice the pairs by (a speaker, a source).
 */
export function readPairs(text, fileName = 'the file') {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (/\.jsonl$/i.test(fileName) || trimmed.startsWith('{')) {
    const out = { ids: [], preds: [], refs: [], columns: {} };
    text.split(/\r?\n/).forEach((line, k) => {
      if (!line.trim()) return;
      let o;
      try {
        o = JSON.parse(line);
      } catch (e) {
        throw new Error(`${fileName}, line ${k + 1}: not a JSON object (${e.message})`);
      }
      const keys = Object.keys(o ?? {});
      const hk = keys.find((x) => HYP.test(x));
      const rk = keys.filter((x) => REF.test(x));
      if (!hk || !rk.length)
        throw new Error(
          `${fileName}, line ${k + 1}: needs a hypothesis key (hyp, hypothesis, prediction, …) and a reference key (ref, reference, target, …); it has ${keys.join(', ') || 'none'}`,
        );
      const refs = rk.flatMap((x) => (Array.isArray(o[x]) ? o[x] : [o[x]]));
      if (typeof o[hk] !== 'string' || refs.some((r) => typeof r !== 'string'))
        throw new Error(`${fileName}, line ${k + 1}: the hypothesis and references must be strings`);
      const other = keys.filter(
        (x) => x !== hk && !rk.includes(x) && !ID.test(x) && ['string', 'number', 'boolean'].includes(typeof o[x]),
      );
      for (const x of other) (out.columns[x] ??= new Array(out.ids.length).fill('')).push(String(o[x]));
      for (const x of Object.keys(out.columns)) if (!other.includes(x)) out.columns[x].push(''); // a key missing from this line
      out.ids.push(String(o[keys.find((x) => ID.test(x))] ?? out.ids.length + 1));
      out.preds.push(o[hk]);
      out.refs.push(refs);
    });
    if (!out.preds.length) throw new Error(`${fileName}: no lines`);
    return out;
  }
  const { header, rows } = readTable(text, fileName);
  const hc = header.findIndex((h) => HYP.test(h));
  const rcs = header.map((h, j) => j).filter((j) => REF.test(header[j]));
  const ic = header.findIndex((h) => ID.test(h));
  if (hc < 0 || !rcs.length)
    throw new Error(
      `${fileName}: needs a hypothesis column (hyp, hypothesis, prediction, …) and a reference column (ref, reference, target, ref_2, …); the header is ${header.join(', ')}`,
    );
  return {
    ids: rows.map((r, i) => (ic >= 0 ? r[ic] : String(i + 1))),
    preds: rows.map((r) => r[hc]),
    refs: rows.map((r) => rcs.map((j) => r[j]).filter((s, k) => k === 0 || s !== '')), // extra references may be empty
    columns: Object.fromEntries(
      header
        .map((h, j) => [h, j])
        .filter(([, j]) => j !== hc && j !== ic && !rcs.includes(j))
        .map(([h, j]) => [h, rows.map((r) => r[j])]),
    ),
  };
}

// The corpus metrics the picker offers: [id, metric, options, key into its result, label, inputs
// kind, picked by default]. 'first': the first reference per pair (error rates compare with one
// reference); 'lists': every reference. Every text metric the package registers with text inputs
// is here (tests/js/web-page-extras.test.mjs checks it against listMetrics()).
const CORPUS = [
  ['wer', 'WordErrorRate', {}, null, 'WER', 'first', true],
  ['cer', 'CharErrorRate', {}, null, 'CER', 'first', true],
  ['mer', 'MatchErrorRate', {}, null, 'MER', 'first', true],
  ['wil', 'WordInfoLost', {}, null, 'WIL', 'first', true],
  ['wip', 'WordInfoPreserved', {}, null, 'WIP', 'first', true],
  ['edit', 'EditDistance', {}, null, 'edit distance (characters, mean per pair)', 'first', false],
  ['bleu', 'BLEUScore', {}, null, 'BLEU', 'lists', true],
  ['sacrebleu', 'SacreBLEUScore', { tokenize: '13a' }, null, 'SacreBLEU (13a)', 'lists', true],
  ['sacrebleu-intl', 'SacreBLEUScore', { tokenize: 'intl' }, null, 'SacreBLEU (intl)', 'lists', false],
  ['sacrebleu-char', 'SacreBLEUScore', { tokenize: 'char' }, null, 'SacreBLEU (char)', 'lists', false],
  ['chrf++', 'CHRFScore', {}, null, 'chrF++ (chrF with word bigrams)', 'lists', true],
  ['chrf', 'CHRFScore', { nWordOrder: 0 }, null, 'chrF (characters only)', 'lists', false],
  ['ter', 'TranslationEditRate', {}, null, 'TER', 'lists', true],
  ['eed', 'ExtendedEditDistance', {}, null, 'EED (extended edit distance)', 'lists', false],
  ['rouge1', 'ROUGEScore', {}, 'rouge1_fmeasure', 'ROUGE-1 F', 'lists', true],
  ['rouge2', 'ROUGEScore', {}, 'rouge2_fmeasure', 'ROUGE-2 F', 'lists', true],
  ['rougeL', 'ROUGEScore', {}, 'rougeL_fmeasure', 'ROUGE-L F', 'lists', true],
  ['rougeLsum', 'ROUGEScore', {}, 'rougeLsum_fmeasure', 'ROUGE-Lsum F', 'lists', false],
];
const KINDS = Object.fromEntries(CORPUS.map(([, m, , , , kind]) => [m, kind]));
/** The picked corpus metrics, in the picker's order (all the defaults when `picked` is absent). */
const pickedCorpus = (picked) => {
  const ids = typeof picked === 'string' ? picked.split(',') : picked;
  return CORPUS.filter(([id, , , , , , on]) => (ids ? ids.includes(id) : on));
};
const PER_PAIR = ['WordErrorRate', 'CharErrorRate'];
const MAX_PER_PAIR = 5000; // one small metric per pair: a per-pair table beyond this is not worth its time

/**
 * One pair's alignment (the package's alignTranscripts) as runs to show: equal words, a
 * substitution (reference words → hypothesis words), a deletion (reference words the hypothesis
 * lacks), an insertion (hypothesis words the reference lacks).
 */
export function alignedRuns(a) {
  const words = (tokens, from, to) =>
    tokens
      .slice(from, to)
      .map((t) => t.text)
      .join(' ');
  return a.ops.map((op) => ({
    type: op.type,
    ref: words(a.targetTokens, op.targetStart, op.targetEnd),
    hyp: words(a.predsTokens, op.predStart, op.predEnd),
  }));
}

/** Per-pair WERs counted in bins of 0.1 from 0 to 1, and a last bin for WER ≥ 1 (insertions). */
export function werHistogram(values) {
  const counts = new Array(11).fill(0);
  for (const v of values) counts[Number.isFinite(v) ? Math.min(10, Math.floor(v * 10 + 1e-9)) : 10]++;
  return counts.map((count, k) => ({
    label: k < 10 ? `${(k / 10).toFixed(1)}–${((k + 1) / 10).toFixed(1)}` : '≥ 1.0',
    count,
  }));
}

/** The pair a user asked to see (by id): its WER, CER and word alignment; null when none is asked. */
function chosenPair(p, pair, wasmetrics) {
  const id = String(pair ?? '').trim();
  if (!id) return null;
  const i = p.ids.indexOf(id);
  if (i < 0)
    throw new Error(
      `align the pair with id: no pair "${id}" in the file (its ids: ${p.ids.slice(0, 5).join(', ')}${p.ids.length > 5 ? ', …' : ''})`,
    );
  const [a] = wasmetrics.alignTranscripts([p.preds[i]], [p.refs[i][0]], { unit: 'word' });
  return {
    index: i,
    id,
    hyp: p.preds[i],
    ref: p.refs[i][0],
    runs: alignedRuns(a),
    errors: a.errors,
    ...Object.fromEntries(PER_PAIR.map((m) => [m, computeMetric(wasmetrics, m, {}, inputsFor(p, m, i))])),
  };
}

function inputsFor(p, metric, pair) {
  const preds = pair === undefined ? p.preds : [p.preds[pair]];
  const refs = pair === undefined ? p.refs : [p.refs[pair]];
  return KINDS[metric] === 'first' ? [preds, refs.map((r) => r[0])] : [preds, refs];
}

/** The per-slice table and bar chart (slices.mjs), ordered by WER when it was picked. */
function renderSlices(slices, out) {
  const focus = sliceFocus(slices, 'WordErrorRate');
  out.append(
    ...sliceTable(slices, focus, (m, v, key) =>
      resultCell('td', {
        metric: m.name,
        value: v,
        options: m.options,
        key: m.key,
        extra: { slice: key, sliceBy: slices.column },
      }),
    ),
  );
  if (!focus) return;
  const plots = el('div', { class: 'plots' });
  out.append(plots);
  chartCell(plots, {
    id: 'slice-plot',
    fileName: `text-${focus.label.replace(/\W+/g, '-')}-per-${slices.column}.png`,
    ...sliceChart(slices, focus),
  });
}

export default {
  name: 'text',
  title: 'Text (WER, BLEU, …)',
  label: 'Text metrics: transcripts and translations',
  about:
    'One file of hypothesis/reference pairs: CSV or TSV with a hypothesis column (hyp, hypothesis, prediction, …) and one or more reference columns (ref, reference, target, ref_2, …), or JSON Lines with those keys (a reference key may hold a list). Or two plain-text files, hypotheses and references, one sentence a line; or two subtitle files (SRT or WebVTT), paired cue by cue.',
  inputs: [
    {
      role: 'text-pairs',
      label: 'Pairs (or hypotheses, one a line)',
      hint: 'CSV, TSV or JSONL; or a plain-text file of hypotheses with a references file beside it',
      accept: '.csv,.tsv,.txt,.jsonl,.json,.srt,.vtt',
    },
    {
      role: 'text-references',
      label: 'References, one a line (or subtitles)',
      hint: 'plain text paired with the hypotheses by line, or SRT/WebVTT paired by cue',
      accept: '.txt,.srt,.vtt',
      optional: true,
    },
  ],
  options: [
    sliceOption,
    { name: 'pair', label: 'align the pair with id', default: '' },
    {
      name: 'metrics',
      label: 'Corpus metrics',
      multiple: true,
      choices: CORPUS.map(([id, metric, options, key, label]) => ({ value: id, label, metric, options, key })),
      default: CORPUS.filter((c) => c[6]).map(([id]) => id),
    },
  ],
  samples: [
    { name: 'asr', label: 'Speech transcripts (TSV)', files: { 'text-pairs': 'samples/text-asr.tsv' } },
    { name: 'mt', label: 'Translations, 2 references (JSONL)', files: { 'text-pairs': 'samples/text-mt.jsonl' } },
    {
      name: 'lines',
      label: 'Subtitles (two .txt files, by line)',
      files: { 'text-pairs': 'samples/text-hyp.txt', 'text-references': 'samples/text-ref.txt' },
    },
    {
      name: 'cues',
      label: 'Subtitles (SRT against WebVTT, by cue)',
      files: { 'text-pairs': 'samples/subtitles-asr.srt', 'text-references': 'samples/subtitles-ref.vtt' },
    },
  ],

  async evaluate(files, wasmetrics, { metrics, pair = '', sliceBy } = {}, { progress = () => {} } = {}) {
    const p = pairsOf(files);
    const column = chooseSliceColumn(p.columns, sliceBy);
    const chosen = chosenPair(p, pair, wasmetrics);
    const picked = pickedCorpus(metrics);
    const corpus = picked.map(([, metric, options, key, label], j) => {
      progress(j / (picked.length + 1), `${label}`);
      try {
        return {
          metric,
          options,
          key,
          label,
          value: pick(computeMetric(wasmetrics, metric, options, inputsFor(p, metric)), key),
        };
      } catch (e) {
        return { metric, options, key, label, error: e.message };
      }
    });
    const n = p.preds.length;
    progress(picked.length / (picked.length + 1), 'WER and CER per pair');
    const perPair =
      n <= MAX_PER_PAIR
        ? p.preds.map((_, i) => ({
            index: i,
            id: p.ids[i],
            hyp: p.preds[i],
            ref: p.refs[i][0],
            ...Object.fromEntries(PER_PAIR.map((m) => [m, computeMetric(wasmetrics, m, {}, inputsFor(p, m, i))])),
          }))
        : null;
    const histogram = perPair ? werHistogram(perPair.map((x) => x.WordErrorRate)) : null;
    perPair?.sort(
      (a, b) => b.WordErrorRate - a.WordErrorRate || b.CharErrorRate - a.CharErrorRate || a.index - b.index,
    );
    const worst = perPair?.slice(0, 20) ?? null;
    if (worst) {
      const alignments = wasmetrics.alignTranscripts(
        worst.map((w) => w.hyp),
        worst.map((w) => w.ref),
        { unit: 'word' },
      );
      worst.forEach((w, k) => Object.assign(w, { runs: alignedRuns(alignments[k]), errors: alignments[k].errors }));
    }
    if (column) progress(1, `per ${column}`);
    const slices = column
      ? slicedMetrics(
          wasmetrics,
          column,
          p.columns[column],
          picked.map(([, name, options, key, label]) => ({ name, options, key, label, inputs: inputsFor(p, name) })),
        )
      : null;
    return {
      optionChoices: { sliceBy: sliceColumns(p.columns) },
      slices,
      chosen,
      histogram,
      file: [files['text-pairs'].name, files['text-references']?.name].filter(Boolean).join(' + '),
      pairs: n,
      references: Math.max(...p.refs.map((r) => r.length)),
      corpus,
      worst,
      perPairLimit: MAX_PER_PAIR,
    };
  },

  render(r, out, { ms, simd }) {
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.file}: ${r.pairs} pairs, up to ${r.references} reference(s) each; computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms. Error rates use the first reference; BLEU, chrF, TER and ROUGE use all.`,
      }),
    );
    out.append(
      el('h3', { text: 'Corpus scores' }),
      table(
        'text-corpus',
        ['metric', 'options', 'value'],
        r.corpus.map((c) => [
          c.label,
          JSON.stringify(c.options) === '{}' ? '' : JSON.stringify(c.options),
          c.error
            ? el('td', { class: 'error-text', text: c.error })
            : resultCell('td', { metric: c.metric, value: c.value, options: c.options, key: c.key }),
        ]),
      ),
    );
    const run = (x) =>
      x.type === 'equal'
        ? el('span', { text: `${x.ref} ` })
        : el(
            'span',
            { class: `align-${x.type}`, title: x.type },
            ...(x.ref ? [el('del', { text: x.ref })] : []),
            ...(x.hyp ? [el('ins', { text: x.hyp })] : []),
            ' ',
          );
    if (r.chosen) {
      const c = r.chosen;
      out.append(
        el('h3', { text: `Pair ${c.id}` }),
        table(
          'text-chosen',
          ['hypothesis', 'reference', 'WER', 'CER'],
          [
            [
              c.hyp,
              c.ref,
              resultCell('td', {
                metric: 'WordErrorRate',
                value: c.WordErrorRate,
                options: {},
                extra: { pair: String(c.index) },
              }),
              resultCell('td', {
                metric: 'CharErrorRate',
                value: c.CharErrorRate,
                options: {},
                extra: { pair: String(c.index) },
              }),
            ],
          ],
        ),
        el(
          'p',
          { class: 'alignment', dataset: { pair: String(c.index), chosen: '' } },
          el('b', { text: `${c.id} (${c.errors} error${c.errors === 1 ? '' : 's'}): ` }),
          ...c.runs.map(run),
        ),
      );
    }
    if (r.worst) {
      out.append(
        el('h3', { text: 'Worst pairs (highest WER first)' }),
        table(
          'text-worst',
          ['pair', 'hypothesis', 'reference', 'WER', 'CER'],
          r.worst.map((w) => [
            w.id,
            w.hyp,
            w.ref,
            resultCell('td', {
              metric: 'WordErrorRate',
              value: w.WordErrorRate,
              options: {},
              extra: { pair: String(w.index) },
            }),
            resultCell('td', {
              metric: 'CharErrorRate',
              value: w.CharErrorRate,
              options: {},
              extra: { pair: String(w.index) },
            }),
          ]),
        ),
      );
      out.append(
        el('h3', { text: 'Alignment of the worst pairs (words)' }),
        el('p', {
          class: 'muted',
          text: 'struck through: reference words the hypothesis replaced or missed; underlined: the hypothesis words put in their place or added',
        }),
        ...r.worst.map((w) =>
          el(
            'p',
            { class: 'alignment', dataset: { pair: String(w.index) } },
            el('b', { text: `${w.id} (${w.errors} error${w.errors === 1 ? '' : 's'}): ` }),
            ...w.runs.map(run),
          ),
        ),
      );
      const most = Math.max(1, ...r.histogram.map((b) => b.count));
      out.append(
        el('h3', { text: 'Per-pair WER' }),
        table(
          'text-wer-histogram',
          ['WER', 'pairs', ''],
          r.histogram.map((b) => [
            b.label,
            String(b.count),
            el(
              'td',
              {},
              Object.assign(el('span', { class: 'hbar' }), { style: `width: ${Math.round((160 * b.count) / most)}px` }),
            ),
          ]),
        ),
      );
      const plots = el('div', { class: 'plots' });
      out.append(plots);
      chartCell(plots, {
        id: 'text-wer-histogram-plot',
        title: 'Pairs by WER',
        fileName: 'text-wer-histogram.png',
        config: {
          type: 'bar',
          data: {
            labels: r.histogram.map((b) => b.label),
            datasets: [{ label: 'pairs', data: r.histogram.map((b) => b.count), backgroundColor: '#3b5bdb' }],
          },
          options: {
            plugins: { legend: { display: false } },
            scales: {
              x: { title: { display: true, text: 'WER' } },
              y: { title: { display: true, text: 'pairs' }, ticks: { precision: 0 } },
            },
          },
        },
      });
    } else
      out.append(
        el('p', { class: 'muted', text: `More than ${r.perPairLimit} pairs: the per-pair table is left out.` }),
      );
    if (r.slices) renderSlices(r.slices, out);
    const head = (m, key) => r.corpus.find((c) => c.metric === m && c.key === key && !c.error);
    return [
      ['WordErrorRate', null, 'WER'],
      ['CharErrorRate', null, 'CER'],
      ['SacreBLEUScore', null, 'SacreBLEU'],
      ['CHRFScore', null, 'chrF'],
    ]
      .map(([m, key, label]) => [head(m, key), label])
      .filter(([c]) => c)
      .map(([c, label]) => ({ label, metric: c.metric, value: c.value, options: c.options }));
  },

  /** A Node script printing the numbers shown (the page's reader included), for "Copy as code". */
  code(r, files) {
    return codeSnippet({
      title: 'Text',
      files,
      helpers: [readLinePairs, readCues, readCuePairs, requireUtf8, pairsOf, readPairs, inputsFor],
      consts: { HYP, REF, ID, SUBTITLES, KINDS, PER_PAIR, CORPUS: r.corpus.map((c) => [c.metric, c.options, c.key]) },
      body: `
const p = pairsOf(files);
for (const [metric, options, key] of CORPUS) cells.push({ metric, options, ...(key ? { key } : {}), value: pick(computeMetric(wasmetrics, metric, options, inputsFor(p, metric)), key) });
${
  r.slices
    ? `// per ${r.slices.column} (the page's slices table): one SlicedMetric per metric, one pass
const sliceBy = ${JSON.stringify(r.slices.column)};
for (const [metric, options, key] of CORPUS) {
  const sliced = new wasmetrics.SlicedMetric(wasmetrics.createMetric(metric, options));
  try {
    sliced.update(...inputsFor(p, metric), p.columns[sliceBy]);
    for (const s of plain(sliced.compute()).slices) cells.push({ metric, options, ...(key ? { key } : {}), slice: JSON.stringify(s.key), sliceBy, count: s.count, value: pick(s.value, key) });
  } catch (e) {
    console.error(metric, 'per slice:', e.message); // the page shows it under the slices table
  } finally {
    sliced.dispose();
  }
}`
    : ''
}
${r.chosen || r.worst ? 'p.preds.forEach((_, i) => { for (const metric of PER_PAIR) cells.push({ metric, options: {}, pair: String(i), value: computeMetric(wasmetrics, metric, {}, inputsFor(p, metric, i)) }); });' : ''}
`,
    });
  },

  csvRows(r) {
    return [
      ['section', 'name', 'key', 'value'],
      ...r.corpus.map((c) => ['corpus', c.metric, c.key ?? '', c.error ?? c.value]),
      ...(r.worst ?? []).flatMap((w) => PER_PAIR.map((m) => ['pair', w.id, m, w[m]])),
      ...(r.slices?.metrics ?? []).flatMap((m) =>
        (m.slices ?? []).map((s) => [
          `slice ${r.slices.column}=${s.key} (${s.count} pairs)`,
          m.name,
          m.key ?? '',
          s.value ?? '',
        ]),
      ),
    ];
  },

  /** The package's value for a shown cell: its metric on the whole file, or on its one pair. */
  async expected(cell, files, wasmetrics) {
    const p = pairsOf(files);
    if (cell.slice !== undefined) {
      // the slice's pairs picked here, the metric run on them alone
      const key = JSON.parse(cell.slice);
      const idx = p.columns[cell.sliceBy].flatMap((k, i) => (k === key ? [i] : []));
      const [preds, target] = inputsFor(p, cell.metric);
      return pick(
        computeMetric(wasmetrics, cell.metric, cell.options, [rowsAt(preds, idx), rowsAt(target, idx)]),
        cell.key,
      );
    }
    const pair = cell.pair === undefined ? undefined : Number(cell.pair);
    return pick(computeMetric(wasmetrics, cell.metric, cell.options, inputsFor(p, cell.metric, pair)), cell.key);
  },
};
