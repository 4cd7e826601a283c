// The page's CSV export helpers, in one small module: every mode's "Results as CSV" goes through
// csvField, so the escaping rules (quoting, no formula injection) live here only.

/** A CSV field, quoted when needed; a leading = + - @ is quoted too (no formula injection). */
export function csvField(v) {
  const s = String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of fields as CSV text (one line per row, a final newline). */
export function csvText(rows) {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
