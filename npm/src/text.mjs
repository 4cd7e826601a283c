// Strings across the boundary. A text input (a string, an array of strings, lists of references,
// or dicts for SQuAD) becomes ONE UTF-8 buffer plus uint32 offsets in the WebAssembly heap: every
// string is encoded once, straight into the heap (TextEncoder.encodeInto), never passed to Embind
// one at a time. Lists of references add a second level of offsets (groups). Layout and kinds:
// src/wasmetrics/core/text_view.hpp; the binding reads the descriptor in bindings/embind.cpp.

import { withCode } from './errors.mjs';

export const TEXT_KINDS = Object.freeze({ text: 1, text_lists: 2, records: 3 });
const TEXT_CODE = -1; // the descriptor's dtype slot: a text input, not a tensor

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

// A dict as (key path, value) string pairs: nested keys joined with '.', a list value repeating
// its path per element, numbers/booleans/null as JSON text (tests/cpp/fixture_io.hpp does the same).
function flattenRecord(value, path, strings) {
  if (Array.isArray(value)) {
    for (const v of value) flattenRecord(v, path, strings);
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) flattenRecord(v, path === '' ? k : `${path}.${k}`, strings);
  } else {
    strings.push(
      path,
      typeof value === 'string' ? value : typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? 'null'),
    );
  }
}

/**
 * A user's text input as {text: {kind, depth, strings, groups}}. `kind` is the registry's input kind
 * (text | text_lists | records); `where` names the input in errors.
 */
export function toTextInput(value, kind, where) {
  const strings = [];
  let groups = null;
  let depth;
  if (kind === 'records') {
    const records = Array.isArray(value) ? value : [value];
    if (!records.every(isRecord)) {
      throw new TypeError(
        `${where} must be a dict or an array of dicts, got ${describe(Array.isArray(value) ? records.find((r) => !isRecord(r)) : value)}`,
      );
    }
    depth = Array.isArray(value) ? 1 : 0;
    groups = new Uint32Array(records.length + 1);
    records.forEach((r, j) => {
      flattenRecord(r, '', strings);
      groups[j + 1] = strings.length;
    });
  } else if (typeof value === 'string') {
    depth = 0;
    strings.push(value);
  } else if (Array.isArray(value)) {
    const nested = kind === 'text_lists' && value.some(Array.isArray);
    depth = nested ? 2 : 1;
    if (nested) groups = new Uint32Array(value.length + 1);
    for (let j = 0; j < value.length; j++) {
      const v = value[j];
      if (typeof v === 'string') {
        strings.push(v);
      } else if (nested && Array.isArray(v)) {
        for (let k = 0; k < v.length; k++) {
          if (typeof v[k] !== 'string')
            throw new TypeError(`${where}[${j}][${k}] must be a string, got ${describe(v[k])}`);
          strings.push(v[k]);
        }
      } else {
        throw new TypeError(
          `${where}[${j}] must be a string${kind === 'text_lists' ? ' or an array of strings' : ''}, got ${describe(v)}`,
        );
      }
      if (nested) groups[j + 1] = strings.length;
    }
  } else {
    const wanted =
      kind === 'text_lists'
        ? 'a string, an array of strings or an array of arrays of strings'
        : 'a string or an array of strings';
    throw new TypeError(`${where} must be ${wanted}, got ${describe(value)}`);
  }
  return { text: { kind, depth, strings, groups } };
}

const encoder = new TextEncoder();

function heapAlloc(M, bytes, pointers) {
  const ptr = M._malloc(Math.max(bytes, 1)) >>> 0;
  if (ptr === 0)
    throw withCode(
      new Error(`out of memory in the WebAssembly heap copying ${bytes} bytes of text`),
      'E_OUT_OF_MEMORY',
    );
  pointers.push(ptr);
  return ptr;
}

/**
 * Copies a text input into the heap (pointers it allocates are pushed to `pointers` for the caller
 * to free) and returns the binding's descriptor.
 */
export function textDescriptor(M, { kind, depth, strings, groups }, pointers) {
  let units = 0;
  for (const s of strings) units += s.length;
  const capacity = units * 3; // UTF-8 needs at most 3 bytes per UTF-16 code unit
  const bytesPtr = heapAlloc(M, capacity, pointers);
  const offsetsPtr = heapAlloc(M, 4 * (strings.length + 1), pointers);
  const groupsPtr = groups ? heapAlloc(M, 4 * groups.length, pointers) : 0;
  const offsets = new Uint32Array(strings.length + 1);
  const heap = M.HEAPU8; // after every malloc: growing memory replaces the view
  let pos = 0;
  for (let i = 0; i < strings.length; i++) {
    if (strings[i].length)
      pos += encoder.encodeInto(strings[i], heap.subarray(bytesPtr + pos, bytesPtr + capacity)).written;
    offsets[i + 1] = pos;
  }
  new Uint32Array(heap.buffer, offsetsPtr, offsets.length).set(offsets);
  if (groups) new Uint32Array(heap.buffer, groupsPtr, groups.length).set(groups);
  return [
    bytesPtr,
    TEXT_CODE,
    TEXT_KINDS[kind],
    offsetsPtr,
    strings.length,
    groupsPtr,
    groups ? groups.length - 1 : 0,
    depth,
  ];
}
