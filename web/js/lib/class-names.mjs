// Class names for the Segmentation mode, as people have them: typed in a field (comma- or
// line-separated, in class-id order), or a names file: one name a line (Detectron/mmseg
// `classes.txt`), a JSON array, or a JSON object {id: name} (a label map, ids as keys). Pure;
// tested in Node (tests/js/web-lib.test.mjs).

/**
 * The names as an array indexed by class id (holes where an id has none), or null for an empty
 * text. Throws, naming `what`, for JSON that is neither an array nor an {id: name} object, or
 * ids that are not non-negative integers.
 */
export function parseClassNames(text, what = 'the class names') {
  const t = String(text ?? '')
    .replace(/^\uFEFF/, '')
    .trim();
  if (!t) return null;
  if (/^[[{]/.test(t)) {
    let v;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new Error(`${what}: not valid JSON (${e.message})`);
    }
    if (Array.isArray(v)) return v.map((n) => String(n));
    if (v && typeof v === 'object') {
      const out = [];
      for (const [id, name] of Object.entries(v)) {
        if (!/^\d+$/.test(id) || Number(id) > 65535)
          throw new Error(`${what}: "${id}" is not a class id (a non-negative integer)`);
        out[Number(id)] = String(name);
      }
      return out;
    }
    throw new Error(`${what}: a JSON names file must be an array or an {id: name} object`);
  }
  const sep = t.includes('\n') ? /\r?\n/ : /,/;
  return t.split(sep).map((n) => n.trim());
}

/** The names as the field shows them: comma-separated, or one a line when a name has a comma. */
export function classNamesText(names) {
  const list = Array.from(names ?? [], (n) => n ?? '');
  return list.some((n) => n.includes(',')) ? list.join('\n') : list.join(', ');
}
