// Pairs predicted and reference mask files by name, for the PNG masks cell. Pure; tested in Node
// (tests/js/web-lib.test.mjs). A file's key is its path inside the picked folder without the
// folder's own name (webkitRelativePath "preds/city/a.png" -> "city/a.png"), or its bare name for
// loose files, with the extension dropped, so "a.png" matches "a.PNG" and nested folders match
// by their sub-path.

/** The matching key of a {name, webkitRelativePath?} file. */
export function maskKey(file) {
  const path = file.webkitRelativePath || file.relativePath; // picked folder || dropped folder
  const rel = path ? path.split('/').slice(1).join('/') : '';
  return (rel || file.name).replace(/\.[^./]*$/, '');
}

const isPng = (f) => /\.png$/i.test(f.name);

/**
 * {pairs: [{name, pred, target}] in key order, onlyPred: [names], onlyTarget: [names],
 *  skipped: [names that are not .png], duplicates: [keys seen twice on one side]}.
 * `accept(file)` says which files take part (default: .png); the others are `skipped`.
 */
export function matchMasks(predFiles, targetFiles, accept = isPng) {
  const skipped = [];
  const duplicates = [];
  const index = (files) => {
    const m = new Map();
    for (const f of files) {
      if (!accept(f)) {
        skipped.push(f.webkitRelativePath || f.relativePath || f.name);
        continue;
      }
      const k = maskKey(f);
      if (m.has(k)) duplicates.push(k);
      else m.set(k, f);
    }
    return m;
  };
  const p = index(predFiles),
    t = index(targetFiles);
  const keys = [...p.keys()].filter((k) => t.has(k)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return {
    pairs: keys.map((k) => ({ name: k, pred: p.get(k), target: t.get(k) })),
    onlyPred: [...p.keys()].filter((k) => !t.has(k)).sort(),
    onlyTarget: [...t.keys()].filter((k) => !p.has(k)).sort(),
    skipped,
    duplicates,
  };
}

/** numClasses implied by label maps: the largest label that is not ignoreIndex, plus one (at least 2). */
export function inferNumClasses(maps, ignoreIndex) {
  let max = 0;
  for (const m of maps) {
    const d = m.data;
    for (let i = 0; i < d.length; i++) if (d[i] > max && d[i] !== ignoreIndex) max = d[i];
  }
  return Math.max(2, max + 1);
}
