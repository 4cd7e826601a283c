// A registry example (MetricSpec::examples: snake_case args, batches of fixture tensors, expected
// RESULT) as the JavaScript a user writes: shared by the TypeScript @example blocks
// (npm/scripts/build.mjs) and docs/METRICS.md (scripts/gen-metrics-doc.mjs).

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

const fixtureNumber = (v) =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v);

function literal(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(x)}`)
      .join(', ')} }`;
  if (typeof v === 'string') return `'${v.replace(/'/g, "\\'")}'`;
  return String(v);
}

// Row-major data as nested arrays of `shape`.
function nest(data, shape) {
  if (shape.length <= 1) return data;
  const step = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(data.slice(i * step, (i + 1) * step), shape.slice(1)));
}

const ARRAY_OF = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  int64: 'Int32Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array',
};

/** A fixture tensor as a typed array (1-d) or {data, shape} (other ranks); bool gets dtype: 'bool'. */
function tensorCode(t) {
  const numbers = t.data.map((v) => (typeof v === 'boolean' ? Number(v) : fixtureNumber(v)));
  const text = numbers.map((v) => (Number.isNaN(v) ? 'NaN' : String(v))).join(', ');
  const array = `${ARRAY_OF[t.dtype] ?? 'Float64Array'}.of(${text})`;
  if (t.shape.length === 0 && t.dtype.startsWith('float')) return text; // a 0-d tensor: a plain number
  if (t.dtype === 'bool') return `{ data: ${array}, shape: ${literal(t.shape)}, dtype: 'bool' }`;
  if (t.shape.length === 1) return array;
  return `{ data: ${array}, shape: ${literal(t.shape)} }`;
}

const isTensor = (v) =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v).length === 3 &&
  'dtype' in v &&
  'shape' in v &&
  'data' in v;
// Detection batches are lists of per-image dicts of tensors (text batches are lists of strings).
const isDetectionBatch = (batch) =>
  Array.isArray(batch.preds) &&
  batch.preds.length > 0 &&
  batch.preds.every((img) => img !== null && typeof img === 'object' && Object.values(img).every(isTensor));

// Detection: TorchMetrics' lists of per-image dicts, each tensor as nested arrays.
function detectionCode(images) {
  return literal(
    images.map((img) =>
      Object.fromEntries(Object.entries(img).map(([k, t]) => [k, nest(t.data.map(fixtureNumber), t.shape)])),
    ),
  );
}

/** A RESULT as a short value: 4 decimals, nested arrays for tensors, objects for named results. */
export function resultText(r) {
  const num = (v) => {
    const x = fixtureNumber(v);
    return Number.isFinite(x) ? String(Number(x.toFixed(4))) : String(x);
  };
  const walk = (v) => {
    if (Array.isArray(v)) return `[${v.map(walk).join(', ')}]`;
    if (v && Array.isArray(v.shape) && Array.isArray(v.data) && Object.keys(v).length === 2) {
      if (v.shape.length === 0) return num(v.data[0]);
      const nested = nest(v.data.map(num), v.shape);
      const show = (x) => (Array.isArray(x) ? `[${x.map(show).join(', ')}]` : x);
      return show(nested);
    }
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${walk(x)}`)
      .join(', ')} }`;
  };
  return walk(r);
}

/** The example as lines of JavaScript: construct, update per batch, compute() with its value. */
export function exampleCode(metric, example) {
  const args = Object.fromEntries(Object.entries(example.args ?? {}).map(([k, v]) => [camel(k), v]));
  const lines = [`const metric = new ${metric.name}(${Object.keys(args).length ? literal(args) : ''});`];
  for (const batch of example.batches) {
    const inputs = isDetectionBatch(batch)
      ? [detectionCode(batch.preds), detectionCode(batch.target)]
      : metric.inputs
          .filter((i) => Object.hasOwn(batch, i.name))
          .map((i) => (isTensor(batch[i.name]) ? tensorCode(batch[i.name]) : literal(batch[i.name]))); // text: as given
    lines.push(`metric.update(${inputs.join(', ')});`);
  }
  lines.push(`metric.compute(); // ${resultText(example.expected)}`);
  return lines;
}
