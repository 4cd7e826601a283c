// The Annotation diff mode's review cell (web/js/modes/annodiff.mjs): the images sorted by number
// of problems, filterable by error type and class, and a viewer drawing both sets over the image
// (boxes, polygons, keypoints with their skeleton), each object coloured by its outcome, with
// keyboard navigation through the problems (n / p: next / previous problem; ← / →: image).
import { el, fmt, pngButton } from './ui.mjs';

export const OUTCOME_COLOURS = {
  matched: '#2b8a3e',
  missed: '#e8590c',
  fp: '#c92a2a',
  'wrong class': '#862e9c',
  ignored: '#868e96',
  unevaluated: '#868e96',
};
export const ERROR_TYPES = [
  ['all', 'every problem'],
  ['missed', 'missed (reference not found)'],
  ['fp', 'false positive (any)'],
  ['wrong class', 'wrong class'],
  ['duplicate', 'duplicate'],
  ['localisation', 'poor localisation'],
  ['background', 'background'],
];
const MAX_ROWS = 200;

/** The colour key of an object: its outcome, or "wrong class" for either side of a class swap. */
export const colourKey = (o) => (o.kind === 'wrong class' ? 'wrong class' : o.outcome);

/** Is object `o` (of `side`) a problem of error type `type` and class `cls` ('all' or an id)? */
export function isProblem(o, side, type, cls) {
  const problem = side === 'ref' ? o.outcome === 'missed' : o.outcome === 'fp';
  if (!problem) return false;
  if (cls !== 'all' && String(o.categoryId) !== String(cls)) return false;
  if (type === 'all') return true;
  if (type === 'missed') return side === 'ref';
  if (type === 'fp') return side === 'cand';
  if (type === 'wrong class') return o.kind === 'wrong class';
  return side === 'cand' && o.kind === type;
}

export function reviewCell(out, r, { call, hasImages }) {
  const names = new Map(r.categories.map((c) => [c.id, c.name]));
  const cats = new Map(r.categories.map((c) => [c.id, c]));
  const typeSelect = el(
    'select',
    { id: 'annodiff-filter-type' },
    ...ERROR_TYPES.map(([v, t]) => el('option', { value: v, text: t })),
  );
  const classSelect = el(
    'select',
    { id: 'annodiff-filter-class' },
    el('option', { value: 'all', text: 'every class' }),
    ...r.categories.map((c) => el('option', { value: String(c.id), text: c.name })),
  );
  const listBox = el('div', { class: 'table-scroll' });
  const canvas = el('canvas', {
    id: 'annodiff-viewer',
    width: 640,
    height: 480,
    role: 'img',
    style: 'display:block;max-width:100%;height:auto;border:1px solid var(--line)',
    'aria-label': 'the selected image with both sets of objects',
  });
  const caption = el('p', { class: 'muted', id: 'annodiff-viewer-caption', 'aria-live': 'polite' });
  const objectsBox = el('div', { class: 'table-scroll' });
  // colour swatches carry no text (the labels keep the page's text colour: contrast)
  const swatch = (c) => el('span', { class: 'swatch', 'aria-hidden': 'true', style: `background-color:${c}` });
  const legend = el(
    'div',
    {},
    el('p', { class: 'muted', text: 'Reference objects: solid lines; candidate objects: dashed.' }),
    el(
      'ul',
      { class: 'legend' },
      ...Object.entries(OUTCOME_COLOURS)
        .filter(([k]) => k !== 'unevaluated')
        .map(([k, c]) => el('li', {}, swatch(c), ` ${k === 'fp' ? 'false positive' : k}`)),
    ),
  );
  const prev = el('button', { type: 'button', dataset: { nav: 'previous-problem' }, text: '◀ previous problem (p)' });
  const next = el('button', { type: 'button', dataset: { nav: 'next-problem' }, text: 'next problem (n) ▶' });
  const viewer = el(
    'div',
    {
      class: 'annodiff-viewer',
      tabindex: '0',
      role: 'group',
      'aria-label': 'image viewer: n / p next / previous problem, arrow keys next / previous image',
    },
    el('p', { class: 'buttons' }, prev, ' ', next),
    legend,
    el('div', { class: 'plot' }, canvas),
    caption,
    objectsBox,
  );
  canvas.closest('.plot')?.prepend(pngButton(canvas, 'annodiff-image.png'));
  out.append(
    el('h3', { text: 'Images by number of problems' }),
    el(
      'p',
      { class: 'opts' },
      el('label', { for: 'annodiff-filter-type', text: 'Error type ' }),
      typeSelect,
      ' ',
      el('label', { for: 'annodiff-filter-class', text: 'Class ' }),
      classSelect,
    ),
    listBox,
    el('h3', { text: 'Viewer' }),
    viewer,
  );

  let shown = []; // images of the current filter, most problems first
  let problems = []; // [{image index in shown, side, id}] in list order
  let at = -1; // index into problems
  let current = null; // the image drawn
  let selected = null; // {side, id}
  const images = r.images;

  const problemsOf = (im, type, cls) => [
    ...im.ref.filter((o) => isProblem(o, 'ref', type, cls)).map((o) => ({ side: 'ref', o })),
    ...im.cand.filter((o) => isProblem(o, 'cand', type, cls)).map((o) => ({ side: 'cand', o })),
  ];

  function filter() {
    const [type, cls] = [typeSelect.value, classSelect.value];
    shown = images
      .map((im) => ({ im, list: problemsOf(im, type, cls) }))
      .filter((x) => x.list.length)
      .sort((a, b) => b.list.length - a.list.length || a.im.id - b.im.id);
    problems = shown.flatMap((x, i) => x.list.map((p) => ({ i, side: p.side, id: p.o.id })));
    const rows = shown.slice(0, MAX_ROWS).map((x, i) =>
      el(
        'tr',
        { dataset: { image: String(x.im.id) } },
        el(
          'td',
          {},
          el('button', {
            type: 'button',
            class: 'link',
            text: x.im.file_name,
            onclick: () => go(problems.findIndex((p) => p.i === i)),
          }),
        ),
        el('td', {
          class: 'num',
          text: String(x.list.length),
          dataset: { value: String(x.list.length), count: 'problems' },
        }),
        el('td', { class: 'num', text: String(x.list.filter((p) => p.side === 'ref').length) }),
        el('td', { class: 'num', text: String(x.list.filter((p) => p.side === 'cand').length) }),
      ),
    );
    listBox.replaceChildren(
      el('p', {
        class: 'muted',
        id: 'annodiff-images-count',
        text: `${shown.length} image${shown.length === 1 ? '' : 's'} with ${problems.length} problem${problems.length === 1 ? '' : 's'} of this kind${shown.length > MAX_ROWS ? ` (the first ${MAX_ROWS} listed; n / p step through all)` : ''}.`,
      }),
      el(
        'table',
        { id: 'annodiff-images' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Image', 'Problems', 'Reference (missed)', 'Candidate (false pos.)'].map((h) =>
              el('th', { text: h, scope: 'col' }),
            ),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
    );
    at = -1;
    if (problems.length) go(0);
    else if (images.length) show(images[0], null);
  }

  function go(k) {
    if (!problems.length) return;
    at = (k + problems.length) % problems.length;
    const p = problems[at];
    show(shown[p.i].im, { side: p.side, id: p.id });
  }

  function stepImage(d) {
    const list = shown.length ? shown.map((x) => x.im) : images;
    const k = list.indexOf(current);
    const im = list[(k + d + list.length) % list.length];
    const first = problems.findIndex((p) => shown[p.i]?.im === im);
    if (first >= 0) go(first);
    else show(im, null);
  }

  async function show(im, sel) {
    current = im;
    selected = sel;
    for (const tr of listBox.querySelectorAll('tr[data-image]'))
      tr.classList.toggle('active', tr.dataset.image === String(im.id));
    const [w, h] = [im.width || 640, im.height || 480];
    const scale = Math.min(3, 720 / w); // small images drawn larger, large ones fitted
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const g = canvas.getContext('2d');
    g.fillStyle = '#f1f3f5';
    g.fillRect(0, 0, canvas.width, canvas.height);
    let note = '';
    if (hasImages) {
      try {
        const pic = await call('image', { fileName: im.file_name });
        if (current !== im) return; // another image was picked meanwhile
        if (pic.problem) note = pic.problem;
        else {
          const off = new OffscreenCanvas(pic.width, pic.height);
          off.getContext('2d').putImageData(new ImageData(pic.rgba, pic.width, pic.height), 0, 0);
          g.drawImage(off, 0, 0, canvas.width, canvas.height);
        }
      } catch (e) {
        note = e.message;
      }
    }
    try {
      const geo = await call('geometry', { imageId: im.id });
      if (current !== im) return;
      for (const side of ['ref', 'cand']) {
        const byId = new Map(geo[side].map((o) => [o.id, o]));
        for (const o of im[side]) Object.assign(o, byId.get(o.id) ?? {});
      }
    } catch (e) {
      note = `${note ? `${note}; ` : ''}${e.message}`;
    }
    draw(g, im, scale);
    const sel2 = selected && (selected.side === 'ref' ? im.ref : im.cand).find((o) => o.id === selected.id);
    caption.textContent =
      `${im.file_name} (${im.ref.length} reference, ${im.cand.length} candidate objects, ${im.problems} problem${im.problems === 1 ? '' : 's'})` +
      (sel2
        ? `; selected: ${selected.side === 'ref' ? 'reference' : 'candidate'} ${names.get(sel2.categoryId)} #${sel2.id}, ${sel2.kind || sel2.outcome}${sel2.iou !== null ? `, ${similarityName} ${fmt(sel2.iou)}` : ''}`
        : '') +
      (problems.length && at >= 0 ? ` — problem ${at + 1} of ${problems.length}` : '') +
      (note ? `. ${note}` : '');
    objectsTable(im);
  }

  function draw(g, im, scale) {
    g.save();
    g.scale(scale, scale);
    g.font = `${Math.round(12 / scale)}px sans-serif`;
    const one = (o, side) => {
      const colour = OUTCOME_COLOURS[colourKey(o)];
      const chosen = selected && selected.side === side && selected.id === o.id;
      g.strokeStyle = colour;
      g.fillStyle = colour;
      g.lineWidth = (chosen ? 4 : 2) / scale;
      g.setLineDash(side === 'cand' ? [6 / scale, 4 / scale] : []);
      if (o.polygons?.length) {
        g.globalAlpha = 0.15;
        for (const p of o.polygons) path(g, p, true);
        g.globalAlpha = 1;
        for (const p of o.polygons) path(g, p, false);
      }
      if (o.bbox) g.strokeRect(o.bbox[0], o.bbox[1], o.bbox[2], o.bbox[3]);
      if (o.keypoints) keypoints(g, o.keypoints, cats.get(o.categoryId)?.skeleton, scale);
      if (o.bbox && (chosen || colourKey(o) !== 'matched')) {
        // labels on problems and the selected object only: matched pairs would bury them
        const label = `${side === 'ref' ? 'R' : 'C'} ${names.get(o.categoryId) ?? o.categoryId}${o.iou !== null && o.iou !== undefined ? ` ${o.iou.toFixed(2)}` : ''}`;
        g.fillText(
          label,
          o.bbox[0] + 2 / scale,
          side === 'ref' ? o.bbox[1] + 12 / scale : o.bbox[1] + o.bbox[3] - 3 / scale,
        );
      }
    };
    for (const o of im.ref) one(o, 'ref');
    for (const o of im.cand) one(o, 'cand');
    g.restore();
  }

  // what an object's `iou` is: the similarity the matching used
  const similarityName = { bbox: 'Box IoU', segm: 'Mask IoU', keypoints: 'OKS' }[r.compare] ?? 'IoU';

  function objectsTable(im) {
    const row = (o, side) =>
      el(
        'tr',
        {
          class: selected && selected.side === side && selected.id === o.id ? 'active' : '',
          dataset: { side, object: String(o.id), outcome: o.outcome },
        },
        el('td', { text: side === 'ref' ? 'reference' : 'candidate' }),
        el('td', { text: String(o.id) }),
        el('td', { text: names.get(o.categoryId) ?? String(o.categoryId) }),
        el(
          'td',
          {},
          el('span', {
            'aria-hidden': 'true',
            style: `display:inline-block;width:0.8em;height:0.8em;margin-right:0.3em;background-color:${OUTCOME_COLOURS[colourKey(o)]}`,
          }),
          o.outcome === 'fp' ? 'false positive' : o.outcome,
        ),
        el('td', { text: o.kind }),
        el('td', {
          class: 'num',
          text: o.iou === null || o.iou === undefined ? '' : fmt(o.iou),
          dataset: { similarity: o.iou === null || o.iou === undefined ? '' : String(o.iou) },
        }),
        el('td', { text: o.partner === null ? '' : String(o.partner) }),
        el('td', { class: 'num', text: o.score === undefined ? '' : fmt(o.score) }),
      );
    objectsBox.replaceChildren(
      el(
        'table',
        { id: 'annodiff-objects' },
        el('caption', { text: `Objects of ${im.file_name}` }),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Set', 'Id', 'Class', 'Outcome', 'Error', similarityName, 'Paired with', 'Score'].map((t) =>
              el('th', { text: t, scope: 'col' }),
            ),
          ),
        ),
        el('tbody', {}, ...im.ref.map((o) => row(o, 'ref')), ...im.cand.map((o) => row(o, 'cand'))),
      ),
    );
  }

  prev.addEventListener('click', () => go(at - 1));
  next.addEventListener('click', () => go(at + 1));
  viewer.addEventListener('keydown', (e) => {
    if (e.target !== viewer && e.target.tagName === 'BUTTON' && e.key === 'Enter') return;
    const k = {
      n: () => go(at + 1),
      j: () => go(at + 1),
      p: () => go(at - 1),
      k: () => go(at - 1),
      ArrowRight: () => stepImage(1),
      ArrowLeft: () => stepImage(-1),
    }[e.key];
    if (!k) return;
    e.preventDefault();
    k();
  });
  typeSelect.addEventListener('change', filter);
  classSelect.addEventListener('change', filter);
  filter();
}

function path(g, flat, fill) {
  g.beginPath();
  for (let i = 0; i + 1 < flat.length; i += 2) (i ? g.lineTo : g.moveTo).call(g, flat[i], flat[i + 1]);
  g.closePath();
  if (fill) g.fill();
  else g.stroke();
}

function keypoints(g, kp, skeleton, scale) {
  const pt = (k) => (kp[3 * k + 2] > 0 ? [kp[3 * k], kp[3 * k + 1]] : null);
  for (const [a, b] of skeleton ?? []) {
    const [p, q] = [pt(a - 1), pt(b - 1)];
    if (!p || !q) continue;
    g.beginPath();
    g.moveTo(...p);
    g.lineTo(...q);
    g.stroke();
  }
  for (let k = 0; 3 * k + 2 < kp.length; k++) {
    const p = pt(k);
    if (!p) continue;
    g.beginPath();
    g.arc(p[0], p[1], 3 / scale, 0, 2 * Math.PI);
    g.fill();
  }
}
