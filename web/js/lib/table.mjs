// Columns of a parsed CSV/JSON table, header detection and numeric cell parsing. Pure functions:
// used by the parse worker and tested in Node (tests/js/web-lib.test.mjs).

const SPECIAL = new Map([['nan', NaN], ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity],
  ['infinity', Infinity], ['-infinity', -Infinity], ['true', 1], ['false', 0]]);

/** The number a CSV cell holds, or undefined if it is text. An empty cell is NaN (missing). */
export function cellNumber(s) {
  if (typeof s === 'number') return s;
  if (typeof s === 'boolean') return s ? 1 : 0;
  if (s === null || s === undefined) return NaN;
  if (typeof s !== 'string') return undefined; // a JSON object or array in a cell: not a number
  const t = s.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  return SPECIAL.get(t.toLowerCase());
}

const isText = (s) => typeof s === 'string' && s.trim() !== '' && cellNumber(s) === undefined;

/**
 * Whether the first row is a header. Yes if some column is text in row 0 but numeric below it,
 * or if every cell of row 0 is text and none of them recurs in its column below (a label column
 * of names has repeats; a header does not).
 */
export function detectHeader(rows) {
  if (rows.length === 0) return false;
  const first = rows[0];
  const rest = rows.slice(1, 200);
  if (rest.length === 0) return first.every(isText);
  for (let j = 0; j < first.length; j++) {
    if (isText(first[j]) && rest.some((r) => r[j] !== undefined && !isText(r[j]) && String(r[j]).trim() !== '')) return true;
  }
  if (!first.every(isText)) return false;
  return first.every((h, j) => !rest.some((r) => r[j] === h));
}

/** One column being filled: numbers in a growing Float64Array; text turns it categorical (codes). */
export class ColumnBuilder {
  constructor(name) {
    this.name = name;
    this.values = new Float64Array(1024);
    this.length = 0;
    this.codes = null; // Map text -> code once the column holds text
  }

  push(cell) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    if (this.codes) {
      this.values[this.length++] = this.code(cell);
      return;
    }
    const v = cellNumber(cell);
    if (v !== undefined) {
      this.values[this.length++] = v;
      return;
    }
    // First text cell: the column is categorical; earlier numbers become categories too.
    this.codes = new Map();
    for (let i = 0; i < this.length; i++) this.values[i] = this.code(String(this.values[i]));
    this.values[this.length++] = this.code(cell);
  }

  code(cell) {
    const key = cell === null || cell === undefined ? '' : String(cell).trim();
    let c = this.codes.get(key);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(key, c);
    }
    return c;
  }

  finish() {
    return { name: this.name, values: this.values.slice(0, this.length), categories: this.codes ? [...this.codes.keys()] : null };
  }
}

/** Builds a table dataset from rows of cells (arrays), checking every row has as many cells as the first. */
export class TableBuilder {
  constructor() {
    this.columns = null;
    this.header = null;
    this.rows = 0;
    this.line = 0;
  }

  /** Adds rows; `hasHeader` is true, false or 'auto' (decided on the first call). */
  add(rows, hasHeader = 'auto') {
    let i = 0;
    if (this.columns === null) {
      if (rows.length === 0) return;
      this.header = hasHeader === 'auto' ? detectHeader(rows) : Boolean(hasHeader);
      const names = this.header ? rows[0].map((h, j) => String(h).trim() || `column ${j + 1}`) : rows[0].map((_, j) => `column ${j + 1}`);
      const seen = new Map();
      this.columns = names.map((n) => {
        const k = (seen.get(n) ?? 0) + 1;
        seen.set(n, k);
        return new ColumnBuilder(k > 1 ? `${n} (${k})` : n);
      });
      if (this.header) {
        i = 1;
        this.line = 1;
      }
    }
    const width = this.columns.length;
    for (; i < rows.length; i++) {
      const row = rows[i];
      this.line++;
      if (row.length !== width) {
        throw new Error(`line ${this.line} has ${row.length} field${row.length === 1 ? '' : 's'} but ${this.header ? 'the header has' : 'the first line has'} ${width}`);
      }
      for (let j = 0; j < width; j++) this.columns[j].push(row[j]);
      this.rows++;
    }
  }

  finish() {
    if (!this.columns || this.rows === 0) throw new Error('no data rows');
    // e.g. JSON records without keys, [{}] (found by fuzz/js/readers.mjs)
    if (this.columns.length === 0) throw new Error('no data columns');
    return { kind: 'table', rows: this.rows, header: this.header, columns: this.columns.map((c) => c.finish()) };
  }
}

/** A nested JS array (numbers/booleans) as {data: Float64Array, shape}; throws on ragged or non-numeric data. */
export function nestedToTensor(value, what = 'array') {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let k = 0;
  const walk = (v, d, path) => {
    if (d === shape.length) {
      const x = typeof v === 'boolean' ? Number(v) : v === null ? NaN : v;
      if (typeof x !== 'number') throw new Error(`${what}${path} is ${JSON.stringify(v).slice(0, 40)}, not a number`);
      data[k++] = x;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) throw new Error(`${what} is ragged: ${what}${path} has ${Array.isArray(v) ? v.length : 'no'} entries, expected ${shape[d]}`);
    for (let i = 0; i < v.length; i++) walk(v[i], d + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { data, shape };
}

/** A parsed JSON document as a dataset: records, columns, a nested array, or {preds, target}. */
export function jsonToDataset(doc) {
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray(doc.annotations) && Array.isArray(doc.images)) {
    throw new Error('this is COCO JSON (object detection); the demo does not read COCO files yet');
  }
  if (Array.isArray(doc) && doc.length && doc[0] && typeof doc[0] === 'object' && !Array.isArray(doc[0])) {
    const names = Object.keys(doc[0]);
    const t = new TableBuilder();
    t.add([names, ...doc.map((r, i) => {
      if (!r || typeof r !== 'object') throw new Error(`record ${i} is not an object`);
      return names.map((n) => r[n]);
    })], true);
    return t.finish();
  }
  if (Array.isArray(doc)) {
    if (doc.some((v) => typeof v === 'string')) {
      const t = new TableBuilder();
      t.add([['value'], ...doc.map((v) => [v])], true);
      return t.finish();
    }
    return { kind: 'tensor', ...nestedToTensor(doc, 'the array') };
  }
  if (doc && typeof doc === 'object') {
    const keys = Object.keys(doc).filter((k) => Array.isArray(doc[k]));
    if (keys.length === 0) throw new Error('the JSON holds no array of data');
    const flat = keys.every((k) => doc[k].every((v) => !Array.isArray(v)));
    if (flat) {
      const n = doc[keys[0]].length;
      const bad = keys.find((k) => doc[k].length !== n);
      if (bad) throw new Error(`"${bad}" has ${doc[bad].length} entries but "${keys[0]}" has ${n}`);
      const t = new TableBuilder();
      t.add([keys, ...Array.from({ length: n }, (_, i) => keys.map((k) => doc[k][i]))], true);
      return t.finish();
    }
    return { kind: 'tensors', tensors: Object.fromEntries(keys.map((k) => [k, nestedToTensor(doc[k], k)])) };
  }
  throw new Error('the JSON is neither an array nor an object');
}
