// The Audio mode (issue 23): estimated recordings (enhanced, separated) and their references,
// WAV files paired by name (lib/match.mjs, as the masks cell pairs). Read by the package's
// readWav (PCM 8/16/24/32-bit, float 32/64-bit, WAVE_FORMAT_EXTENSIBLE, any rate and channel
// count) and checked by audioPair (rates, channels, lengths); per file SI-SDR, SDR and SNR by the
// package's metrics (the mean over the channels), worst SI-SDR first, and the dataset values
// (every signal of every file). With several channels taken as sources, PermutationInvariantTraining
// (SI-SDR, max) scores the files and the permutation it chose is shown, the other metrics then
// computed on the estimate's channels in that order.
import { maskKey, matchMasks } from '../lib/match.mjs';
import { codeSnippet, computeMetric, pick, resultCell, table } from '../mode-lib.mjs';
import { el } from '../ui.mjs';

const EST = 'audio-estimate',
  REF = 'audio-reference';
const METRICS = [
  ['ScaleInvariantSignalDistortionRatio', 'SI-SDR (dB)'],
  ['SignalDistortionRatio', 'SDR (dB)'],
  ['SignalNoiseRatio', 'SNR (dB)'],
];
const PIT = 'PermutationInvariantTraining';
const PIT_OPTIONS = { metricFunc: 'scale_invariant_signal_distortion_ratio', evalFunc: 'max' };
const SOURCES = 'sources: best permutation (PIT)',
  IN_ORDER = 'channels in order';
const MAX_PERMUTED = 6; // 720 permutations; more sources: PIT's value only
const WAVE_WIDTH = 480; // envelope columns drawn per channel

/** The picked files paired by name (lib/match.mjs), not read yet: throws when no name is on both sides. */
function matchFiles(files) {
  const est = files[EST] ?? [],
    ref = files[REF] ?? [];
  const match = matchMasks(est, ref, isWavFile);
  if (!match.pairs.length) {
    const what = [`${est.length} estimate and ${ref.length} reference file(s), no name on both sides`];
    if (match.skipped.length) what.push(`not .wav, skipped: ${match.skipped.slice(0, 10).join(', ')}`);
    if (match.onlyPred.length) what.push(`estimates without a reference: ${match.onlyPred.slice(0, 10).join(', ')}`);
    throw new Error(`no WAV pairs: ${what.join('; ')}`);
  }
  return match;
}

/** One matched pair read by the package's readWav and checked by audioPair: {name, est, ref, preds, target, sampleRate}. */
function readPair(wasmetrics, p) {
  const read = (f) => wasmetrics.readWav(f.bytes, { name: f.relativePath ?? f.name });
  const e = read(p.pred),
    r = read(p.target);
  return { name: p.name, est: e, ref: r, ...wasmetrics.audioPair(e, r) };
}

/** Every order of 0..n-1, in lexicographic order (itertools.permutations' order). */
function permutations(n) {
  if (n === 0) return [[]];
  const out = [];
  for (const rest of permutations(n - 1))
    for (let k = 0; k <= rest.length; k++) out.push([...rest.slice(0, k), n - 1, ...rest.slice(k)]);
  return out.sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

/** The estimate's channels reordered: channel s of the result is channel perm[s] of the estimate. */
function permuted(preds, perm) {
  const [c, t] = preds.shape;
  const data = new Float32Array(c * t);
  perm.forEach((from, s) => data.set(preds.data.subarray(from * t, (from + 1) * t), s * t));
  return { data, shape: [c, t] };
}

/**
 * PIT on a file of several sources: the package's PermutationInvariantTraining value, and the
 * permutation that gives it, found from the package's SI-SDR of every (estimate, reference)
 * channel pair (the first best in lexicographic order, as PIT's exhaustive search keeps it).
 */
function pitOf(wasmetrics, pair) {
  const [c, t] = pair.target.shape;
  const value = computeMetric(wasmetrics, PIT, PIT_OPTIONS, [
    { data: pair.preds.data, shape: [1, c, t] },
    { data: pair.target.data, shape: [1, c, t] },
  ]);
  if (c > MAX_PERMUTED) return { value, perm: null };
  const channel = (x, k) => ({ data: x.data.subarray(k * t, (k + 1) * t), shape: [t] });
  const sisdr = Array.from({ length: c }, (_, e) =>
    Array.from({ length: c }, (_, r) =>
      computeMetric(wasmetrics, 'ScaleInvariantSignalDistortionRatio', {}, [
        channel(pair.preds, e),
        channel(pair.target, r),
      ]),
    ),
  );
  let best = null,
    bestMean = -Infinity;
  for (const perm of permutations(c)) {
    const mean = perm.reduce((s, e, r) => s + sisdr[e][r], 0) / c;
    if (mean > bestMean) [best, bestMean] = [perm, mean];
  }
  return { value, perm: best };
}

/** The metrics of one file (estimate channels in `perm` order when given). */
function fileValues(wasmetrics, pair, perm) {
  const preds = perm ? permuted(pair.preds, perm) : pair.preds;
  return Object.fromEntries(
    METRICS.map(([metric]) => {
      try {
        return [metric, computeMetric(wasmetrics, metric, {}, [preds, pair.target])];
      } catch (e) {
        throw new Error(`${pair.name}: ${e.message}`);
      }
    }),
  );
}

/** min/max of each of `width` columns of a signal: its waveform at that width. */
function envelope(signal, width) {
  const cols = Math.min(width, signal.length);
  const out = new Float32Array(2 * cols);
  for (let x = 0; x < cols; x++) {
    const a = Math.floor((x * signal.length) / cols),
      b = Math.max(a + 1, Math.floor(((x + 1) * signal.length) / cols));
    let lo = Infinity,
      hi = -Infinity;
    for (let i = a; i < b; i++) {
      lo = Math.min(lo, signal[i]);
      hi = Math.max(hi, signal[i]);
    }
    out[2 * x] = lo;
    out[2 * x + 1] = hi;
  }
  return out;
}

/**
 * Every pair, one at a time (one pair's samples in memory): PIT and its permutation when the
 * channels are sources, the metrics of the file, its waveforms, and each metric updated with
 * every file (the estimate in the order used) for the dataset, over all signals.
 */
function evaluateFiles(wasmetrics, files, asSources) {
  const match = matchFiles(files);
  const totals = METRICS.map(([metric]) => wasmetrics.createMetric(metric, {}));
  const rows = [];
  const waves = {};
  try {
    for (const matched of match.pairs) {
      const p = readPair(wasmetrics, matched);
      const [c, t] = p.target.shape;
      const pit = asSources && c > 1 ? pitOf(wasmetrics, p) : null;
      const preds = pit?.perm ? permuted(p.preds, pit.perm) : p.preds;
      totals.forEach((m) => m.update(preds, p.target));
      rows.push({
        name: p.name,
        estimate: p.est.name,
        reference: p.ref.name,
        sampleRate: p.sampleRate,
        channels: c,
        frames: t,
        seconds: t / p.sampleRate,
        pit: pit?.value ?? null,
        perm: pit?.perm ?? null,
        values: fileValues(wasmetrics, p, pit?.perm),
      });
      waves[p.name] = {
        ref: p.ref.channelData.map((x) => envelope(x, WAVE_WIDTH)),
        est: p.est.channelData.map((x) => envelope(x, WAVE_WIDTH)),
      };
    }
    return {
      match,
      rows,
      waves,
      dataset: Object.fromEntries(METRICS.map(([metric], i) => [metric, totals[i].compute()])),
    };
  } finally {
    totals.forEach((m) => m.dispose());
  }
}

function drawWave(canvas, env, colour) {
  const g = canvas.getContext('2d');
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  g.strokeStyle = colour;
  g.beginPath();
  const cols = env.length / 2;
  for (let x = 0; x < cols; x++) {
    const px = (x / cols) * width;
    g.moveTo(px, height / 2 - env[2 * x + 1] * (height / 2));
    g.lineTo(px, height / 2 - env[2 * x] * (height / 2) + 1);
  }
  g.stroke();
}

function drawWaves(box, file, wave) {
  const rows = wave.ref.map((refEnv, s) => {
    const canvas = (env, who, colour) => {
      const c = el('canvas', {
        width: WAVE_WIDTH,
        height: 60,
        role: 'img',
        'aria-label': `${who} waveform, channel ${s + 1} of ${file.name}`,
      });
      drawWave(c, env, colour);
      return c;
    };
    const from = file.perm ? file.perm[s] : s;
    return el(
      'div',
      { class: 'wave-row' },
      el('span', { class: 'muted', text: `channel ${s + 1}: reference` }),
      canvas(refEnv, 'reference', '#2a7ab0'),
      el('span', { class: 'muted', text: `estimate${from !== s ? ` (its channel ${from + 1})` : ''}` }),
      canvas(wave.est[from], 'estimate', '#c0502a'),
    );
  });
  box.replaceChildren(
    el('h3', { text: `${file.name}: waveforms (${file.seconds.toFixed(2)} s at ${file.sampleRate} Hz)` }),
    ...rows,
  );
}

export default {
  name: 'audio',
  title: 'Audio',
  label: 'Audio quality: estimated recordings against their references (SI-SDR, SDR, SNR)',
  about:
    'Estimated recordings (enhanced, separated) and their references: WAV files (PCM 8/16/24/32-bit or float, any rate, mono or several channels) paired by name. Files of a pair must have the same rate, channel count and length. Channels can be taken as separated sources: PIT then finds the best matching.',
  inputs: [
    {
      role: EST,
      label: 'Estimated recordings',
      hint: 'WAV files',
      accept: '.wav',
      multiple: true,
      folder: true,
      binary: true,
    },
    {
      role: REF,
      label: 'Reference recordings',
      hint: 'same names as the estimates',
      accept: '.wav',
      multiple: true,
      folder: true,
      binary: true,
    },
  ],
  options: [{ name: 'channels', label: 'several channels are', choices: [SOURCES, IN_ORDER], default: SOURCES }],
  samples: [
    {
      name: 'speech-and-duet',
      label: 'Noisy speech, two separated sources',
      files: {
        [EST]: ['samples/audio/estimate/duet.wav', 'samples/audio/estimate/speech.wav'],
        [REF]: ['samples/audio/reference/duet.wav', 'samples/audio/reference/speech.wav'],
      },
    },
  ],

  evaluate(files, wasmetrics, { channels = SOURCES } = {}) {
    const { match, rows, waves, dataset } = evaluateFiles(wasmetrics, files, channels === SOURCES);
    rows.sort(
      (a, b) =>
        a.values.ScaleInvariantSignalDistortionRatio - b.values.ScaleInvariantSignalDistortionRatio ||
        a.name.localeCompare(b.name),
    );
    return {
      channels,
      files: rows,
      dataset,
      waves,
      unmatched: {
        estimates: match.onlyPred,
        references: match.onlyTarget,
        skipped: match.skipped,
        duplicates: match.duplicates,
      },
    };
  },

  render(r, out, { ms, simd }) {
    Object.defineProperty(r, 'waves', { enumerable: false }); // drawings, not part of the JSON export
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.files.length} recording pair(s); several channels taken as ${r.channels === SOURCES ? 'sources matched by PIT (SI-SDR)' : 'channels compared in order'}. Computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const u = r.unmatched;
    const warnings = [
      [u.estimates, 'Estimates without a reference of the same name, left out'],
      [u.references, 'References without an estimate of the same name, left out'],
      [u.skipped, 'Not .wav, skipped'],
      [u.duplicates, 'Same name twice on one side, first kept'],
    ].filter(([l]) => l.length);
    if (warnings.length)
      out.append(
        el(
          'ul',
          { class: 'warn', dataset: { warnings: '' } },
          ...warnings.map(([l, t]) =>
            el('li', { text: `${t} (${l.length}): ${l.slice(0, 20).join(', ')}${l.length > 20 ? ', …' : ''}` }),
          ),
        ),
      );
    out.append(
      el('h3', { text: 'Dataset (every signal of every file)' }),
      table(
        'audio-dataset',
        ['metric', 'value'],
        METRICS.map(([metric, label]) => [
          label,
          resultCell('td', {
            metric,
            value: r.dataset[metric],
            options: {},
            extra: { scope: 'dataset', channels: r.channels === SOURCES ? 'pit' : 'in-order' },
          }),
        ]),
      ),
    );
    const anyPit = r.files.some((f) => f.pit !== null);
    const waveBox = el('div', { class: 'waves', dataset: { waves: '' } });
    const show = (f) => drawWaves(waveBox, f, r.waves[f.name]);
    out.append(
      el('h3', { text: 'Per file (worst SI-SDR first; the mean over the channels)' }),
      table(
        'audio-per-file',
        [
          'file',
          'rate',
          'channels',
          'seconds',
          ...METRICS.map(([, l]) => l),
          ...(anyPit ? ['PIT SI-SDR (dB)', 'estimate channel per reference'] : []),
          'view',
        ],
        r.files.map((f) => [
          f.name,
          `${f.sampleRate} Hz`,
          String(f.channels),
          f.seconds.toFixed(2),
          ...METRICS.map(([metric]) =>
            resultCell('td', { metric, value: f.values[metric], options: {}, extra: { pair: f.name, perm: f.perm } }),
          ),
          ...(anyPit
            ? [
                f.pit === null
                  ? '—'
                  : resultCell('td', { metric: PIT, value: f.pit, options: PIT_OPTIONS, extra: { pair: f.name } }),
                f.perm
                  ? f.perm.map((e, s) => `${s + 1}←${e + 1}`).join(', ')
                  : f.pit === null
                    ? '—'
                    : `more than ${MAX_PERMUTED} sources`,
              ]
            : []),
          el(
            'td',
            {},
            el('button', {
              type: 'button',
              dataset: { showFile: f.name },
              'aria-label': `show the waveforms of ${f.name}`,
              text: 'waveforms',
              onclick: () => show(f),
            }),
          ),
        ]),
      ),
    );
    out.append(waveBox);
    show(r.files[0]);
    return METRICS.map(([metric, label]) => ({
      label,
      metric,
      value: r.dataset[metric],
      options: {},
      dataset: { scope: 'dataset', channels: r.channels === SOURCES ? 'pit' : 'in-order' },
    }));
  },

  csvRows(r) {
    return [
      [
        'file',
        'estimate',
        'reference',
        'sample_rate',
        'channels',
        'frames',
        'si_sdr',
        'sdr',
        'snr',
        'pit_si_sdr',
        'permutation',
      ],
      ...r.files.map((f) => [
        f.name,
        f.estimate,
        f.reference,
        f.sampleRate,
        f.channels,
        f.frames,
        ...METRICS.map(([m]) => f.values[m]),
        f.pit ?? '',
        f.perm ? f.perm.join(' ') : '',
      ]),
    ];
  },

  /** A Node script printing the numbers shown: the same files read and paired by the package, the same metrics. */
  code(r, files) {
    return codeSnippet({
      title: 'Audio',
      files,
      helpers: [
        maskKey,
        matchMasks,
        isWavFile,
        matchFiles,
        readPair,
        permutations,
        permuted,
        pitOf,
        fileValues,
        envelope,
        evaluateFiles,
      ],
      consts: { EST, REF, METRICS, PIT, PIT_OPTIONS, MAX_PERMUTED, WAVE_WIDTH },
      body: `
const asSources = ${JSON.stringify(r.channels === SOURCES)}; // several channels: sources matched by PIT, or channels in order
const { rows, dataset } = evaluateFiles(wasmetrics, files, asSources);
for (const f of rows) {
  if (f.pit !== null) cells.push({ metric: PIT, options: PIT_OPTIONS, pair: f.name, value: f.pit, permutation: f.perm });
  for (const [metric, value] of Object.entries(f.values)) cells.push({ metric, options: {}, pair: f.name, perm: f.perm, value });
}
for (const [metric, value] of Object.entries(dataset)) cells.push({ metric, options: {}, scope: 'dataset', channels: asSources ? 'pit' : 'in-order', value });
`,
    });
  },

  /**
   * The package's value for a shown cell. A per-file cell computed with a permutation is checked to
   * be PIT's: the SI-SDR of the estimate in that order must equal PermutationInvariantTraining's value.
   */
  async expected(cell, files, wasmetrics) {
    const pairs = matchFiles(files).pairs.map((p) => readPair(wasmetrics, p));
    const sources = cell.channels === 'pit';
    const shownPerm = typeof cell.perm === 'string' ? JSON.parse(cell.perm) : (cell.perm ?? null); // data-perm on the page, a list in the script
    const permOf = (p) =>
      cell.pair !== undefined ? shownPerm : sources && p.target.shape[0] > 1 ? pitOf(wasmetrics, p).perm : null;
    const predsOf = (p) => (permOf(p) ? permuted(p.preds, permOf(p)) : p.preds);
    if (cell.pair === undefined) {
      // a dataset value
      const m = wasmetrics.createMetric(cell.metric, cell.options);
      try {
        for (const p of pairs) m.update(predsOf(p), p.target);
        return m.compute();
      } finally {
        m.dispose();
      }
    }
    const p = pairs.find((x) => x.name === cell.pair);
    const [c, t] = p.target.shape;
    if (cell.metric === PIT)
      return computeMetric(wasmetrics, PIT, cell.options, [
        { data: p.preds.data, shape: [1, c, t] },
        { data: p.target.data, shape: [1, c, t] },
      ]);
    const value = computeMetric(wasmetrics, cell.metric, cell.options, [predsOf(p), p.target]);
    if (shownPerm && cell.metric === 'ScaleInvariantSignalDistortionRatio') {
      const pit = computeMetric(wasmetrics, PIT, PIT_OPTIONS, [
        { data: p.preds.data, shape: [1, c, t] },
        { data: p.target.data, shape: [1, c, t] },
      ]);
      if (Math.abs(value - pit) > 1e-6 * Math.max(1, Math.abs(pit)))
        throw new Error(
          `${cell.pair}: permutation ${JSON.stringify(shownPerm)} gives SI-SDR ${value}, PIT's best is ${pit}`,
        );
    }
    return pick(value, cell.key);
  },
};

// A function declaration (codeSnippet copies helpers by their source).
function isWavFile(f) {
  return /\.wav$/i.test(f.name);
}
