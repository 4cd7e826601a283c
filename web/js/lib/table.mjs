// Columns of a parsed CSV/JSON table, header detection and numeric cell parsing. Pure functions:
// used by the parse worker and tested in Node (tests/js/web-lib.test.mjs).

export const SPECIAL = new Map([
  ['nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['-infinity', -Infinity],
  ['true', 1],
  ['false', 0],
]);

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
const isBlank = (s) => s === undefined || s === null || String(s).trim() === '';

/** Whether `cells` are exactly the integers 0, 1, ..., cells.length - 1 (at least two of them). */
function isIndexRow(cells) {
  return cells.length >= 2 && cells.every((c, k) => typeof c === 'string' && c.trim() !== '' && Number(c) === k);
}

/**
 * Whether the first row is a header. Yes if some column is text in row 0 but numeric below it,
 * or if every cell of row 0 is text and none of them recurs in its column below (a label column
 * of names has repeats; a header does not). pandas' headers of unnamed columns count too:
 * `pd.DataFrame(proba).to_csv()` writes ",0,1,...,C-1" (an empty cell over the index column) and
 * `to_csv(index=False)` writes "0,1,...,C-1"; the latter is a header only when the values below
 * it are not all integers (a headerless file of labels may well start with a row 0,1,2).
 */
export function detectHeader(rows) {
  if (rows.length === 0) return false;
  const first = rows[0];
  const rest = rows.slice(1, 200);
  if (rest.length === 0) return first.every(isText);
  for (let j = 0; j < first.length; j++) {
    if (isText(first[j]) && rest.some((r) => r[j] !== undefined && !isText(r[j]) && String(r[j]).trim() !== ''))
      return true;
  }
  if (first.length >= 3 && isBlank(first[0]) && isIndexRow(first.slice(1)) && rest.every((r) => !isBlank(r[0])))
    return true;
  if (
    isIndexRow(first) &&
    rest.some((r) =>
      r.some((c) => {
        const v = cellNumber(c);
        return v !== undefined && Number.isFinite(v) && !Number.isInteger(v);
      }),
    )
  )
    return true;
  if (!first.every(isText)) return false;
  return first.every((h, j) => !rest.some((r) => r[j] === h));
}

const MAX_BAD = 20; // bad cells remembered per column (the count goes on)

/**
 * One column being filled. Numbers go to a growing Float64Array; a text cell is coded (codes
 * beside the numbers). At the end the column is numeric if most of its cells are numbers (its
 * text cells are then bad cells, listed), or categorical (labels) otherwise. Empty and NaN cells
 * are remembered as missing, by row.
 */
export class ColumnBuilder {
  constructor(name, { unnamed = false } = {}) {
    this.name = name;
    this.unnamed = unnamed;
    this.values = new Float64Array(1024);
    this.textCodes = null; // Int32Array beside values once text appears: -1 for a number
    this.length = 0;
    this.numbers = 0;
    this.texts = 0;
    this.codes = new Map(); // text -> code
    this.textCells = []; // [{row, text}] first MAX_BAD
    this.missing = []; // [{row, text}] first MAX_BAD
    this.missingCount = 0;
  }

  push(cell) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
      if (this.textCodes) {
        const g = new Int32Array(grown.length).fill(-1);
        g.set(this.textCodes);
        this.textCodes = g;
      }
    }
    const row = this.length++;
    const v = cellNumber(cell);
    if (v !== undefined) {
      this.values[row] = v;
      this.numbers++;
      if (Number.isNaN(v)) {
        this.missingCount++;
        if (this.missing.length < MAX_BAD) this.missing.push({ row, text: isBlank(cell) ? '' : String(cell).trim() });
      }
      return;
    }
    if (!this.textCodes) this.textCodes = new Int32Array(this.values.length).fill(-1);
    this.values[row] = NaN;
    this.textCodes[row] = this.code(cell);
    this.texts++;
    if (this.textCells.length < MAX_BAD) this.textCells.push({ row, text: String(cell).trim() });
  }

  code(cell) {
    const key =
      cell === null || cell === undefined ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell).trim();
    let c = this.codes.get(key);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(key, c);
    }
    return c;
  }

  finish() {
    const n = this.length;
    const base = { name: this.name, unnamed: this.unnamed };
    if (this.texts === 0 || this.texts <= this.numbers - this.missingCount) {
      // numeric; its text cells (if any) are bad cells, its empty/NaN cells missing ones
      return {
        ...base,
        values: this.values.slice(0, n),
        categories: null,
        badCells: this.textCells,
        badCount: this.texts,
        missing: this.missing,
        missingCount: this.missingCount,
      };
    }
    // categorical (labels): numbers become categories by their text; an empty (or NaN) cell is
    // the category '' and is listed as missing (every value stays a code of a category)
    const values = new Float64Array(n);
    const missing = [];
    let missingCount = 0;
    for (let i = 0; i < n; i++) {
      if (this.textCodes[i] >= 0) values[i] = this.textCodes[i];
      else if (Number.isNaN(this.values[i])) {
        values[i] = this.code('');
        missingCount++;
        if (missing.length < MAX_BAD) missing.push({ row: i, text: '' });
      } else values[i] = this.code(String(this.values[i]));
    }
    return { ...base, values, categories: [...this.codes.keys()], badCells: [], badCount: 0, missing, missingCount };
  }
}

/**
 * Builds a table dataset from rows of cells (arrays), checking every row has as many cells as the
 * first. Blank lines are skipped but counted, so every row knows its line in the file.
 */
export class TableBuilder {
  /** `skipBlank`: a CSV's blank lines are skipped (a JSON record of nulls is a row of missing cells). */
  constructor({ skipBlank = false } = {}) {
    this.columns = null;
    this.header = null;
    this.rows = 0;
    this.line = 0;
    this.skipBlank = skipBlank;
    this.skipped = []; // lines skipped as blank
  }

  /** Adds rows; `hasHeader` is true, false or 'auto' (decided on the first call). */
  add(rows, hasHeader = 'auto') {
    let i = 0;
    const blank = (row) => this.skipBlank && row.every(isBlank);
    if (this.columns === null) {
      while (i < rows.length && blank(rows[i])) {
        this.skipped.push(++this.line);
        i++;
      }
      rows = rows.slice(i);
      i = 0;
      if (rows.length === 0) return;
      this.header =
        hasHeader === 'auto' ? detectHeader(rows.slice(0, 400).filter((r) => !blank(r))) : Boolean(hasHeader);
      const unnamed = (h) => isBlank(h) || /^Unnamed: \d+$/.test(String(h).trim());
      const names = this.header
        ? rows[0].map((h, j) => (isBlank(h) ? `column ${j + 1}` : String(h).trim()))
        : rows[0].map((_, j) => `column ${j + 1}`);
      const seen = new Map();
      this.columns = names.map((n, j) => {
        const k = (seen.get(n) ?? 0) + 1;
        seen.set(n, k);
        return new ColumnBuilder(k > 1 ? `${n} (${k})` : n, { unnamed: !this.header || unnamed(rows[0][j]) });
      });
      if (this.header) {
        i = 1;
        this.line++;
      }
    }
    const width = this.columns.length;
    for (; i < rows.length; i++) {
      const row = rows[i];
      this.line++;
      if (blank(row)) {
        this.skipped.push(this.line);
        continue;
      }
      if (row.length !== width) {
        throw new Error(
          `line ${this.line} has ${row.length} field${row.length === 1 ? '' : 's'} but ${this.header ? 'the header has' : 'the first line has'} ${width}`,
        );
      }
      for (let j = 0; j < width; j++) this.columns[j].push(row[j]);
      this.rows++;
    }
  }

  finish() {
    if (!this.columns || this.rows === 0) throw new Error('no data rows');
    // e.g. JSON records without keys, [{}] (found by fuzz/js/readers.mjs)
    if (this.columns.length === 0) throw new Error('no data columns');
    return {
      kind: 'table',
      rows: this.rows,
      header: this.header,
      firstLine: this.header ? 2 : 1,
      skippedLines: this.skipped,
      rowWord: this.skipBlank ? 'line' : 'record',
      columns: this.columns.map((c) => c.finish()),
    };
  }
}

/** Where data row `row` of a table is: "line L" of a CSV (blank lines counted), "record R" (0-based) of JSON. */
export function rowPlace(ds, row) {
  if (ds.rowWord === 'record') return `record ${row}`;
  let line = row + (ds.firstLine ?? 1);
  for (const s of ds.skippedLines ?? []) if (s <= line) line++;
  return `line ${line}`;
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
    if (!Array.isArray(v) || v.length !== shape[d])
      throw new Error(
        `${what} is ragged: ${what}${path} has ${Array.isArray(v) ? v.length : 'no'} entries, expected ${shape[d]}`,
      );
    for (let i = 0; i < v.length; i++) walk(v[i], d + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { data, shape };
}

/** A parsed JSON document as a dataset: records, columns, a nested array, or {preds, target}. */
export function jsonToDataset(doc) {
  if (
    doc &&
    typeof doc === 'object' &&
    !Array.isArray(doc) &&
    Array.isArray(doc.annotations) &&
    Array.isArray(doc.images)
  ) {
    throw new Error('this is COCO JSON (object detection); the demo does not read COCO files yet');
  }
  if (Array.isArray(doc) && doc.length && doc[0] && typeof doc[0] === 'object' && !Array.isArray(doc[0])) {
    const names = Object.keys(doc[0]);
    const t = new TableBuilder();
    t.add(
      [
        names,
        ...doc.map((r, i) => {
          if (!r || typeof r !== 'object') throw new Error(`record ${i} is not an object`);
          return names.map((n) => r[n]);
        }),
      ],
      true,
    );
    return { ...t.finish(), layout: 'records' };
  }
  if (Array.isArray(doc)) {
    if (doc.some((v) => typeof v === 'string')) {
      const t = new TableBuilder();
      t.add([['value'], ...doc.map((v) => [v])], true);
      return { ...t.finish(), layout: 'strings' };
    }
    return { kind: 'tensor', layout: 'array', ...nestedToTensor(doc, 'the array') };
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
      return { ...t.finish(), layout: 'columns' };
    }
    return {
      kind: 'tensors',
      layout: 'keys',
      tensors: Object.fromEntries(keys.map((k) => [k, nestedToTensor(doc[k], k)])),
    };
  }
  throw new Error('the JSON is neither an array nor an object');
}
