// A seeded mutation fuzzer for the file readers the JS side owns, which libFuzzer cannot reach:
// the demo's CSV path (papaparse + TableBuilder, as web/js/parse-worker.mjs drives them) and JSON
// path, its NumPy reader (web/js/lib/npy.mjs) and the package's PNG mask decoder
// (npm/src/masks.mjs, through npm/dist), image reader (PNG and JPEG, npm/src/images.mjs) and WAV
// reader (npm/src/wav.mjs). Inputs are the committed corpus (fuzz/corpus/readers) mutated: bit flips,
// interesting bytes, inserted/deleted/duplicated chunks, truncation, splices, CSV tokens, and for
// PNG a repair of every chunk's CRC so mutations reach the decoder behind the checksums.
// Each reader must return a well-formed result or throw a plain Error (the package's decoders: a
// MediaFormatError) with a message; another
// exception type, a malformed result or an input taking over 2 s of CPU time (not wall time: a
// busy machine must not make a finding) is a finding: the input is written to --artifacts and
// the run fails.
//   node fuzz/js/readers.mjs [--seconds 10] [--seed N] [--artifacts DIR] [file...]  (files: replay)
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from '../../web/node_modules/papaparse/papaparse.js';
import { parseNpy } from '../../web/js/lib/npy.mjs';
import { TableBuilder, jsonToDataset } from '../../web/js/lib/table.mjs';
// The built package (npm/dist, made by `make npm`): masks.mjs imports the generated registry.
import { decodeMask, readImage, readWav } from '../../npm/dist/index.mjs';
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const seconds = Number(opt('seconds', 10));
let seed = Number(opt('seed', 20261124)) >>> 0;
const artifacts = opt('artifacts', 'build/fuzz/artifacts');

const rand = mulberry32(seed); // seeded: a run is reproducible from --seed
const below = (n) => Math.floor(rand() * n);

// ---- the readers, and what a well-formed result is -------------------------------------------

// As parse-worker.mjs's parseCsv (which binds `self` and streams a File, so it cannot be imported
// here): papaparse in chunks, the 'Quotes' error check, TableBuilder. Small chunks exercise the
// chunk boundaries that 4 MiB chunks reach only on big files.
function parseCsv(text) {
  if (text.slice(0, 1024).includes('\0')) throw new Error('this is a binary file, not CSV text');
  const table = new TableBuilder({ skipBlank: true });
  let error = null;
  Papa.parse(text, {
    chunkSize: 64,
    skipEmptyLines: false, // TableBuilder skips blank lines, counting them for line numbers
    chunk(results, parser) {
      if (error) return;
      try {
        if (results.errors.length && results.errors[0].type === 'Quotes') {
          throw new Error(`row ${results.errors[0].row + 1}: ${results.errors[0].message}`);
        }
        table.add(results.data, 'auto');
      } catch (e) {
        error = e;
        parser.abort();
      }
    },
  });
  if (error) throw error;
  return table.finish();
}

const TYPED = [Float64Array, Float32Array, Int8Array, Int16Array, Int32Array, Uint8Array, Uint16Array, Uint32Array];
const isTyped = (a) => TYPED.some((C) => a instanceof C);
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);
const isShape = (s) => Array.isArray(s) && s.every((d) => Number.isSafeInteger(d) && d >= 0);

function checkTable(t) {
  if (t.kind !== 'table' || !Number.isSafeInteger(t.rows) || t.rows < 1) return 'table without rows';
  if (!Array.isArray(t.columns) || t.columns.length < 1) return 'table without columns';
  for (const c of t.columns) {
    if (typeof c.name !== 'string') return 'column without a name';
    if (!(c.values instanceof Float64Array) || c.values.length !== t.rows)
      return `column ${c.name}: ${c.values?.length} values for ${t.rows} rows`;
    if (c.categories !== null) {
      if (!Array.isArray(c.categories) || !c.categories.every((s) => typeof s === 'string'))
        return `column ${c.name}: bad categories`;
      if (!c.values.every((v) => Number.isInteger(v) && v >= 0 && v < c.categories.length))
        return `column ${c.name}: a code outside its categories`;
    }
  }
  return null;
}
function checkTensor(t) {
  if (!isTyped(t.data) || !isShape(t.shape)) return 'tensor without typed data and a shape';
  if (t.data.length !== sizeOf(t.shape)) return `tensor of shape [${t.shape}] holds ${t.data.length} values`;
  return null;
}

const READERS = {
  csv: { read: (b) => parseCsv(Buffer.from(b).toString('utf8')), check: checkTable },
  json: {
    read: (b) => {
      let doc;
      try {
        doc = JSON.parse(Buffer.from(b).toString('utf8'));
      } catch (e) {
        throw new Error(`invalid JSON: ${e.message}`);
      }
      return jsonToDataset(doc);
    },
    check: (d) =>
      d.kind === 'table'
        ? checkTable(d)
        : d.kind === 'tensor'
          ? checkTensor(d)
          : d.kind === 'tensors'
            ? (Object.values(d.tensors).map(checkTensor).find(Boolean) ?? null)
            : `unknown kind ${d.kind}`,
  },
  npy: {
    read: (b) => parseNpy(b),
    check: (r) => checkTensor(r) ?? (typeof r.dtype === 'string' ? null : 'no dtype'),
  },
  png: {
    // as an image (any colour type), then as a label mask (which refuses colour PNGs by design)
    read: (b) => {
      const image = readImage(b, { name: 'fuzz.png' });
      try {
        return { image, mask: decodeMask(b, { name: 'fuzz.png' }) };
      } catch (e) {
        if (/a label mask must be a greyscale or palette PNG/.test(e?.message)) return { image, mask: null };
        throw e;
      }
    },
    check: ({ image, mask }) => {
      const bad = checkImage(image);
      if (bad || !mask) return bad;
      if (!(mask.data instanceof Uint8Array || mask.data instanceof Uint16Array))
        return 'mask data is not Uint8/Uint16';
      if (!isShape(mask.shape) || mask.shape.length !== 2 || mask.shape[0] < 1 || mask.shape[1] < 1)
        return `mask shape [${mask.shape}]`;
      return mask.data.length === mask.shape[0] * mask.shape[1]
        ? null
        : `mask of ${mask.shape} holds ${mask.data.length} values`;
    },
  },
  jpg: { read: (b) => readImage(b, { name: 'fuzz.jpg' }), check: checkImage },
  wav: {
    read: (b) => readWav(b, { name: 'fuzz.wav' }),
    check: (w) => {
      if (!(w.data instanceof Float32Array) || !isShape(w.shape) || w.shape.length !== 2)
        return `wav shape [${w.shape}]`;
      if (w.data.length !== w.shape[0] * w.shape[1] || w.channelData.length !== w.shape[0])
        return `wav of ${w.shape} holds ${w.data.length} values`;
      return w.sampleRate > 0 ? null : `sample rate ${w.sampleRate}`;
    },
  },
};

function checkImage(m) {
  if (!(m.data instanceof Float32Array)) return 'image data is not Float32Array';
  if (!isShape(m.shape) || m.shape.length !== 3 || m.shape.some((d) => d < 1)) return `image shape [${m.shape}]`;
  if (m.data.length !== m.shape[0] * m.shape[1] * m.shape[2])
    return `image of ${m.shape} holds ${m.data.length} values`;
  return m.dataRange > 0 ? null : `data range ${m.dataRange}`;
}

// ---- mutations ---------------------------------------------------------------------------------

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x2c, 0x0a, 0x0d, 0x22, 0x27, 0x28, 0x29, 0x2d, 0x2e, 0x30, 0x39, 0x65];
const TOKENS = [
  ',',
  '\n',
  '\r\n',
  '"',
  '""',
  'nan',
  'inf',
  '-Infinity',
  '1e309',
  '-0',
  '0x1f',
  ' ',
  '\t',
  ';',
  'true',
  '9007199254740993',
  '[',
  ']',
  '{',
  '}',
  ':',
  'null',
  "'shape': (",
  "'descr': '<f8'",
  'True',
  '(0,',
  '4294967295,',
];

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
// Rewrites every PNG chunk's CRC so that the decoder reads the mutated chunk instead of refusing it.
function repairPngCrcs(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 8; p + 12 <= b.length;) {
    const len = v.getUint32(p);
    if (p + 12 + len > b.length) break;
    v.setUint32(p + 8 + len, crc32(b.subarray(p + 4, p + 8 + len)));
    p += 12 + len;
  }
  return b;
}

function mutate(input, corpus, kind) {
  let b = Uint8Array.from(input);
  const rounds = 1 + below(4);
  for (let r = 0; r < rounds; r++) {
    const pos = b.length ? below(b.length) : 0;
    switch (below(9)) {
      case 0:
        if (b.length) b[pos] ^= 1 << below(8);
        break;
      case 1:
        if (b.length) b[pos] = INTERESTING[below(INTERESTING.length)];
        break;
      case 2: {
        // delete a chunk
        const n = 1 + below(Math.min(16, b.length || 1));
        b = Uint8Array.from([...b.subarray(0, pos), ...b.subarray(pos + n)]);
        break;
      }
      case 3: {
        // duplicate a chunk
        const n = 1 + below(32);
        b = Uint8Array.from([...b.subarray(0, pos), ...b.subarray(pos, pos + n), ...b.subarray(pos)]);
        break;
      }
      case 4:
        b = b.subarray(0, below(b.length + 1));
        break; // truncate
      case 5: {
        // splice with another corpus file of any kind
        const other = corpus[below(corpus.length)].bytes;
        const at = below(other.length + 1);
        b = Uint8Array.from([...b.subarray(0, pos), ...other.subarray(at, at + 1 + below(64))]);
        break;
      }
      case 6: {
        // insert a token
        const t = Buffer.from(TOKENS[below(TOKENS.length)]);
        b = Uint8Array.from([...b.subarray(0, pos), ...t, ...b.subarray(pos)]);
        break;
      }
      case 7:
        if (b.length >= 4)
          new DataView(b.buffer, b.byteOffset).setUint32(
            below(b.length - 3),
            [0, 0xffffffff, 0x7fffffff, 1 + below(70000)][below(4)],
          );
        break;
      default:
        if (b.length) b[pos] = below(256);
    }
    if (b.length > 1 << 16) b = b.subarray(0, 1 << 16);
  }
  if (kind === 'png' && rand() < 0.7) b = repairPngCrcs(Uint8Array.from(b));
  return b;
}

// ---- the loop ----------------------------------------------------------------------------------

let slowest = 0; // ms of CPU time, the slowest input run so far

function runOne(kind, bytes) {
  const reader = READERS[kind];
  const start = process.cpuUsage();
  let problem = null;
  try {
    const result = reader.read(bytes);
    problem = reader.check(result);
    if (problem) problem = `malformed result: ${problem}`;
  } catch (e) {
    if (!(e instanceof Error) || (e.constructor !== Error && e.name !== 'MediaFormatError'))
      problem = `threw ${e?.constructor?.name ?? typeof e}: ${e?.message ?? e}`;
    else if (!e.message) problem = 'threw an Error without a message';
  }
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  slowest = Math.max(slowest, ms);
  if (!problem && ms > 2000) problem = `took ${ms.toFixed(0)} ms of CPU time`;
  return problem;
}

const corpusDir = join(here, '..', 'corpus', 'readers');
const kindOf = (file) =>
  ({ '.csv': 'csv', '.json': 'json', '.npy': 'npy', '.png': 'png', '.jpg': 'jpg', '.wav': 'wav' })[extname(file)];
const corpus = readdirSync(corpusDir)
  .filter(kindOf)
  .sort()
  .map((f) => ({ file: f, kind: kindOf(f), bytes: new Uint8Array(readFileSync(join(corpusDir, f))) }));
if (corpus.length === 0) throw new Error(`no seeds in ${corpusDir}`);

const findings = [];
const report = (kind, bytes, problem) => {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `readers-${kind}-${findings.length}.${kind}`);
  writeFileSync(path, bytes);
  findings.push(`${kind}: ${problem} (input: ${path})`);
  console.log(`FINDING ${kind}: ${problem} (input written to ${path})`);
};

if (args.length) {
  // replay files given on the command line
  for (const f of args) {
    const problem = runOne(kindOf(f), new Uint8Array(readFileSync(f)));
    console.log(`${f}: ${problem ?? 'ok'}`);
    if (problem) findings.push(problem);
  }
  console.log(
    findings.length
      ? `${findings.length} finding(s)`
      : `${args.length} files replayed, slowest ${slowest.toFixed(0)} ms CPU, no findings`,
  );
  process.exit(findings.length ? 1 : 0);
}

let execs = 0;
for (const s of corpus) {
  // every seed as it is first
  const problem = runOne(s.kind, s.bytes);
  execs++;
  if (problem) report(s.kind, s.bytes, problem);
}
const deadline = Date.now() + seconds * 1000;
const perKind = {};
while (Date.now() < deadline && findings.length < 10) {
  const s = corpus[below(corpus.length)];
  const bytes = mutate(s.bytes, corpus, s.kind);
  const problem = runOne(s.kind, bytes);
  execs++;
  perKind[s.kind] = (perKind[s.kind] ?? 0) + 1;
  if (problem) report(s.kind, bytes, problem);
}
console.log(
  `per reader: ${Object.entries(perKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
);
if (findings.length) {
  console.log(`${findings.length} finding(s)`);
  process.exit(1);
}
console.log(`${execs} execs in ${seconds}s, ${corpus.length} seeds, no findings`);
