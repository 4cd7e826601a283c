// Annotation files in, a ratings matrix out, in plain JS (no WASM): the wide and long rater tables
// people keep as CSV, Label Studio's JSON export and CVAT's "CVAT for images" XML, read into the
// [items, annotators] matrix the agreement metrics take (KrippendorffAlpha, FleissKappaRaters,
// CohenKappaMatrix, MajorityVote, DawidSkene, ...). A malformed file throws AnnotationFormatError
// naming the line (or JSON record) and the field at fault.

export class AnnotationFormatError extends Error {
  /** @param {string} message @param {{line?: number, record?: string, field?: string}} [where] */
  constructor(message, where = {}) {
    super(message);
    this.name = 'AnnotationFormatError';
    if (where.line !== undefined) this.line = where.line;
    if (where.record !== undefined) this.record = where.record;
    if (where.field !== undefined) this.field = where.field;
  }
}

const quote = (s) => JSON.stringify(s);

function requireText(text, fn) {
  if (typeof text !== 'string')
    throw new TypeError(`${fn}: expected the file's text (a string), got ${text === null ? 'null' : typeof text}`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 BOM (Excel's CSV) is not data
}

// ---------------------------------------------------------------------------------------------
// The table every reader builds: ratings (item, annotator, label) collected with where they came
// from, so a duplicate or an unknown label names both places.

class TableBuilder {
  constructor(options, fn) {
    this.fn = fn;
    this.items = new Map();
    this.annotators = new Map();
    this.cells = []; // [itemIndex, annotatorIndex, label, where]
    this.seen = new Map();
    this.fixedLabels = options.labels === undefined ? null : checkLabelList(options.labels, fn);
  }

  item(id) {
    if (!this.items.has(id)) this.items.set(id, this.items.size);
    return this.items.get(id);
  }

  annotator(id) {
    if (!this.annotators.has(id)) this.annotators.set(id, this.annotators.size);
    return this.annotators.get(id);
  }

  add(item, annotator, label, where) {
    const i = this.item(item);
    const a = this.annotator(annotator);
    const key = i * 16777216 + a; // exact below 2^53: up to 2^29 items of 2^24 annotators
    const before = this.seen.get(key);
    if (before) {
      throw new AnnotationFormatError(
        `${where.text}: annotator ${quote(annotator)} already rated item ${quote(item)} (${before.text})`,
        where,
      );
    }
    this.seen.set(key, where);
    this.cells.push([i, a, label, where]);
  }

  build() {
    const labels = this.fixedLabels ?? inferLabels(this.cells.map((c) => c[2]));
    const numeric = labels.every(isNumberText);
    // Numeric labels are one class per value ("1" and "1.0" alike), others per exact text.
    const keyOf = numeric ? (s) => String(Number(s)) : (s) => s;
    const index = new Map(labels.map((l, k) => [keyOf(l), k]));
    const shape = [this.items.size, this.annotators.size];
    const ratings = new Float64Array(shape[0] * shape[1]).fill(NaN);
    const values = numeric ? new Float64Array(shape[0] * shape[1]).fill(NaN) : null;
    for (const [i, a, label, where] of this.cells) {
      const k = index.get(keyOf(label));
      if (k === undefined) {
        throw new AnnotationFormatError(
          `${where.text}: label ${quote(label)} is not one of the labels given (${labels.map(quote).join(', ')})`,
          where,
        );
      }
      ratings[i * shape[1] + a] = k;
      if (values) values[i * shape[1] + a] = Number(label);
    }
    return {
      items: [...this.items.keys()],
      annotators: [...this.annotators.keys()],
      labels,
      ratings: { data: ratings, shape },
      values: values ? { data: values, shape } : null,
      count: this.cells.length,
    };
  }
}

function checkLabelList(labels, fn) {
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new TypeError(`${fn}: option labels must be a non-empty array of strings`);
  }
  if (new Set(labels).size !== labels.length) throw new TypeError(`${fn}: option labels lists a label twice`);
  return labels.slice();
}

const isNumberText = (s) => s.trim() !== '' && Number.isFinite(Number(s));

// All numbers: ascending by value (so class order is the scale's order); otherwise sorted by text.
function inferLabels(raw) {
  const distinct = [...new Set(raw)];
  if (distinct.length > 0 && distinct.every(isNumberText)) {
    const byValue = new Map();
    for (const s of distinct) if (!byValue.has(Number(s))) byValue.set(Number(s), s);
    return [...byValue.keys()].sort((x, y) => x - y).map((v) => byValue.get(v));
  }
  return distinct.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180): quoted fields may hold the delimiter, "" and line breaks.

function parseCsv(text, delimiter, fn) {
  const rows = []; // {fields, line}
  let fields = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '')) rows.push({ fields, line: rowLine }); // blank lines
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new AnnotationFormatError(`${fn}: line ${line}: unexpected ${quote(next)} after a closing quote`, {
            line,
            text: `line ${line}`,
          });
        }
        continue;
      }
      if (ch === '\n') line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      i += 1;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      rowLine = line;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted)
    throw new AnnotationFormatError(`${fn}: line ${quoteLine}: a quoted field is never closed`, { line: quoteLine });
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

function sniffDelimiter(text) {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const count = (d) => first.split(d).length - 1;
  return [',', '\t', ';'].reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

function csvTable(text, options, fn) {
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r'
  ) {
    throw new TypeError(`${fn}: option delimiter must be one character other than a quote or a line break`);
  }
  const rows = parseCsv(text, delimiter, fn);
  if (rows.length === 0) throw new AnnotationFormatError(`${fn}: the file has no header line`, { line: 1 });
  const [header, ...body] = rows;
  const names = header.fields.map((f) => f.trim());
  names.forEach((n, k) => {
    if (n === '')
      throw new AnnotationFormatError(`${fn}: line ${header.line}: column ${k + 1} of the header has no name`, {
        line: header.line,
      });
    const first = names.indexOf(n);
    if (first !== k)
      throw new AnnotationFormatError(
        `${fn}: line ${header.line}: column name ${quote(n)} appears twice (columns ${first + 1} and ${k + 1})`,
        { line: header.line, field: n },
      );
  });
  for (const r of body) {
    if (r.fields.length !== names.length) {
      throw new AnnotationFormatError(
        `${fn}: line ${r.line}: expected ${names.length} fields (as the header), got ${r.fields.length}`,
        { line: r.line },
      );
    }
  }
  return { names, header, body };
}

function missingSet(options, fn) {
  const missing = options.missing ?? [''];
  if (!Array.isArray(missing) || !missing.every((m) => typeof m === 'string'))
    throw new TypeError(`${fn}: option missing must be an array of strings`);
  return new Set(missing.map((m) => m.trim()));
}

function columnOf(names, wanted, aliases, header, fn, role) {
  if (wanted !== undefined) {
    if (typeof wanted !== 'string') throw new TypeError(`${fn}: option ${role}Column must be a column name (a string)`);
    const k = names.indexOf(wanted);
    if (k < 0)
      throw new AnnotationFormatError(
        `${fn}: line ${header.line}: no column ${quote(wanted)} (${role}Column); the header has ${names.map(quote).join(', ')}`,
        { line: header.line, field: wanted },
      );
    return k;
  }
  const lower = names.map((n) => n.toLowerCase());
  const k = lower.findIndex((n) => aliases.includes(n));
  if (k < 0) {
    throw new AnnotationFormatError(
      `${fn}: line ${header.line}: no ${role} column (looked for ${aliases.map(quote).join(', ')}; give ${role}Column); the header has ${names.map(quote).join(', ')}`,
      { line: header.line, field: role },
    );
  }
  return k;
}

const ITEM_NAMES = ['item', 'item_id', 'itemid', 'unit', 'unit_id', 'task', 'task_id', 'image', 'id'];
const ANNOTATOR_NAMES = [
  'annotator',
  'annotator_id',
  'rater',
  'rater_id',
  'coder',
  'user',
  'user_id',
  'worker',
  'worker_id',
];
const LABEL_NAMES = ['label', 'rating', 'class', 'category', 'answer', 'choice', 'value'];

/**
 * A wide rater table: one row per item, one column per annotator; the item column is `itemColumn`
 * (default: the first column), every other column (or those of `annotators`) an annotator. A cell
 * in `missing` (default: empty) is a missing rating.
 */
export function readWideCsv(text, options = {}) {
  const fn = 'readWideCsv';
  text = requireText(text, fn);
  const { names, header, body } = csvTable(text, options, fn);
  const itemCol = options.itemColumn === undefined ? 0 : columnOf(names, options.itemColumn, [], header, fn, 'item');
  let raterCols;
  if (options.annotators !== undefined) {
    if (!Array.isArray(options.annotators) || options.annotators.length === 0)
      throw new TypeError(`${fn}: option annotators must be a non-empty array of column names`);
    raterCols = options.annotators.map((a) => columnOf(names, a, [], header, fn, 'annotator'));
  } else {
    raterCols = names.map((_, k) => k).filter((k) => k !== itemCol);
  }
  if (raterCols.length === 0)
    throw new AnnotationFormatError(`${fn}: line ${header.line}: no annotator columns besides the item column`, {
      line: header.line,
    });
  const missing = missingSet(options, fn);
  const table = new TableBuilder(options, fn);
  for (const k of raterCols) table.annotator(names[k]); // every column is an annotator, even an empty one
  for (const r of body) {
    const item = r.fields[itemCol].trim();
    if (item === '')
      throw new AnnotationFormatError(`${fn}: line ${r.line}: the item id (column ${quote(names[itemCol])}) is empty`, {
        line: r.line,
        field: names[itemCol],
      });
    if (table.items.has(item))
      throw new AnnotationFormatError(`${fn}: line ${r.line}: item ${quote(item)} has a second row`, {
        line: r.line,
        field: names[itemCol],
      });
    table.item(item);
    for (const k of raterCols) {
      const label = r.fields[k].trim();
      if (missing.has(label)) continue;
      table.add(item, names[k], label, {
        line: r.line,
        field: names[k],
        text: `${fn}: line ${r.line}, column ${quote(names[k])}`,
      });
    }
  }
  return table.build();
}

/**
 * A long rater table: one rating per row, `item, annotator, label` in any column order, found by
 * header name (`item`/`item_id`/`task`/..., `annotator`/`rater`/`user`/..., `label`/`rating`/
 * `class`/...; or named by `itemColumn`, `annotatorColumn`, `labelColumn`). Other columns are ignored.
 */
export function readLongCsv(text, options = {}) {
  const fn = 'readLongCsv';
  text = requireText(text, fn);
  const { names, header, body } = csvTable(text, options, fn);
  const itemCol = columnOf(names, options.itemColumn, ITEM_NAMES, header, fn, 'item');
  const raterCol = columnOf(names, options.annotatorColumn, ANNOTATOR_NAMES, header, fn, 'annotator');
  const labelCol = columnOf(names, options.labelColumn, LABEL_NAMES, header, fn, 'label');
  const missing = missingSet(options, fn);
  const table = new TableBuilder(options, fn);
  for (const r of body) {
    const at = `${fn}: line ${r.line}`;
    const item = r.fields[itemCol].trim();
    const rater = r.fields[raterCol].trim();
    const label = r.fields[labelCol].trim();
    if (item === '')
      throw new AnnotationFormatError(`${at}: the item id (column ${quote(names[itemCol])}) is empty`, {
        line: r.line,
        field: names[itemCol],
      });
    if (rater === '')
      throw new AnnotationFormatError(`${at}: the annotator (column ${quote(names[raterCol])}) is empty`, {
        line: r.line,
        field: names[raterCol],
      });
    table.item(item);
    table.annotator(rater);
    if (missing.has(label)) continue;
    table.add(item, rater, label, { line: r.line, field: names[labelCol], text: at });
  }
  return table.build();
}

// ---------------------------------------------------------------------------------------------
// Label Studio JSON export: [{id, data, annotations: [{completed_by, was_cancelled, result: [
// {from_name, type: "choices", value: {choices: ["..."]}}]}]}].

function parseJson(text, fn) {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e.message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    throw new AnnotationFormatError(`${fn}: not valid JSON${line ? ` (line ${line})` : ''}: ${e.message}`, { line });
  }
}

function labelStudioAnnotator(annotation) {
  const by = annotation.completed_by;
  if (typeof by === 'number' || (typeof by === 'string' && by !== '')) return String(by);
  if (by && typeof by === 'object') {
    if (typeof by.email === 'string' && by.email !== '') return by.email;
    if (by.id !== undefined) return String(by.id);
  }
  return null;
}

/**
 * Label Studio's JSON export (a list of tasks, each with its `annotations`): one item per task (its
 * `id`), one annotator per `completed_by` (a user id, or the user's email when the export holds
 * the user object), the label from the `choices` (or `rating`) result of control `fromName`
 * (default: the only one present). Cancelled annotations are skipped.
 */
export function readLabelStudio(json, options = {}) {
  const fn = 'readLabelStudio';
  const tasks = typeof json === 'string' ? parseJson(requireText(json, fn), fn) : json;
  if (!Array.isArray(tasks))
    throw new AnnotationFormatError(
      `${fn}: expected the export's list of tasks (a JSON array), got ${tasks === null ? 'null' : typeof tasks}`,
      { record: '' },
    );
  const fromName = options.fromName;
  if (fromName !== undefined && typeof fromName !== 'string')
    throw new TypeError(`${fn}: option fromName must be a string`);
  const controls = new Set();
  const table = new TableBuilder(options, fn);
  const found = [];
  tasks.forEach((task, t) => {
    const rec = `task[${t}]`;
    if (!task || typeof task !== 'object' || Array.isArray(task))
      throw new AnnotationFormatError(`${fn}: ${rec} is not an object`, { record: rec });
    if (typeof task.id !== 'number' && typeof task.id !== 'string')
      throw new AnnotationFormatError(`${fn}: ${rec} has no id`, { record: rec, field: 'id' });
    const item = String(task.id);
    table.item(item);
    const annotations = task.annotations ?? task.completions ?? [];
    if (!Array.isArray(annotations))
      throw new AnnotationFormatError(`${fn}: ${rec} (id ${item}): annotations must be a list`, {
        record: rec,
        field: 'annotations',
      });
    annotations.forEach((a, k) => {
      const arec = `${rec} (id ${item}).annotations[${k}]`;
      if (!a || typeof a !== 'object')
        throw new AnnotationFormatError(`${fn}: ${arec} is not an object`, { record: arec });
      if (a.was_cancelled === true) return;
      const annotator = labelStudioAnnotator(a);
      if (annotator === null)
        throw new AnnotationFormatError(`${fn}: ${arec}: completed_by names no user`, {
          record: arec,
          field: 'completed_by',
        });
      table.annotator(annotator);
      if (!Array.isArray(a.result))
        throw new AnnotationFormatError(`${fn}: ${arec}: result must be a list`, { record: arec, field: 'result' });
      a.result.forEach((r, j) => {
        const rrec = `${arec}.result[${j}]`;
        if (!r || typeof r !== 'object')
          throw new AnnotationFormatError(`${fn}: ${rrec} is not an object`, { record: rrec });
        if (r.type !== 'choices' && r.type !== 'rating') return; // regions, text areas: not a label of the item
        controls.add(r.from_name);
        if (fromName !== undefined && r.from_name !== fromName) return;
        const value = r.value ?? {};
        let label;
        if (r.type === 'choices') {
          if (!Array.isArray(value.choices) || value.choices.length === 0)
            throw new AnnotationFormatError(`${fn}: ${rrec}: value.choices must be a non-empty list`, {
              record: rrec,
              field: 'value.choices',
            });
          if (value.choices.length > 1)
            throw new AnnotationFormatError(
              `${fn}: ${rrec}: ${value.choices.length} choices (${value.choices.map(quote).join(', ')}); an item takes one label per annotator`,
              { record: rrec, field: 'value.choices' },
            );
          label = value.choices[0];
        } else {
          label = value.rating;
          if (typeof label !== 'number' || !Number.isFinite(label))
            throw new AnnotationFormatError(`${fn}: ${rrec}: value.rating must be a number`, {
              record: rrec,
              field: 'value.rating',
            });
        }
        if (typeof label !== 'string' && typeof label !== 'number')
          throw new AnnotationFormatError(`${fn}: ${rrec}: the label must be a string`, {
            record: rrec,
            field: 'value.choices',
          });
        found.push({ item, annotator, label: String(label), from: r.from_name, rec: rrec });
      });
    });
  });
  if (fromName === undefined && controls.size > 1) {
    throw new AnnotationFormatError(
      `${fn}: the export has several classification controls (${[...controls].map(quote).join(', ')}); choose one with fromName`,
      { field: 'from_name' },
    );
  }
  if (fromName !== undefined && !controls.has(fromName) && controls.size > 0) {
    throw new AnnotationFormatError(
      `${fn}: no result comes from control ${quote(fromName)}; the export has ${[...controls].map(quote).join(', ')}`,
      { field: 'from_name' },
    );
  }
  for (const f of found)
    table.add(f.item, f.annotator, f.label, { record: f.rec, field: 'value', text: `${fn}: ${f.rec}` });
  return table.build();
}

// ---------------------------------------------------------------------------------------------
// CVAT for images 1.1 XML: <annotations><meta>…<owner><username>…</username></owner>
// <assignee><username>…</username></assignee>…</meta><image id name …><tag label="…"/></image>…

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s, line, fn) {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (Object.hasOwn(ENTITIES, e)) return ENTITIES[e];
    throw new AnnotationFormatError(`${fn}: line ${line}: unknown entity ${m}`, { line });
  });
}

const OPEN_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;

// A small XML reader (elements, attributes, text; comments, CDATA, declarations skipped): the tree
// with each element's line, enough for CVAT's files and exact about where they are broken.
export function parseXml(text, fn = 'parseXml') {
  const root = { name: '#document', attrs: {}, children: [], text: '', line: 1 };
  const stack = [root];
  let i = 0;
  let line = 1;
  const advance = (to) => {
    for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line += 1;
    i = to;
  };
  const fail = (msg, at = line) => {
    throw new AnnotationFormatError(`${fn}: line ${at}: ${msg}`, { line: at });
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? text.length : lt;
    if (end > i) {
      const chunk = text.slice(i, end);
      if (stack.length === 1 && chunk.trim() !== '') fail('text outside the root element');
      stack[stack.length - 1].text += decodeEntities(chunk, line, fn);
      advance(end);
    }
    if (lt < 0) break;
    const startLine = line;
    const skipTo = (close, what) => {
      const k = text.indexOf(close, i);
      if (k < 0) fail(`${what} is never closed`, startLine);
      return k + close.length;
    };
    if (text.startsWith('<!--', i)) advance(skipTo('-->', 'a comment'));
    else if (text.startsWith('<![CDATA[', i)) {
      const k = skipTo(']]>', 'a CDATA section');
      stack[stack.length - 1].text += text.slice(i + 9, k - 3);
      advance(k);
    } else if (text.startsWith('<?', i)) advance(skipTo('?>', 'a declaration'));
    else if (text.startsWith('<!', i)) advance(skipTo('>', 'a declaration'));
    else if (text.startsWith('</', i)) {
      const k = skipTo('>', 'a closing tag');
      const name = text.slice(i + 2, k - 1).trim();
      const open = stack[stack.length - 1];
      if (stack.length === 1) fail(`closing tag </${name}> with no open element`);
      if (open.name !== name) fail(`closing tag </${name}> does not match <${open.name}> opened on line ${open.line}`);
      stack.pop();
      advance(k);
    } else {
      OPEN_TAG.lastIndex = i;
      const m = OPEN_TAG.exec(text);
      if (!m) fail('a malformed tag (expected <name attr="value" ...>)');
      const el = { name: m[1], attrs: {}, children: [], text: '', line: startLine };
      for (const a of m[2].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (Object.hasOwn(el.attrs, a[1])) fail(`attribute ${a[1]} given twice in <${el.name}>`);
        el.attrs[a[1]] = decodeEntities(a[2] ?? a[3], startLine, fn);
      }
      if (stack.length === 1 && root.children.length > 0) fail(`a second root element <${el.name}>`);
      stack[stack.length - 1].children.push(el);
      if (!m[3]) stack.push(el);
      advance(i + m[0].length);
    }
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    fail(`<${open.name}> opened on line ${open.line} is never closed`, open.line);
  }
  if (root.children.length === 0) fail('no root element', 1);
  return root.children[0];
}

const child = (el, name) => el.children.find((c) => c.name === name);
const textAt = (el, ...path) => {
  let cur = el;
  for (const p of path) {
    cur = cur && child(cur, p);
  }
  return cur ? cur.text.trim() : '';
};

function cvatAnnotator(doc) {
  const meta = child(doc, 'meta');
  if (!meta) return '';
  for (const holder of ['job', 'task', 'project']) {
    const h = child(meta, holder);
    if (!h) continue;
    const who = textAt(h, 'assignee', 'username') || textAt(h, 'owner', 'username');
    if (who) return who;
  }
  return '';
}

/**
 * CVAT's "CVAT for images 1.1" XML, one file per annotator (a job or task export): each <image>
 * is an item (by its `name`, the same in every annotator's export), its <tag label="..."> the
 * annotator's label; an image without a tag is a missing rating. The annotator is the export's
 * assignee (else owner) username from <meta>, or the `annotator` given with the file.
 * `files`: the XML text, or a list of texts or of {text, annotator}.
 */
export function readCvatXml(files, options = {}) {
  const fn = 'readCvatXml';
  const list = Array.isArray(files) ? files : [files];
  if (list.length === 0) throw new TypeError(`${fn}: expected at least one CVAT XML file`);
  const table = new TableBuilder(options, fn);
  list.forEach((entry, f) => {
    const given = typeof entry === 'object' && entry !== null ? entry : { text: entry };
    const file = list.length > 1 ? `file ${f}` : 'file';
    const doc = parseXml(requireText(given.text, fn), `${fn}: ${file}`);
    if (doc.name !== 'annotations')
      throw new AnnotationFormatError(
        `${fn}: ${file}: line ${doc.line}: the root element is <${doc.name}>, not <annotations> (export as "CVAT for images 1.1")`,
        { line: doc.line },
      );
    const annotator = given.annotator ?? cvatAnnotator(doc);
    if (typeof annotator !== 'string' || annotator === '') {
      throw new AnnotationFormatError(
        `${fn}: ${file}: <meta> names no assignee or owner; give the annotator ({text, annotator})`,
        { field: 'annotator' },
      );
    }
    if (table.annotators.has(annotator) && given.annotator === undefined) {
      throw new AnnotationFormatError(
        `${fn}: ${file}: annotator ${quote(annotator)} already has a file; give each file its annotator ({text, annotator})`,
        { field: 'annotator' },
      );
    }
    table.annotator(annotator);
    for (const image of doc.children) {
      if (image.name !== 'image') continue;
      const at = `${fn}: ${file}: line ${image.line}`;
      const item = image.attrs.name ?? image.attrs.id;
      if (item === undefined || item === '')
        throw new AnnotationFormatError(`${at}: <image> has neither name nor id`, { line: image.line, field: 'name' });
      table.item(item);
      const tags = image.children.filter((c) => c.name === 'tag');
      if (tags.length > 1) {
        throw new AnnotationFormatError(
          `${at}: image ${quote(item)} has ${tags.length} tags (lines ${tags.map((t) => t.line).join(', ')}); an item takes one label per annotator`,
          { line: tags[1].line, field: 'tag' },
        );
      }
      if (tags.length === 0) continue;
      const label = tags[0].attrs.label;
      if (label === undefined || label === '')
        throw new AnnotationFormatError(`${fn}: ${file}: line ${tags[0].line}: <tag> has no label`, {
          line: tags[0].line,
          field: 'label',
        });
      table.add(item, annotator, label, {
        line: tags[0].line,
        field: 'label',
        text: `${fn}: ${file}: line ${tags[0].line}`,
      });
    }
  });
  return table.build();
}

// ---------------------------------------------------------------------------------------------
// Wide tables as JSON and .npy.

/**
 * A wide table as JSON: a list of rows, each an object `{item, <annotator>: label, ...}` (the item
 * key is `itemKey`, default "item"; every other key is an annotator) or an array of labels (items
 * and annotators then named by index). `null`, "" or an absent key is a missing rating.
 */
export function readWideJson(json, options = {}) {
  const fn = 'readWideJson';
  const rows = typeof json === 'string' ? parseJson(requireText(json, fn), fn) : json;
  if (!Array.isArray(rows))
    throw new AnnotationFormatError(
      `${fn}: expected a list of rows (a JSON array), got ${rows === null ? 'null' : typeof rows}`,
      { record: '' },
    );
  const itemKey = options.itemKey ?? 'item';
  const table = new TableBuilder(options, fn);
  const label = (v, rec, field) => {
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string') return v;
    throw new AnnotationFormatError(
      `${fn}: ${rec}: label ${JSON.stringify(v)} is neither a string nor a finite number`,
      { record: rec, field },
    );
  };
  if (rows.length > 0 && Array.isArray(rows[0])) {
    const width = rows[0].length;
    for (let a = 0; a < width; a++) table.annotator(String(a));
    rows.forEach((row, i) => {
      const rec = `row[${i}]`;
      if (!Array.isArray(row) || row.length !== width)
        throw new AnnotationFormatError(`${fn}: ${rec}: expected an array of ${width} labels (as row[0])`, {
          record: rec,
        });
      table.item(String(i));
      row.forEach((v, a) => {
        const l = label(v, `${rec}[${a}]`, String(a));
        if (l !== null) table.add(String(i), String(a), l, { record: `${rec}[${a}]`, text: `${fn}: ${rec}[${a}]` });
      });
    });
    return table.build();
  }
  rows.forEach((row, i) => {
    if (!row || typeof row !== 'object' || Array.isArray(row))
      throw new AnnotationFormatError(`${fn}: row[${i}] is not an object`, { record: `row[${i}]` });
    for (const k of Object.keys(row)) if (k !== itemKey) table.annotator(k);
  });
  rows.forEach((row, i) => {
    const rec = `row[${i}]`;
    const id = Object.hasOwn(row, itemKey) ? row[itemKey] : i;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new AnnotationFormatError(`${fn}: ${rec}: ${itemKey} must be a string or a number`, {
        record: rec,
        field: itemKey,
      });
    const item = String(id);
    if (table.items.has(item))
      throw new AnnotationFormatError(`${fn}: ${rec}: item ${quote(item)} has a second row`, {
        record: rec,
        field: itemKey,
      });
    table.item(item);
    for (const [k, v] of Object.entries(row)) {
      if (k === itemKey) continue;
      const l = label(v, `${rec}.${k}`, k);
      if (l !== null) table.add(item, k, l, { record: rec, field: k, text: `${fn}: ${rec}.${k}` });
    }
  });
  return table.build();
}

const NPY_TYPES = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
};

/**
 * A wide table as a NumPy `.npy` file: a 2-D numeric array [items, annotators] of labels (any of
 * f4 f8 i1 i2 i4 i8 u1 u2 u4 u8, little-endian, C or Fortran order); NaN, or `missingValue`, is a
 * missing rating. Items and annotators are named by index.
 */
export function readWideNpy(bytes, options = {}) {
  const fn = 'readWideNpy';
  const u8 =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : ArrayBuffer.isView(bytes)
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : null;
  if (!u8) throw new TypeError(`${fn}: expected the file's bytes (an ArrayBuffer or a Uint8Array)`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (u8.length < 10 || magic.some((b, k) => u8[k] !== b))
    throw new AnnotationFormatError(`${fn}: not a .npy file (no \\x93NUMPY magic)`, { field: 'magic' });
  const major = u8[6];
  const headerLen = major === 1 ? u8[8] | (u8[9] << 8) : u8[8] | (u8[9] << 8) | (u8[10] << 16) | (u8[11] << 24);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(u8.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape)
    throw new AnnotationFormatError(`${fn}: unreadable header ${JSON.stringify(header.trim())}`, { field: 'header' });
  const code = descr[2] + descr[3];
  const Type = NPY_TYPES[code];
  if (!Type)
    throw new AnnotationFormatError(`${fn}: dtype ${descr[1]}${code} is not a numeric type this reader takes`, {
      field: 'descr',
    });
  if (descr[1] === '>' && Type.BYTES_PER_ELEMENT > 1)
    throw new AnnotationFormatError(
      `${fn}: big-endian data (${descr[1]}${code}) is not supported; save little-endian`,
      { field: 'descr' },
    );
  const dims = shape[1]
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number);
  if (dims.length !== 2)
    throw new AnnotationFormatError(`${fn}: expected a 2-D array [items, annotators], got shape (${shape[1].trim()})`, {
      field: 'shape',
    });
  const [rows, cols] = dims;
  const offset = start + headerLen;
  const need = rows * cols * Type.BYTES_PER_ELEMENT;
  if (u8.length - offset < need)
    throw new AnnotationFormatError(
      `${fn}: the data is truncated: ${u8.length - offset} bytes for ${rows} x ${cols} ${code} values (${need} bytes)`,
      { field: 'data' },
    );
  const data = new Type(u8.slice(offset, offset + need).buffer);
  const missing = options.missingValue;
  const table = new TableBuilder(options, fn);
  for (let a = 0; a < cols; a++) table.annotator(String(a));
  for (let i = 0; i < rows; i++) {
    table.item(String(i));
    for (let a = 0; a < cols; a++) {
      const v = Number(data[fortran ? a * rows + i : i * cols + a]);
      if (Number.isNaN(v) || v === missing) continue;
      if (!Number.isFinite(v))
        throw new AnnotationFormatError(`${fn}: value ${v} at [${i}, ${a}] is not a label`, { record: `[${i}, ${a}]` });
      table.add(String(i), String(a), String(v), { record: `[${i}, ${a}]`, text: `${fn}: [${i}, ${a}]` });
    }
  }
  return table.build();
}

// ---------------------------------------------------------------------------------------------

/**
 * Which reader a file needs: 'npy' (bytes), 'cvat' (XML), 'label-studio' or 'wide-json' (JSON:
 * tasks with annotations, or rows), 'long' or 'wide' (CSV).
 */
export function detectRatingsFormat(text) {
  if (text instanceof ArrayBuffer || ArrayBuffer.isView(text)) return 'npy';
  text = requireText(text, 'detectRatingsFormat');
  const head = text.trimStart();
  if (head.startsWith('<')) return 'cvat';
  if (head.startsWith('[') || head.startsWith('{')) {
    let first;
    try {
      first = JSON.parse(head)[0];
    } catch {
      return 'label-studio'; // the reader reports the JSON error with its line
    }
    const isRowList =
      Array.isArray(first) ||
      (first &&
        typeof first === 'object' &&
        !('annotations' in first) &&
        !('completions' in first) &&
        !('data' in first));
    return isRowList ? 'wide-json' : 'label-studio';
  }
  const header = parseCsv(head.slice(0, head.search(/\r?\n|$/)), sniffDelimiter(head), 'detectRatingsFormat')[0];
  const names = (header?.fields ?? []).map((f) => f.trim().toLowerCase());
  const has = (aliases) => names.some((n) => aliases.includes(n));
  return has(ANNOTATOR_NAMES) && has(LABEL_NAMES) ? 'long' : 'wide';
}

/** Any of the formats above, detected from the text (or named by `format`). */
export function readRatings(text, options = {}) {
  const format = options.format ?? detectRatingsFormat(text);
  const { format: _, ...rest } = options;
  switch (format) {
    case 'wide':
      return readWideCsv(text, rest);
    case 'long':
      return readLongCsv(text, rest);
    case 'label-studio':
      return readLabelStudio(text, rest);
    case 'cvat':
      return readCvatXml(text, rest);
    case 'wide-json':
      return readWideJson(text, rest);
    case 'npy':
      return readWideNpy(text, rest);
    default:
      throw new TypeError(
        `readRatings: format must be 'wide', 'long', 'label-studio', 'cvat', 'wide-json' or 'npy', got ${quote(format)}`,
      );
  }
}
