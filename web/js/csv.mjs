// The page's CSV export helpers, in one small module: every mode's "Results as CSV" goes through
// csvField, so the escaping rules (quoting, no formula injection) live here only.

// Text a spreadsheet could read as a formula (OWASP, CSV injection): a first character = + - @,
// tab or CR, also after leading spaces (which spreadsheets strip before deciding).
const FORMULA_START = /^(?:[\t\r\n]|[\s\u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20])/;

/**
 * A CSV field as OWASP's CSV-injection rule asks: always quoted (inner quotes doubled), and text
 * that could start a formula prefixed with a single quote. Numbers stay numbers (-0.5 is a value).
 */
export function csvField(v) {
  const s = typeof v === 'number' ? String(v) : FORMULA_START.test(String(v)) ? `'${v}` : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

/** Rows of fields as CSV text (one line per row, a final newline). */
export function csvText(rows) {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
