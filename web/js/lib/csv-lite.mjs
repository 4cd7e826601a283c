// A small CSV reader for the generated "Copy as code" snippets (which must run in plain Node with
// the wasmetrics package only): quoted fields (RFC 4180, "" for a quote), CRLF or LF, a given
// delimiter. The page itself reads CSV with papaparse; tests/js/web-lib.test.mjs checks that this
// reader splits as papaparse does. Its source is copied into the snippet by code-snippet.mjs.
export function splitCsv(text, delimiter) {
  const rows = [];
  let row = [],
    field = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
