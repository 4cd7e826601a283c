// What each metric's compute() (and forward()) returns, as a descriptor, its TypeScript type, and
// a run-time check of a value against it (tests/js/result-types.test.mjs runs every example).
//
// A descriptor is "number" (a 0-d result), "Tensor" (n-d), {oneOf: [d, ...]}, {list: d} (an array,
// e.g. one curve per class), {fields: {name: d}, open?: d} (named results; `open`: any other key,
// e.g. per-class keys), or {default: d, shapedBy: [option, ...], otherwise: d}: d unless one of
// those options is given (e.g. MeanSquaredError is a number unless numOutputs is given).
//
// The registry's `result` (MetricSpec::result, src/wasmetrics/core/registry.hpp) where a metric
// declares it. Otherwise derived from the registry's examples: the forms of their `expected` values;
// options whose examples give another form than the examples that leave every option at its default
// are the `shapedBy` options (and options that usually reshape a result, SHAPING_OPTIONS, widen a
// derived type).

import { COCO_KEYPOINT_SUMMARY_KEYS, COCO_SUMMARY_KEYS } from '../src/coco-keys.mjs';

// Declared here until the metric's spec declares its `result` (detection/ is another owner's).
export const RESULT_TYPES = {
  // classMetrics=true fills the per-class fields with one value per class; iouType 'keypoints'
  // returns COCOeval's 10 keypoint stats instead of the 12 box/mask ones
  MeanAveragePrecision: {
    oneOf: [
      [COCO_SUMMARY_KEYS, 'mar_100_per_class'],
      [COCO_KEYPOINT_SUMMARY_KEYS, 'mar_per_class'],
    ].map(([stats, marPerClass]) => ({
      fields: Object.fromEntries(
        stats
          .map((k) => [k, 'number'])
          .concat(['map_per_class', marPerClass, 'classes'].map((k) => [k, { oneOf: ['number', 'Tensor'] }])),
      ),
    })),
  },
};

// Options that make a number a per-class / per-output / per-sample tensor when given.
const SHAPING_OPTIONS = {
  average: (o) => o.nullable || (o.choices ?? []).includes('none'),
  multidim_average: (o) => (o.choices ?? []).includes('samplewise'),
  num_outputs: () => true,
  reduction: (o) => o.nullable || (o.choices ?? []).includes('none'),
};

const key = (d) => JSON.stringify(d);

/** The descriptor of one expected value in the fixtures' JSON form. */
export function formOf(expected) {
  if (Array.isArray(expected)) return { list: union(expected.map(formOf)) };
  if (expected && typeof expected === 'object' && Array.isArray(expected.shape) && 'data' in expected) {
    return expected.shape.length === 0 ? 'number' : 'Tensor';
  }
  return { fields: Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, formOf(v)])) };
}

const members = (d) => (d && typeof d === 'object' && d.oneOf ? d.oneOf : [d]);

/** The union of descriptors: dicts merge by field (a field some lack becomes an `open` key), lists by element. */
export function union(ds) {
  const flat = ds.flatMap(members);
  const dicts = flat.filter((d) => typeof d === 'object' && d.fields);
  const lists = flat.filter((d) => typeof d === 'object' && d.list);
  const out = [];
  for (const d of flat) if (typeof d === 'string' && !out.includes(d)) out.push(d);
  if (lists.length) out.push({ list: union(lists.map((l) => l.list)) });
  if (dicts.length) {
    const names = [...new Set(dicts.flatMap((d) => Object.keys(d.fields)))];
    const everywhere = names.filter((n) => dicts.every((d) => Object.hasOwn(d.fields, n)));
    const fields = Object.fromEntries(everywhere.map((n) => [n, union(dicts.map((d) => d.fields[n]))]));
    const rest = [
      ...dicts.flatMap((d) =>
        Object.entries(d.fields)
          .filter(([n]) => !everywhere.includes(n))
          .map(([, v]) => v),
      ),
      ...dicts.filter((d) => d.open).map((d) => d.open),
    ];
    out.push(rest.length ? { fields, open: union(rest) } : { fields });
  }
  const unique = [...new Map(out.map((d) => [key(d), d])).values()];
  return unique.length === 1 ? unique[0] : { oneOf: unique };
}

function sameValue(a, b) {
  return key(a ?? null) === key(b ?? null);
}

/** The result descriptor of a registry entry (listMetrics() or registryJson() form, with examples). */
export function resultType(metric) {
  if (metric.result !== undefined && metric.result !== null) return metric.result;
  if (Object.hasOwn(RESULT_TYPES, metric.name)) return RESULT_TYPES[metric.name];
  const examples = metric.examples ?? [];
  if (examples.length === 0) return null;
  const optionNamed = (n) => metric.options.find((o) => (o.snakeName ?? o.name) === n);
  // options an example sets away from its default (required options, without a default, do not count)
  const givenOptions = (e) =>
    Object.entries(e.args ?? {})
      .filter(([n, v]) => {
        const o = optionNamed(n);
        return o && !(o.default === null && !o.nullable) && !sameValue(v, o.default);
      })
      .map(([n]) => n);
  const all = union(examples.map((e) => formOf(e.expected)));
  const plain = examples.filter((e) => givenOptions(e).length === 0);
  const shaping = Object.entries(SHAPING_OPTIONS)
    .filter(([n, applies]) => optionNamed(n) && applies(optionNamed(n)))
    .map(([n]) => n);
  if (plain.length === 0) return shaping.length && all === 'number' ? { oneOf: ['number', 'Tensor'] } : all;
  const base = union(plain.map((e) => formOf(e.expected)));
  const covered = (d) => members(base).some((b) => key(b) === key(d));
  const shapedBy = new Set(examples.filter((e) => !members(formOf(e.expected)).every(covered)).flatMap(givenOptions));
  let otherwise = all;
  if (base === 'number') {
    for (const n of shaping) shapedBy.add(n);
    if (shapedBy.size) otherwise = union([all, 'Tensor']);
  }
  if (shapedBy.size === 0) return all;
  return { default: base, shapedBy: [...shapedBy], otherwise };
}

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const tsKey = (k) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));

/** The TypeScript type of a descriptor (without its `shapedBy` part: see tsResultTypes). */
export function tsType(d) {
  if (d === null) return 'MetricResult';
  if (typeof d === 'string') return d;
  if (d.oneOf)
    return d.oneOf
      .map((m) =>
        typeof m === 'object' && m.oneOf === undefined && m.fields === undefined ? `(${tsType(m)})` : tsType(m),
      )
      .join(' | ');
  if (d.list) return `readonly (${tsType(d.list)})[]`;
  if (d.fields) {
    const props = Object.entries(d.fields).map(([k, v]) => `readonly ${tsKey(k)}: ${tsType(v)}`);
    // an index signature must admit every named field's type too
    if (d.open) props.push(`readonly [key: string]: ${tsType(union([d.open, ...Object.values(d.fields)]))}`);
    return `{ ${props.join('; ')} }`;
  }
  if (d.default) return tsType(d.otherwise);
  throw new Error(`result-types: unknown descriptor ${key(d)}`);
}

/** {narrow, wide, shapedBy (camelCase)}: the result without the shaping options given, and with any. */
export function tsResultTypes(d) {
  if (d && d.default) return { narrow: tsType(d.default), wide: tsType(d.otherwise), shapedBy: d.shapedBy.map(camel) };
  return { narrow: tsType(d), wide: tsType(d), shapedBy: [] };
}

/**
 * Whether a compute() value (as the package returns it: numbers, Tensor, arrays, plain objects)
 * has the descriptor's form; `options` (camelCase or snake_case) select a shapedBy descriptor's part.
 * `isTensor` tells a Tensor.
 */
export function matchesResultType(value, d, isTensor, options = {}) {
  if (d === null) return true;
  if (d === 'number') return typeof value === 'number';
  if (d === 'Tensor') return isTensor(value);
  if (d.oneOf) return d.oneOf.some((m) => matchesResultType(value, m, isTensor));
  if (d.list) return Array.isArray(value) && value.every((v) => matchesResultType(v, d.list, isTensor));
  if (d.fields) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isTensor(value)) return false;
    for (const [k, v] of Object.entries(d.fields))
      if (!Object.hasOwn(value, k) || !matchesResultType(value[k], v, isTensor)) return false;
    return Object.entries(value).every(
      ([k, v]) => Object.hasOwn(d.fields, k) || (d.open !== undefined && matchesResultType(v, d.open, isTensor)),
    );
  }
  if (d.default) {
    const given = d.shapedBy.some((n) => options[n] !== undefined || options[camel(n)] !== undefined);
    return matchesResultType(value, given ? d.otherwise : d.default, isTensor);
  }
  return false;
}
