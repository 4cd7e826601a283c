// Mounts one mode (a file of web/js/modes/, web/README.md "Modes") in its panel. A mode either
// draws its own cells (`markup` + `mount(panel)`), or is a notebook of the shared shape, built
// here from what it declares:
//   [1] Input:   its sample buttons (button[data-sample]), one file input per declared input
//                (input[data-input=role]), its options (select/input[data-option=name]: a
//                select's choices may grow with the result's optionChoices[name]; an
//                option with `multiple: true` is a group of checkboxes, input[data-option=name]
//                [value=choice], whose value is the list of checked choices, `default` a list);
//                an input with `multiple` takes several files (and, with `folder`, a folder too:
//                input[data-input=role-folder]) as a list, one with `binary` is read as bytes
//   [2] Results: mode.render(result, out) draws what mode.evaluate(files, wasmetrics, options)
//                returned; evaluate runs in a Web Worker (mode-worker.mjs) with the npm package
//                and may report its progress (shown in the cell's role="progressbar");
//                render's third argument has call(name, args): the mode's calls[name] run in
//                the worker on the same files (e.g. one pair's details, drawn on demand)
//   [3] Export:  results as JSON and CSV (mode.csvRows) and "Copy as code" (mode.code: a Node
//                script printing the same numbers), enabled only while the results are shown
// Every action that starts work sets the results area's data-state to 'computing' at once; any
// change or failure clears the results, summary and exports first (nothing stale outlives it).
// The inputs' names, the sample and the options are kept in sessionStorage: a reload restores
// them, re-reads a sample, and asks for files the browser cannot re-read.
import { csvText } from './csv.mjs';
import { download, el, fieldError, modePanel, progressBar } from './ui.mjs';
import { workerClient } from './worker-client.mjs';

export async function mountMode(mode, panelEl) {
  if (mode.mount) {
    if (mode.markup) panelEl.insertAdjacentHTML('beforeend', mode.markup);
    return mode.mount(panelEl);
  }
  return notebook(mode, panelEl);
}

// ---- the worker: one per notebook mode, started on first use --------------------------------
// A picked file as the modes get it: {name, text} or, for a binary input, {name, bytes}; a file
// picked in a folder also has its relativePath ("folder/sub/a.png": lib/match.mjs pairs by it).
async function readPicked(file, binary) {
  const relativePath = file.webkitRelativePath || file.relativePath || undefined;
  return {
    name: file.name,
    ...(relativePath ? { relativePath } : {}),
    ...(binary ? { bytes: await file.arrayBuffer() } : { text: await file.text() }),
  };
}
const namesOf = (f) => (Array.isArray(f) ? f.map((x) => x.relativePath ?? x.name) : f.name);

function modeWorker(name) {
  const request = workerClient(new URL('./mode-worker.mjs', import.meta.url));
  return (msg, onProgress = () => {}) => request({ mode: name, ...msg }, (p) => onProgress(p.fraction, p.step));
}

function notebook(mode, panelEl) {
  const { name } = mode;
  let panel = null; // modePanel(name), once the results area is in place
  const storeKey = `wasmetrics-demo:${name}`;
  const request = modeWorker(name);
  const files = {}; // role -> {name, text}, or a list of them for a `multiple` input
  let sample = null;
  let result = null;
  let generation = 0; // the run that owns the panel
  let loads = 0; // the sample load that owns `files`
  let started = false;

  // ---- [1] input ----
  const inputCell = el('section', { class: 'cell', id: `cell-${name}-input`, dataset: { cell: 'input' } });
  const fileInputs = {};
  const drops = mode.inputs.map((inp) => {
    const input = el('input', {
      type: 'file',
      id: `${name}-file-${inp.role}`,
      dataset: { input: inp.role },
      accept: inp.accept ?? '',
      multiple: Boolean(inp.multiple),
    });
    const shown = el('span', { class: 'drop-file', dataset: { fileName: inp.role } });
    const pick = (list) => list.length && pickFile(inp.role, inp.multiple ? [...list] : list[0]);
    const folder = inp.folder
      ? el('input', {
          type: 'file',
          id: `${name}-folder-${inp.role}`,
          dataset: { input: `${inp.role}-folder` },
          webkitdirectory: true,
          multiple: true,
          'aria-label': `${inp.label}: a folder`,
        })
      : null;
    folder?.addEventListener('change', () => pick(folder.files));
    fileInputs[inp.role] = { input, shown, folder };
    input.addEventListener('change', () => pick(input.files));
    const clear = inp.optional
      ? el('button', {
          type: 'button',
          dataset: { clear: inp.role },
          text: 'clear',
          onclick: (e) => {
            e.preventDefault();
            if (!files[inp.role]) return;
            delete files[inp.role];
            input.value = '';
            sample = null;
            showFileNames();
            save();
            run();
          },
        })
      : null;
    const drop = el(
      'label',
      { class: 'drop' },
      el(
        'span',
        { class: 'drop-title', text: inp.label },
        inp.optional ? el('small', { text: ' (optional) ' }) : null,
        clear,
      ),
      el('span', { class: 'drop-hint', text: inp.hint ?? '' }),
      input,
      folder ? el('span', { class: 'drop-hint' }, 'or a folder: ', folder) : null,
      shown,
    );
    drop.addEventListener('dragover', (e) => e.preventDefault());
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      pick(e.dataTransfer.files);
    });
    return drop;
  });
  const optionFields = {};
  const options = (mode.options ?? []).map((o) => {
    const id = `${name}-option-${o.name}`;
    if (o.multiple) return checkboxes(o, id);
    const field = o.choices
      ? el(
          'select',
          { id, dataset: { option: o.name } },
          ...o.choices.map((c) =>
            el('option', { value: String(c), text: String(c), selected: String(c) === String(o.default) }),
          ),
        )
      : el('input', { id, dataset: { option: o.name }, type: 'text', size: 10, value: o.default ?? '' });
    optionFields[o.name] = field;
    field.addEventListener('change', () => {
      save();
      run();
    });
    return el('span', { class: 'opt' }, el('label', { for: id, text: `${o.label ?? o.name} ` }), field, ' ');
  });
  // A multiple-choice option: a fieldset of checkboxes; optionFields keeps an object with the
  // same `value` (a list) and change events as a select's.
  function checkboxes(o, id) {
    const chosen = new Set((o.default ?? []).map(String));
    const boxes = o.choices.map((c) => {
      const value = String(c.value ?? c);
      return el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', dataset: { option: o.name }, value, checked: chosen.has(value) }),
        ` ${c.label ?? value} `,
      );
    });
    const fieldset = el('fieldset', { id, class: 'opt-group' }, el('legend', { text: o.label ?? o.name }), ...boxes);
    const inputs = boxes.map((b) => b.firstChild);
    optionFields[o.name] = {
      fieldset,
      get value() {
        return inputs.filter((i) => i.checked).map((i) => i.value);
      },
      set value(list) {
        const on = new Set([list].flat().map(String));
        for (const i of inputs) i.checked = on.has(i.value);
      },
    };
    fieldset.addEventListener('change', () => {
      save();
      run();
    });
    return fieldset;
  }
  const prompt = el('p', { class: 'warn', dataset: { restorePrompt: '' }, hidden: true });
  const inputError = el('div', { class: 'error', hidden: true });
  inputCell.append(
    el(
      'div',
      { class: 'cell-head' },
      el('span', { class: 'idx', text: '[1]' }),
      el('h2', { text: mode.inputTitle ?? 'Input' }),
      el('button', { type: 'button', class: 'run', dataset: { run: 'input' }, text: '▶ Run', onclick: () => run() }),
    ),
    el(
      'div',
      { class: 'cell-body' },
      mode.about ? el('p', { class: 'muted', text: mode.about }) : null,
      el(
        'div',
        { class: 'samples' },
        'Samples: ',
        ...mode.samples.map((s) =>
          el('button', {
            type: 'button',
            dataset: { sample: s.name },
            text: s.label,
            onclick: () => loadSample(s.name),
          }),
        ),
      ),
      el('div', { class: 'drops' }, ...drops),
      options.length ? el('div', { class: 'opts' }, ...options) : null,
      prompt,
      inputError,
    ),
  );

  // ---- [2] results, [3] export ----
  const out = el('div', { class: 'out', id: `${name}-out` });
  const progress = progressBar(`${mode.title ?? name}: progress`);
  const resultsCell = el(
    'section',
    { class: 'cell', id: `cell-${name}-results`, dataset: { cell: 'results' } },
    el('div', { class: 'cell-head' }, el('span', { class: 'idx', text: '[2]' }), el('h2', { text: 'Results' })),
    el('div', { class: 'cell-body' }, progress.el, out),
  );
  // An export of the results shown (disabled until there are some): `blob(result)` is the file.
  const exportButton = (kind, text, blob) =>
    el('button', {
      type: 'button',
      dataset: { export: kind },
      disabled: true,
      text,
      onclick: () => result && download(blob(result), `${baseName()}-${name}.${kind}`),
    });
  const jsonButton = exportButton(
    'json',
    'Results as JSON',
    (r) => new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }),
  );
  const csvButton = exportButton(
    'csv',
    'Results as CSV',
    (r) => new Blob([csvText(mode.csvRows(r))], { type: 'text/csv' }),
  );
  // "Copy as code": a Node script that reads the same files as the page and prints its numbers
  const code = el('code');
  const copyState = el('span', { class: 'muted' });
  const copyButton = el('button', {
    type: 'button',
    dataset: { copyCode: '' },
    disabled: true,
    text: 'Copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(code.textContent);
        copyState.textContent = 'copied';
      } catch {
        getSelection().selectAllChildren(code);
        copyState.textContent = 'selected: press Ctrl+C';
      }
    },
  });
  const exportCell = el(
    'section',
    { class: 'cell', id: `cell-${name}-export`, dataset: { cell: 'export' } },
    el('div', { class: 'cell-head' }, el('span', { class: 'idx', text: '[3]' }), el('h2', { text: 'Export' })),
    el(
      'div',
      { class: 'cell-body' },
      el('p', { class: 'buttons' }, jsonButton, ' ', csvButton),
      mode.code ? el('h3', {}, 'Copy as code ', copyButton, ' ', copyState) : null,
      mode.code
        ? el(
            'pre',
            { tabindex: '0', 'aria-label': 'code that reproduces these results', dataset: { code: name } },
            code,
          )
        : null,
    ),
  );
  const resultsArea = el('div', { dataset: { results: name, state: 'empty' } }, resultsCell, exportCell);
  panelEl.append(inputCell, resultsArea);
  panel = modePanel(name);

  const baseName = () => (sample ?? [Object.values(files)[0] ?? []].flat()[0]?.name ?? name).replace(/\.[^.]*$/, '');
  function invalidate() {
    result = null;
    out.replaceChildren();
    panel.summary([]);
    jsonButton.disabled = true;
    csvButton.disabled = true;
    copyButton.disabled = true;
    code.textContent = '';
    copyState.textContent = '';
  }
  function setError(message) {
    inputError.hidden = !message;
    inputError.textContent = message ?? '';
    inputCell.classList.toggle('failed', Boolean(message));
    panel.error(message, inputCell.id, `${mode.inputTitle ?? 'Input'} [1]`);
  }
  function readOptions() {
    const o = {};
    for (const spec of mode.options ?? []) {
      const field = optionFields[spec.name];
      let v = field.value;
      if (spec.multiple) {
        const bad = v.length ? null : `${spec.label ?? spec.name}: choose at least one`;
        fieldError(field.fieldset, bad);
        if (bad) throw new Error(bad);
      }
      if (spec.type === 'number') {
        const raw = v.trim();
        v = Number(raw);
        const bad =
          raw === ''
            ? `${spec.label ?? spec.name} is empty: type a number`
            : !Number.isFinite(v)
              ? `${spec.label ?? spec.name} must be a number, got "${raw}"`
              : null;
        fieldError(field, bad);
        if (bad) throw new Error(bad);
      }
      o[spec.name] = v;
    }
    return o;
  }
  // A select whose choices come from the files (e.g. "Slice by column"): the declared choices, then
  // the result's optionChoices[name]; the value chosen stays chosen (added if the file lacks it).
  function fillChoices(choices = {}) {
    for (const [optionName, list] of Object.entries(choices ?? {})) {
      const spec = mode.options?.find((o) => o.name === optionName);
      const field = optionFields[optionName];
      if (!spec?.choices || !field || field.tagName !== 'SELECT') continue;
      const value = field.value;
      const all = [...new Set([...spec.choices.map(String), ...list.map(String), value])];
      field.replaceChildren(...all.map((c) => el('option', { value: c, text: c, selected: c === value })));
    }
  }
  function save() {
    try {
      sessionStorage.setItem(
        storeKey,
        JSON.stringify({
          sample,
          files: Object.fromEntries(Object.entries(files).map(([r, f]) => [r, namesOf(f)])),
          options: Object.fromEntries(Object.entries(optionFields).map(([k, f]) => [k, f.value])),
        }),
      );
    } catch {
      /* storage off: nothing is restored, nothing breaks */
    }
  }

  async function run() {
    const mine = ++generation;
    started = true;
    panel.setState('computing');
    invalidate();
    setError(null);
    resultsCell.classList.remove('done', 'failed');
    const missing = mode.inputs.filter((i) => !i.optional && !files[i.role]);
    if (missing.length) {
      setError(`pick ${missing.map((i) => i.label).join(' and ')}, or load a sample`);
      panel.setState('empty');
      return;
    }
    try {
      const opts = readOptions();
      resultsCell.classList.add('running');
      const {
        result: r,
        ms,
        simd,
      } = await request(
        { files, options: opts },
        (fraction, step) => mine === generation && progress.set(fraction, step),
      );
      if (mine !== generation) return; // a newer run owns the panel
      result = r;
      const call = async (fn, args) => {
        const answer = await request({ call: fn, args, options: opts });
        if (mine !== generation) throw new Error('superseded by a newer run');
        return answer.result;
      };
      fillChoices(r.optionChoices);
      const summary = mode.render(r, out, { ms, simd, call });
      panel.summary(summary ?? []);
      jsonButton.disabled = false;
      csvButton.disabled = false;
      if (mode.code) {
        code.textContent = mode.code(
          r,
          Object.fromEntries(Object.entries(files).map(([role, f]) => [role, namesOf(f)])),
          opts,
        );
        copyButton.disabled = false;
      }
      resultsCell.classList.add('done');
      panel.setState('ready');
    } catch (e) {
      if (mine !== generation) return;
      invalidate();
      setError(e.message ?? String(e));
      panel.setState('error');
    } finally {
      if (mine === generation) {
        resultsCell.classList.remove('running');
        progress.hide();
      }
    }
  }

  function showFileNames() {
    for (const [role, { shown }] of Object.entries(fileInputs)) {
      const f = files[role];
      shown.textContent = Array.isArray(f)
        ? `${f.length} file${f.length === 1 ? '' : 's'}: ${f
            .slice(0, 3)
            .map((x) => x.name)
            .join(', ')}${f.length > 3 ? ', …' : ''}`
        : (f?.name ?? '');
    }
    for (const b of inputCell.querySelectorAll('[data-sample]'))
      b.classList.toggle('active', b.dataset.sample === sample);
  }
  async function pickFile(role, file) {
    panel.setState('computing');
    const mine = ++loads;
    const binary = mode.inputs.find((i) => i.role === role)?.binary;
    const picked = Array.isArray(file)
      ? await Promise.all(file.map((f) => readPicked(f, binary)))
      : await readPicked(file, binary);
    if (mine !== loads) return;
    files[role] = picked;
    sample = null;
    prompt.hidden = true;
    showFileNames();
    save();
    return run();
  }
  async function loadSample(sampleName) {
    panel.setState('computing'); // at once: the files are fetched before the run starts
    const s = mode.samples.find((x) => x.name === sampleName);
    const mine = ++loads;
    const fetched = {};
    try {
      const one = async (url, binary) => {
        const res = await fetch(new URL(`../${url}`, import.meta.url));
        if (!res.ok) throw new Error(`the sample file ${url}: HTTP ${res.status}`);
        return {
          name: url.split('/').pop(),
          ...(binary ? { bytes: await res.arrayBuffer() } : { text: await res.text() }),
        };
      };
      for (const [role, url] of Object.entries(s.files)) {
        const binary = mode.inputs.find((i) => i.role === role)?.binary;
        fetched[role] = Array.isArray(url) ? await Promise.all(url.map((u) => one(u, binary))) : await one(url, binary);
      }
      if (mine !== loads) return; // a later pick or sample won
      for (const k of Object.keys(files)) delete files[k];
      for (const [role, f] of Object.entries(fetched)) {
        files[role] = f;
        fileInputs[role].input.value = '';
        if (fileInputs[role].folder) fileInputs[role].folder.value = '';
      }
    } catch (e) {
      if (mine !== loads) return;
      invalidate();
      setError(e.message);
      panel.setState('error');
      return;
    }
    sample = sampleName;
    prompt.hidden = true;
    showFileNames();
    save();
    return run();
  }

  // Restore the last inputs and options (this tab's session); else the first sample, once shown.
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(storeKey) ?? 'null');
  } catch {
    /* nothing to restore */
  }
  for (const [k, v] of Object.entries(saved?.options ?? {})) {
    if (!optionFields[k] || v === undefined) continue;
    // a choice that came from the last files (optionChoices) is not in the select yet
    if (optionFields[k].tagName === 'SELECT' && ![...optionFields[k].options].some((o) => o.value === String(v)))
      optionFields[k].append(el('option', { value: String(v), text: String(v) }));
    optionFields[k].value = v;
  }
  const begin = () => {
    if (started) return;
    started = true;
    if (saved?.sample && mode.samples.some((s) => s.name === saved.sample)) loadSample(saved.sample);
    else if (saved && Object.keys(saved.files ?? {}).length) {
      prompt.hidden = false;
      prompt.textContent =
        `Last time: ${Object.entries(saved.files)
          .map(
            ([r, f]) =>
              `${Array.isArray(f) ? `${f.length} files` : f} (${mode.inputs.find((i) => i.role === r)?.label ?? r})`,
          )
          .join(', ')}. ` +
        'The browser cannot re-read files after a reload: pick them again (the options are restored).';
      panel.setState('empty');
    } else loadSample(mode.samples[0].name);
  };
  if (!panelEl.hidden) begin();
  else document.querySelector(`button[data-mode="${name}"]`)?.addEventListener('click', begin, { once: true });
}
