// Per-pair edit alignment of transcriptions against their references, for review tools: which
// reference words (or characters) were kept, substituted or deleted and which were inserted, with
// their positions in the strings. The alignment itself is computed in C++ (the `alignment` query
// of WordErrorRate / CharErrorRate, src/wasmetrics/text/alignment.hpp); this names its parts.
import { UnlistedMetric } from './metric.mjs';

const OPS = ['equal', 'substitute', 'insert', 'delete'];

function asList(value, what) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'string');
    if (bad >= 0) throw new TypeError(`alignTranscripts: ${what}[${bad}] must be a string, got ${typeof value[bad]}`);
    return value;
  }
  throw new TypeError(
    `alignTranscripts: ${what} must be a string or an array of strings, got ${value === null ? 'null' : typeof value}`,
  );
}

function tokens(text, spans) {
  const out = [];
  for (let i = 0; i < spans.shape[0]; i++) {
    const start = spans.data[2 * i];
    const end = spans.data[2 * i + 1];
    out.push({ text: text.slice(start, end), start, end });
  }
  return out;
}

function named(raw, pred, target) {
  const ops = [];
  for (let i = 0; i < raw.ops.shape[0]; i++) {
    const [op, targetStart, targetEnd, predStart, predEnd] = raw.ops.data.subarray(5 * i, 5 * i + 5);
    ops.push({ type: OPS[op], targetStart, targetEnd, predStart, predEnd });
  }
  const targetTokens = tokens(target, raw.target_spans);
  const errors = raw.substitutions + raw.insertions + raw.deletions;
  return {
    hits: raw.hits,
    substitutions: raw.substitutions,
    insertions: raw.insertions,
    deletions: raw.deletions,
    errors,
    errorRate: errors / targetTokens.length, // as WER/CER divide: x/0 is Infinity, 0/0 NaN
    ops,
    targetTokens,
    predsTokens: tokens(pred, raw.preds_spans),
  };
}

/**
 * Aligns each transcription with its reference (`unit`: 'word', words as Python's str.split()
 * finds them, as WordErrorRate counts; or 'char', code points, as CharErrorRate). Two strings give
 * one alignment, two arrays of one length an array of them. Needs init() first.
 */
export function alignTranscripts(preds, target, { unit = 'word' } = {}) {
  if (unit !== 'word' && unit !== 'char')
    throw new RangeError(`alignTranscripts: unit must be 'word' or 'char', got ${JSON.stringify(unit)}`);
  const single = typeof preds === 'string' && typeof target === 'string';
  const p = asList(preds, 'preds');
  const t = asList(target, 'target');
  if (p.length !== t.length)
    throw new RangeError(
      `alignTranscripts: preds and target must have the same length, got ${p.length} and ${t.length}`,
    );
  if (p.length === 0) return [];
  const metric = new UnlistedMetric(unit === 'char' ? 'CharErrorRate' : 'WordErrorRate');
  try {
    const raw = metric.query('alignment', { preds: p, target: t });
    const out = raw.map((r, i) => named(r, p[i], t[i]));
    return single ? out[0] : out;
  } finally {
    metric.dispose();
  }
}
