// The Image-pair mode (issue 23): estimated images (restored, compressed, generated) and their
// references, two folders or file lists paired by name as the masks cell pairs (lib/match.mjs:
// path inside the folder, extension dropped, so "a.jpg" pairs with "a.png"). PNG (8/16-bit, grey,
// RGB, RGBA, palette) and JPEG are decoded by the package's readImage (alpha left out: the
// colours are compared), data_range from the bit depth; per pair PSNR, SSIM and MS-SSIM by the
// package's metrics, worst SSIM first, and the dataset means; for a chosen pair both images with
// a slider between them and the SSIM map (return_full_image) as a heat map.
import { maskKey, matchMasks } from '../lib/match.mjs';
import { codeSnippet, computeMetric, pick, resultCell, table } from '../mode-lib.mjs';
import { el, fmt } from '../ui.mjs';

const EST = 'images-estimate',
  REF = 'images-reference';
const METRICS = [
  ['PeakSignalNoiseRatio', 'PSNR (dB)'],
  ['StructuralSimilarityIndexMeasure', 'SSIM'],
  ['MultiScaleStructuralSimilarityIndexMeasure', 'MS-SSIM'],
];

/** The picked files paired by name (lib/match.mjs), not read yet: throws when no name is on both sides. */
function matchFiles(files) {
  const est = files[EST] ?? [],
    ref = files[REF] ?? [];
  const match = matchMasks(est, ref, isImageFile);
  if (!match.pairs.length) {
    const what = [`${est.length} estimate and ${ref.length} reference file(s), no name on both sides`];
    if (match.skipped.length) what.push(`not .png/.jpg, skipped: ${match.skipped.slice(0, 10).join(', ')}`);
    if (match.onlyPred.length) what.push(`estimates without a reference: ${match.onlyPred.slice(0, 10).join(', ')}`);
    throw new Error(`no image pairs: ${what.join('; ')}`);
  }
  return match;
}

/** One matched pair decoded by the package (alpha left out) and checked: {name, est, ref, preds, target, dataRange}. */
function readPair(wasmetrics, p) {
  const read = (f) => wasmetrics.readImage(f.bytes, { name: f.relativePath ?? f.name, alpha: 'drop' });
  const e = read(p.pred),
    r = read(p.target);
  return { name: p.name, est: e, ref: r, ...wasmetrics.imagePair(e, r) };
}

/** A metric's options on a pair: the data range of the bit depth. */
const optionsOf = (metric, dataRange) => ({ dataRange });
/** PSNR over the dataset: one value per image (dim 1, 2, 3), then their mean, as papers report it. */
const datasetOptionsOf = (metric, dataRange) =>
  metric === 'PeakSignalNoiseRatio' ? { dataRange, dim: [1, 2, 3] } : { dataRange };

/** One metric on one pair; MS-SSIM refuses images too small for its five scales: the package's reason is kept. */
function pairValue(wasmetrics, metric, pair) {
  try {
    return { value: computeMetric(wasmetrics, metric, optionsOf(metric, pair.dataRange), [pair.preds, pair.target]) };
  } catch (e) {
    if (metric !== 'MultiScaleStructuralSimilarityIndexMeasure') throw new Error(`${pair.name}: ${e.message}`);
    return { value: null, why: e.message.replace(/^MultiScaleStructuralSimilarityIndexMeasure: /, '') };
  }
}

/**
 * Every pair, one at a time (only one pair's pixels in memory): its PSNR, SSIM, MS-SSIM, and
 * the same metrics updated with every pair they apply to, for the dataset (none when the pairs'
 * data ranges differ). {match, rows: [{name, ..., values}], dataset: {metric: {value, options, count} | null}, ranges}
 */
function evaluatePairs(wasmetrics, files) {
  const match = matchFiles(files);
  const totals = {}; // metric -> {m, count}, created with the first pair's data range
  const ranges = new Set();
  const rows = [];
  try {
    for (const matched of match.pairs) {
      const p = readPair(wasmetrics, matched);
      ranges.add(p.dataRange);
      const values = Object.fromEntries(METRICS.map(([metric]) => [metric, pairValue(wasmetrics, metric, p)]));
      if (ranges.size === 1) {
        for (const [metric] of METRICS) {
          if (values[metric].value === null) continue;
          totals[metric] ??= {
            m: wasmetrics.createMetric(metric, datasetOptionsOf(metric, p.dataRange)),
            count: 0,
            options: datasetOptionsOf(metric, p.dataRange),
          };
          totals[metric].m.update(p.preds, p.target);
          totals[metric].count++;
        }
      }
      rows.push({
        name: p.name,
        estimate: p.est.name,
        reference: p.ref.name,
        width: p.ref.width,
        height: p.ref.height,
        channels: p.ref.shape[0],
        bitDepth: Math.max(p.est.bitDepth, p.ref.bitDepth),
        dataRange: p.dataRange,
        formats: `${p.est.format}/${p.ref.format}`,
        ...values,
      });
    }
    const dataset = Object.fromEntries(
      METRICS.map(([metric]) => [
        metric,
        ranges.size === 1 && totals[metric]
          ? { value: totals[metric].m.compute(), options: totals[metric].options, count: totals[metric].count }
          : null,
      ]),
    );
    return { match, rows, dataset, ranges: [...ranges] };
  } finally {
    for (const t of Object.values(totals)) t.m.dispose();
  }
}

/** 8-bit RGBA of a decoded image for a canvas (16-bit shown by its high byte; grey as grey). */
function displayPixels(img) {
  const [c, h, w] = img.shape;
  const plane = h * w;
  const scale = 255 / img.dataRange;
  const out = new Uint8ClampedArray(4 * plane);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) out[4 * i + k] = img.data[(c === 1 ? 0 : k) * plane + i] * scale;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** The chosen pair's SSIM with its map (return_full_image), the map averaged over channels, and both images to draw. */
function pairDetail(wasmetrics, files, name) {
  const matched = matchFiles(files).pairs.find((x) => x.name === name);
  if (!matched) throw new Error(`no pair named ${name}`);
  const p = readPair(wasmetrics, matched); // this pair only
  const options = { dataRange: p.dataRange, returnFullImage: true };
  const m = wasmetrics.createMetric('StructuralSimilarityIndexMeasure', options);
  try {
    m.update(p.preds, p.target);
    const r = m.compute();
    const [, c, h, w] = r.image.shape;
    const map = new Float32Array(h * w);
    for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) map[i] += r.image.data[k * h * w + i] / c;
    let lo = Infinity;
    for (const v of map) lo = Math.min(lo, v);
    return {
      name,
      width: w,
      height: h,
      options,
      ssim: r.ssim,
      map,
      mapMin: lo,
      est: displayPixels(p.est),
      ref: displayPixels(p.ref),
      estName: p.est.name,
      refName: p.ref.name,
    };
  } finally {
    m.dispose();
  }
}

// ---- drawing (page only) ----
// A perceptual ramp (viridis' ends and middle) for the SSIM map: 0 (or below) dark, 1 bright.
const RAMP = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
function rampColour(v) {
  const x = Math.min(1, Math.max(0, v)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x)),
    f = x - i;
  return RAMP[i].map((a, k) => a + (RAMP[i + 1][k] - a) * f);
}
function canvasOf(width, height, rgba, label) {
  const c = el('canvas', { width, height, role: 'img', 'aria-label': label });
  if (width < 320) c.style.width = `${width * Math.ceil(320 / width)}px`; // small images drawn larger (pixelated)
  c.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return c;
}
function drawDetail(box, d) {
  const heat = new Uint8ClampedArray(4 * d.map.length);
  d.map.forEach((v, i) => {
    const [r, g, b] = rampColour(v);
    heat.set([r, g, b, 255], 4 * i);
  });
  const estCanvas = canvasOf(d.width, d.height, d.est, `estimate ${d.estName}`);
  const frame = el(
    'div',
    { class: 'compare' },
    canvasOf(d.width, d.height, d.ref, `reference ${d.refName}`),
    estCanvas,
  );
  const slider = el('input', {
    type: 'range',
    min: 0,
    max: 100,
    value: 50,
    'aria-label': 'split between reference (left) and estimate (right)',
    dataset: { compareSlider: '' },
  });
  const split = () => {
    estCanvas.style.clipPath = `inset(0 0 0 ${slider.value}%)`;
  };
  slider.addEventListener('input', split);
  split();
  box.replaceChildren(
    el('h3', { text: `${d.name}: reference | estimate, and where they differ` }),
    el(
      'p',
      { class: 'muted' },
      `SSIM of this pair `,
      resultCell('span', {
        metric: 'StructuralSimilarityIndexMeasure',
        value: d.ssim,
        options: d.options,
        key: 'ssim',
        extra: { pair: d.name },
      }),
      `; the map is SSIM per pixel (return_full_image), the mean over channels, lowest ${fmt(d.mapMin)}.`,
    ),
    el(
      'div',
      { class: 'pair-view' },
      el(
        'figure',
        {},
        frame,
        slider,
        el('figcaption', { text: `◀ reference ${d.refName} · estimate ${d.estName} ▶ (drag the slider)` }),
      ),
      el(
        'figure',
        {},
        canvasOf(
          d.width,
          d.height,
          heat,
          `SSIM map of ${d.name}: bright where the images agree, dark where they differ`,
        ),
        el('figcaption', {}, el('span', { class: 'ramp', 'aria-hidden': 'true' }), ' SSIM ≤ 0 (dark) … 1 (bright)'),
      ),
    ),
  );
}

export default {
  name: 'images',
  title: 'Image pairs',
  label: 'Image quality: estimated images against their references (PSNR, SSIM, MS-SSIM)',
  about:
    'Estimated images (restored, compressed, generated) and their references, as two folders or file lists paired by name ("a.jpg" pairs with "a.png"). PNG (8/16-bit, grey, RGB, RGBA, palette) and JPEG; the alpha channel is left out, data_range comes from the bit depth (255 or 65535).',
  inputs: [
    {
      role: EST,
      label: 'Estimated images',
      hint: 'PNG or JPEG files',
      accept: '.png,.jpg,.jpeg',
      multiple: true,
      folder: true,
      binary: true,
    },
    {
      role: REF,
      label: 'Reference images',
      hint: 'same names as the estimates',
      accept: '.png,.jpg,.jpeg',
      multiple: true,
      folder: true,
      binary: true,
    },
  ],
  samples: [
    {
      name: 'restorations',
      label: 'JPEG, blur and noise (3 pairs)',
      files: {
        [EST]: [
          'samples/images/estimate/harbour.jpg',
          'samples/images/estimate/icon.png',
          'samples/images/estimate/texture.png',
        ],
        [REF]: [
          'samples/images/reference/harbour.png',
          'samples/images/reference/icon.png',
          'samples/images/reference/texture.png',
        ],
      },
    },
  ],

  evaluate(files, wasmetrics) {
    const { match, rows, dataset, ranges } = evaluatePairs(wasmetrics, files);
    // worst SSIM first (ties by name)
    const images = rows.sort(
      (a, b) =>
        a.StructuralSimilarityIndexMeasure.value - b.StructuralSimilarityIndexMeasure.value ||
        a.name.localeCompare(b.name),
    );
    return {
      images,
      dataset,
      ranges,
      unmatched: {
        estimates: match.onlyPred,
        references: match.onlyTarget,
        skipped: match.skipped,
        duplicates: match.duplicates,
      },
      detail: pairDetail(wasmetrics, files, images[0].name),
    };
  },

  calls: { detail: (files, wasmetrics, options, { name }) => pairDetail(wasmetrics, files, name) },

  render(r, out, { ms, simd, call }) {
    Object.defineProperty(r, 'detail', { enumerable: false }); // pixels are not part of the JSON export
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.images.length} image pair(s); computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const u = r.unmatched;
    const warnings = [
      [u.estimates, 'Estimates without a reference of the same name, left out'],
      [u.references, 'References without an estimate of the same name, left out'],
      [u.skipped, 'Not .png/.jpg/.jpeg, skipped'],
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

    out.append(el('h3', { text: 'Dataset' }));
    if (r.ranges.length > 1)
      out.append(
        el('p', {
          class: 'warn',
          text: `The pairs have different data ranges (${r.ranges.join(', ')}: bit depths differ), so no dataset mean is computed; the values per pair are.`,
        }),
      );
    out.append(
      table(
        'images-dataset',
        ['metric', 'mean over pairs', 'pairs'],
        METRICS.map(([metric, label]) => {
          const d = r.dataset[metric];
          return [
            label,
            d ? resultCell('td', { metric, value: d.value, options: d.options, extra: { scope: 'dataset' } }) : '—',
            d ? d.count : 0,
          ];
        }),
      ),
    );
    const why = [
      ...new Set(
        r.images
          .filter((x) => x.MultiScaleStructuralSimilarityIndexMeasure.why)
          .map((x) => x.MultiScaleStructuralSimilarityIndexMeasure.why),
      ),
    ];
    if (why.length)
      out.append(
        el('p', {
          class: 'muted',
          dataset: { msssimNote: '' },
          text: `MS-SSIM is left out for ${r.images.filter((x) => x.MultiScaleStructuralSimilarityIndexMeasure.why).length} pair(s): ${why.join('; ')} (five scales halve the image four times, each still wider than the 11-pixel window).`,
        }),
      );

    const detailBox = el('div', { class: 'pair-detail', dataset: { pairDetail: '' } });
    const choose = async (name) => {
      detailBox.setAttribute('aria-busy', 'true');
      try {
        drawDetail(detailBox, await call('detail', { name }));
      } catch (e) {
        detailBox.replaceChildren(el('p', { class: 'error', text: e.message }));
      } finally {
        detailBox.removeAttribute('aria-busy');
      }
    };
    out.append(
      el('h3', { text: 'Per pair (worst SSIM first)' }),
      table(
        'images-per-pair',
        ['pair', 'size', 'bits', ...METRICS.map(([, l]) => l), 'view'],
        r.images.map((x) => [
          x.name,
          `${x.width}×${x.height}×${x.channels}`,
          String(x.bitDepth),
          ...METRICS.map(([metric]) =>
            x[metric].value === null
              ? el('td', { text: '—', title: x[metric].why })
              : resultCell('td', {
                  metric,
                  value: x[metric].value,
                  options: optionsOf(metric, x.dataRange),
                  extra: { pair: x.name },
                }),
          ),
          el(
            'td',
            {},
            el('button', {
              type: 'button',
              dataset: { showPair: x.name },
              text: 'show',
              'aria-label': `show ${x.name}`,
              onclick: () => choose(x.name),
            }),
          ),
        ]),
      ),
    );
    out.append(detailBox);
    if (r.detail) drawDetail(detailBox, r.detail);
    return METRICS.filter(([m]) => r.dataset[m]).map(([metric, label]) => ({
      label: `${label} mean`,
      metric,
      value: r.dataset[metric].value,
      options: r.dataset[metric].options,
      dataset: { scope: 'dataset' },
    }));
  },

  csvRows(r) {
    return [
      [
        'pair',
        'estimate',
        'reference',
        'width',
        'height',
        'channels',
        'bit_depth',
        'data_range',
        'psnr',
        'ssim',
        'ms_ssim',
        'ms_ssim_note',
      ],
      ...r.images.map((x) => [
        x.name,
        x.estimate,
        x.reference,
        x.width,
        x.height,
        x.channels,
        x.bitDepth,
        x.dataRange,
        ...METRICS.map(([m]) => x[m].value ?? ''),
        x.MultiScaleStructuralSimilarityIndexMeasure.why ?? '',
      ]),
    ];
  },

  /** A Node script printing the numbers shown: the same files decoded and paired by the package, the same metrics. */
  code(r, files) {
    return codeSnippet({
      title: 'Image pairs',
      files,
      helpers: [
        maskKey,
        matchMasks,
        isImageFile,
        matchFiles,
        readPair,
        optionsOf,
        datasetOptionsOf,
        pairValue,
        evaluatePairs,
      ],
      consts: { EST, REF, METRICS },
      body: `
const { rows, dataset } = evaluatePairs(wasmetrics, files);
for (const row of rows) for (const [metric] of METRICS) if (row[metric].value !== null) cells.push({ metric, options: optionsOf(metric, row.dataRange), pair: row.name, value: row[metric].value });
for (const [metric] of METRICS) if (dataset[metric]) cells.push({ metric, options: dataset[metric].options, scope: 'dataset', value: dataset[metric].value });
`,
    });
  },

  /** The package's value for a shown cell: the metric on that pair, or updated with every pair. */
  async expected(cell, files, wasmetrics) {
    const pairs = matchFiles(files).pairs.map((p) => readPair(wasmetrics, p));
    if (cell.pair !== undefined) {
      const p = pairs.find((x) => x.name === cell.pair);
      return pick(computeMetric(wasmetrics, cell.metric, cell.options, [p.preds, p.target]), cell.key);
    }
    const m = wasmetrics.createMetric(cell.metric, cell.options);
    try {
      for (const p of pairs) {
        try {
          m.update(p.preds, p.target);
        } catch (e) {
          if (cell.metric !== 'MultiScaleStructuralSimilarityIndexMeasure') throw e; // too small for MS-SSIM: left out, as on the page
        }
      }
      return m.compute();
    } finally {
      m.dispose();
    }
  },
};

// A function declaration (codeSnippet copies helpers by their source).
function isImageFile(f) {
  return /\.(png|jpe?g)$/i.test(f.name);
}
