// The page's limits on the shape of a parsed file, checked in the parse worker before the main
// thread sees the data (issue 16, item 9: a 0.2 MB CSV of 20,000 columns or a 128-byte .npy of
// shape (0, 100000) froze the page for minutes while it built one role row per column).
// A column is one class's or label's scores, the target or an id: 2,048 covers ImageNet-1k with
// room to spare and keeps the page's per-column and per-class views reviewable. Wider data is
// for the npm package, which has no such limit.
export const MAX_COLUMNS = 2048;

const plural = (n, what) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** Refuses a table as soon as its header row is known (a CSV's first chunk). */
export function checkColumnCount(columns, what = 'the file') {
  if (columns > MAX_COLUMNS) {
    throw new Error(
      `${what} has ${plural(columns, 'column')}: the page takes at most ${MAX_COLUMNS.toLocaleString('en-US')} ` +
        '(one score column per class or label, plus target and id columns); evaluate wider data with the npm package',
    );
  }
}

/**
 * Refuses a parsed dataset (kind 'table', 'tensor' or 'tensors', as lib/table.mjs and lib/npy.mjs
 * build them) that is too wide or holds no rows; returns it unchanged otherwise.
 */
export function checkDatasetShape(dataset, what = 'the file') {
  const tensor = (t, name) => {
    if (t.shape.length === 0) throw new Error(`${name} is a single number (shape ()), not one value per sample`);
    if (t.shape[0] === 0) throw new Error(`${name} has shape (${t.shape.join(', ')}): no samples`);
    if (t.shape.length === 2) checkColumnCount(t.shape[1], name);
  };
  if (dataset.kind === 'table') {
    checkColumnCount(dataset.columns.length, what);
  } else if (dataset.kind === 'tensor') {
    tensor(dataset, what);
  } else if (dataset.kind === 'tensors') {
    for (const [key, t] of Object.entries(dataset.tensors)) tensor(t, `${what}, array "${key}"`);
  }
  return dataset;
}
