// The small framework every mode of the page shares (web/README.md, "Page contract"): DOM
// building, a mode's panel (its one error banner, its summary strip, its results area's
// data-state), field errors, downloads and CSV fields. A mode module imports this and nothing
// from another mode. User data only ever reaches the page as text (textContent).

export const $ = (sel, root = document) => root.querySelector(sel);

/** el('td', {class, text, dataset, on<event>, attr: value}, ...children) */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** A number as the page shows it (4 decimals, exponent when tiny or huge). */
export function fmt(v) {
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toFixed(4);
}

/**
 * A table cell showing a result: data-metric (the registered metric name), data-value (the full
 * precision number), and any of data-class / data-average / data-options in `extra`.
 */
export function metricCell(metric, value, extra = {}) {
  const dataset = { value: String(value), ...(metric ? { metric } : {}) };
  for (const [k, v] of Object.entries(extra))
    if (v !== undefined && v !== null) dataset[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return el('td', { class: 'num', text: fmt(value), dataset });
}

/**
 * The panel of one mode: [data-mode-panel=mode]. Its results area [data-results=mode] carries
 * data-state (empty | computing | ready | error); its banner (role=alert) is the one place an
 * error is announced, with a link to the failing cell; its summary strip shows headline numbers.
 */
export function modePanel(mode) {
  const panel = $(`[data-mode-panel="${mode}"]`);
  const results = $(`[data-results="${mode}"]`, panel);
  const banner = $('[data-banner]', panel);
  const summary = $('[data-summary]', panel);
  return {
    panel,
    results,
    get state() {
      return results.dataset.state;
    },
    setState(s) {
      results.dataset.state = s;
      results.setAttribute('aria-busy', String(s === 'computing'));
    },
    /** Shows `message` in the banner with a link to the cell (an element id), or hides it. */
    error(message, cellId = null, cellTitle = 'the cell') {
      banner.replaceChildren();
      banner.hidden = !message;
      if (!message) return;
      banner.append(
        el('strong', { text: 'Error' }),
        ` in ${cellTitle}: `,
        el('span', { class: 'banner-text', text: message }),
      );
      if (cellId)
        banner.append(' ', el('a', { href: `#${cellId}`, 'data-cell-link': cellId, text: `go to ${cellTitle}` }));
    },
    /** The summary strip: [{label, metric, value, options, dataset}] or [] to clear it (dataset: more data-* of the cell). */
    summary(items) {
      summary.replaceChildren(
        ...items.map((it) =>
          el(
            'div',
            { class: 'headline' },
            el('span', { class: 'headline-label', text: it.label }),
            el('span', {
              class: 'headline-value',
              text: fmt(it.value),
              dataset: {
                metric: it.metric,
                value: String(it.value),
                ...(it.options ? { options: JSON.stringify(it.options) } : {}),
                ...(it.dataset ?? {}),
              },
            }),
          ),
        ),
      );
      summary.hidden = items.length === 0;
    },
  };
}

/** Marks a form field invalid with a message next to it (aria-describedby); null clears it. */
export function fieldError(input, message) {
  const id = `${input.id || input.dataset.option || 'field'}-error`;
  let box = input.parentElement.querySelector(`[data-field-error-for="${input.id || input.dataset.option}"]`);
  if (!message) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
    box?.remove();
    return;
  }
  if (!box) {
    box = el('span', { class: 'field-error', id, dataset: { fieldErrorFor: input.id || input.dataset.option } });
    input.after(box);
  }
  box.textContent = message;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
}

/** A field's value as a number in [min, max] (integer if asked); an empty or bad field throws, marked on the field. */
export function readNumberField(input, what, { min = -Infinity, max = Infinity, integer = false, allow = [] } = {}) {
  const raw = input.value.trim();
  let message = null;
  let v;
  if (allow.includes(raw)) v = raw;
  else if (raw === '')
    message = `${what} is empty: type a number${allow.length ? ` or ${allow.map((a) => `"${a}"`).join(' / ')}` : ''}`;
  else {
    v = Number(raw);
    if (!Number.isFinite(v)) message = `${what} must be a number, got "${raw}"`;
    else if (integer && !Number.isInteger(v)) message = `${what} must be an integer, got ${raw}`;
    else if (v < min || v > max) message = `${what} must be in [${min}, ${max}], got ${raw}`;
  }
  fieldError(input, message);
  if (message) throw Object.assign(new Error(message), { field: input });
  return v;
}

export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A canvas (a Chart.js chart's) as a PNG Blob of the canvas's own pixel size, drawn over an opaque
 * `background` (charts are transparent; the page shows them on white in both themes).
 */
export function canvasPng(canvas, { background = '#ffffff' } = {}) {
  const flat = document.createElement('canvas');
  flat.width = canvas.width;
  flat.height = canvas.height;
  const g = flat.getContext('2d');
  g.fillStyle = background;
  g.fillRect(0, 0, flat.width, flat.height);
  g.drawImage(canvas, 0, 0);
  return new Promise((resolve, reject) =>
    flat.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the browser could not encode the chart as PNG'))),
      'image/png',
    ),
  );
}

/**
 * A "PNG" button downloading `canvas` as `fileName` (button[data-export="png"][data-plot=canvas id]).
 * Put it next to the chart; it goes when the chart goes (the results are redrawn).
 */
export function pngButton(canvas, fileName) {
  const what = canvas.getAttribute('aria-label') ?? canvas.id;
  return el('button', {
    type: 'button',
    class: 'png',
    dataset: { export: 'png', plot: canvas.id },
    'aria-label': `download ${what} as PNG`,
    text: 'PNG',
    onclick: async () => download(await canvasPng(canvas), fileName),
  });
}

/**
 * The progress of a long computation: one element with role="progressbar" (aria-valuenow 0-100,
 * aria-valuetext the step) and a line of text; hidden until set(). `set(fraction, text)` shows
 * it, `hide()` hides it. mode-shell.mjs gives each notebook mode one, fed by the worker.
 */
export function progressBar(label) {
  const bar = el(
    'div',
    {
      class: 'bar',
      role: 'progressbar',
      'aria-label': label,
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': '0',
    },
    el('span', { class: 'bar-fill' }),
  );
  const text = el('span', { class: 'bar-text' });
  const box = el('div', { class: 'progress', dataset: { progress: '' }, hidden: true }, bar, text);
  return {
    el: box,
    set(fraction, step = '') {
      const pct = Math.round(100 * Math.min(1, Math.max(0, fraction)));
      bar.setAttribute('aria-valuenow', String(pct));
      bar.setAttribute('aria-valuetext', step ? `${pct}%: ${step}` : `${pct}%`);
      bar.firstChild.style.width = `${pct}%`;
      text.textContent = step ? `${step} (${pct}%)` : `${pct}%`;
      box.hidden = false;
    },
    hide() {
      box.hidden = true;
    },
  };
}

// CSV fields live in their own module (csv.mjs): one place for the export escaping rules.
export { csvField } from './csv.mjs';

/**
 * A mode's chain of cells (elements `#cell-<name>`, each with an `.error` box): `schedule(name)`
 * runs that cell and every one below it, after `invalidate(name)` cleared what they showed; the
 * first failure stops the chain, goes to the panel's banner with a link to the cell, and marks
 * the cells below stale. Runs are queued one after another; the results area is 'computing' from
 * the moment one is asked for until the last queued one ends (then 'ready' or 'error').
 * `enqueue(fn)` queues other work with the same bookkeeping (fn resolves to 'ready' or 'error').
 */
export function cellChain(panel, { order, titles, run, invalidate }) {
  const cellEl = (name) => document.getElementById(`cell-${name}`);
  let queue = Promise.resolve();
  let pending = 0;
  function setError(name, message) {
    const box = $('.error', cellEl(name));
    box.hidden = !message;
    box.textContent = message ?? '';
    cellEl(name).classList.toggle('failed', Boolean(message));
    if (message) panel.error(message, `cell-${name}`, titles[name]);
  }
  async function runFrom(name) {
    const from = order.indexOf(name);
    invalidate(name);
    for (const c of order.slice(from)) cellEl(c).classList.remove('done', 'failed', 'stale');
    panel.error(null);
    for (const c of order.slice(from)) {
      const cell = cellEl(c);
      cell.classList.add('running');
      setError(c, null);
      try {
        await run[c]();
        cell.classList.add('done');
      } catch (e) {
        setError(c, e.message ?? String(e));
        for (const later of order.slice(order.indexOf(c) + 1)) cellEl(later).classList.add('stale');
        return 'error';
      } finally {
        cell.classList.remove('running');
      }
    }
    return 'ready';
  }
  function enqueue(fn) {
    pending++;
    panel.setState('computing');
    queue = queue
      .then(fn)
      .catch(() => 'error')
      .then((end) => {
        if (--pending === 0) panel.setState(end);
      });
    return queue;
  }
  return { schedule: (name) => enqueue(() => runFrom(name)), enqueue, setError };
}
