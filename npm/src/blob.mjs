// The state blob of the JavaScript-level metrics (collections, compositions, wrappers, custom
// metrics): a small container around a JSON header and binary sections. Native metrics keep their
// own C++ blob (src/wasmetrics/core/state_blob.hpp); a container holds those as sections.
//
//   offset  size  field (little-endian)
//   0       4     magic "WMJS"
//   4       4     u32 container version (JS_BLOB_VERSION)
//   8       4     u32 h = byte length of the header
//   12      h     header, UTF-8 JSON: {kind, name, optionsHash, sections: [byteLength, ...], ...}
//   .       ...   the sections, concatenated in header order
//   end-4   4     u32 FNV-1a 32 checksum of every byte before it
//
// `kind` says what wrote it (custom, collection, composition, wrapper name), `name` the metric or
// class name, `optionsHash` an FNV-1a 32 hex digest of the writer's canonical configuration.

export const JS_BLOB_VERSION = 1;
const MAGIC = [0x57, 0x4d, 0x4a, 0x53]; // "WMJS"
const NATIVE_MAGIC = [0x57, 0x4d, 0x53, 0x54]; // "WMST", the C++ blob

/** FNV-1a 32 of bytes or of a string (UTF-8), as 8 hex digits. */
export function fnv1a32(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

export const hashText = (text) => fnv1a32(text).toString(16).padStart(8, '0');

/** JSON with sorted object keys: the canonical form hashed into optionsHash. */
export function canonicalJson(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

export function blobBytes(blob, where) {
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  throw new TypeError(`${where}: the state must be a Uint8Array (from saveState()) or an ArrayBuffer`);
}

/** Packs a header object and Uint8Array sections into one blob. */
export function encodeBlob(header, sections = []) {
  const head = new TextEncoder().encode(JSON.stringify({ ...header, sections: sections.map((s) => s.byteLength) }));
  const size = 12 + head.length + sections.reduce((n, s) => n + s.byteLength, 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, JS_BLOB_VERSION, true);
  view.setUint32(8, head.length, true);
  out.set(head, 12);
  let at = 12 + head.length;
  for (const s of sections) {
    out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at += s.byteLength;
  }
  view.setUint32(at, fnv1a32(out.subarray(0, at)), true);
  return out;
}

/**
 * Unpacks a blob written by encodeBlob and checks that it is whole and that its kind, name and
 * optionsHash are the expected ones. Returns {header, sections}. `where` names the caller.
 */
export function decodeBlob(blob, where, expected) {
  const bytes = blobBytes(blob, where);
  const refuse = (why) => {
    throw new Error(`${where}: refusing the state blob: ${why}`);
  };
  if (bytes.length < 16) refuse(`it has ${bytes.length} bytes, too few for a state blob`);
  if (NATIVE_MAGIC.every((b, i) => bytes[i] === b)) {
    refuse(`it is the blob of a built-in metric, not of ${expected.name}`);
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) refuse('it does not start with "WMJS" (not a wasmetrics state blob)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== JS_BLOB_VERSION) refuse(`format version ${version}, this build reads version ${JS_BLOB_VERSION}`);
  const end = bytes.length - 4;
  if (view.getUint32(end, true) !== fnv1a32(bytes.subarray(0, end))) refuse('checksum mismatch (truncated or corrupt)');
  const headLength = view.getUint32(8, true);
  if (12 + headLength > end) refuse('the header runs past the end');
  let header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLength)));
  } catch {
    refuse('the header is not valid JSON');
  }
  if (header.kind !== expected.kind || header.name !== expected.name) {
    refuse(`it holds the state of ${header.name} (${header.kind}), not of ${expected.name} (${expected.kind})`);
  }
  if (expected.optionsHash !== undefined && header.optionsHash !== expected.optionsHash) {
    refuse(
      `it was saved with other options or members (options hash ${header.optionsHash}, this one has ${expected.optionsHash})`,
    );
  }
  const sections = [];
  let at = 12 + headLength;
  if (header.sections !== undefined && !Array.isArray(header.sections)) refuse('its section list is not an array');
  for (const length of header.sections ?? []) {
    if (!Number.isSafeInteger(length) || length < 0)
      refuse(`a section length ${JSON.stringify(length)} is not a byte count`);
    if (at + length > end) refuse('a section runs past the end');
    sections.push(bytes.slice(at, at + length)); // own copies: callers may keep them
    at += length;
  }
  if (at !== end) refuse(`${end - at} unexpected bytes after the sections`);
  return { header, sections };
}

/** A metric result (number | Tensor | object | array) as JSON, non-finite numbers spelled out. */
export function resultToJson(value, Tensor) {
  const num = (v) => (Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? '-0' : v));
  if (typeof value === 'number') return num(value);
  if (value instanceof Tensor) return { tensor: { shape: [...value.shape], data: Array.from(value.data, num) } };
  if (Array.isArray(value)) return { list: value.map((v) => resultToJson(v, Tensor)) };
  if (value === null || value === undefined) return null;
  return { dict: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resultToJson(v, Tensor)])) };
}

export function resultFromJson(json, Tensor) {
  const num = (v) => (typeof v === 'number' ? v : Number(v)); // "NaN", "Infinity", "-0"
  if (json === null) return null;
  if (typeof json !== 'object') return num(json);
  if (json.tensor) return new Tensor(Float64Array.from(json.tensor.data, num), json.tensor.shape);
  if (json.list) return json.list.map((v) => resultFromJson(v, Tensor));
  return Object.fromEntries(Object.entries(json.dict).map(([k, v]) => [k, resultFromJson(v, Tensor)]));
}
