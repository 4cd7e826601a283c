// The Segmentation masks mode: predicted and reference PNG label masks, paired by name, drawn and
// computed by ../masks-cell.mjs (worker: ../masks-job.mjs). This file is the mode's entry in the
// registry (web/README.md, "Modes"); no DOM work happens at import.
const STREETS = ["street_01", "street_02", "street_03", "street_04", "street_05", "street_06", "street_07", "street_08"];

export default {
  name: 'segmentation',
  title: 'Segmentation masks',
  inputs: [
    { role: 'masks-pred', label: 'Predicted masks (files)', accept: '.png' },
    { role: 'masks-target', label: 'Reference masks (files)', accept: '.png' },
    { role: 'masks-pred-folder', label: 'Predicted masks (folder)' },
    { role: 'masks-target-folder', label: 'Reference masks (folder)' },
  ],
  samples: [{ name: 'streets', label: 'Street scenes (sample)', files: {
    'masks-pred': STREETS.map((n) => `../examples/data/masks/predicted/${n}.png`),
    'masks-target': STREETS.map((n) => `../examples/data/masks/reference/${n}.png`) } }],
  markup: `
  <section class="cell" id="cell-masks" data-cell="masks">
    <div class="cell-head"><span class="idx">[1]</span><h2>Segmentation masks (PNG)</h2><button type="button" class="run" data-run="masks" title="Re-run this cell">▶ Run</button></div>
    <div class="cell-body">
      <p class="muted">Label masks (greyscale or palette PNG, one class id per pixel): pick a folder or several files on each side; files are paired by name. <button type="button" id="masks-sample" data-sample="streets">Street scenes (sample)</button></p>
      <div class="drops">
        <div class="drop" id="masks-drop-pred">
          <span class="drop-title">Predicted masks</span>
          <span class="drop-hint">folder: <input type="file" id="masks-pred-dir" data-input="masks-pred-folder" webkitdirectory multiple aria-label="predicted masks folder"> or files: <input type="file" id="masks-pred-files" data-input="masks-pred" accept=".png" multiple aria-label="predicted mask files"></span>
          <span class="drop-file" id="masks-pred-name"></span>
        </div>
        <div class="drop" id="masks-drop-target">
          <span class="drop-title">Reference masks</span>
          <span class="drop-hint">folder: <input type="file" id="masks-target-dir" data-input="masks-target-folder" webkitdirectory multiple aria-label="reference masks folder"> or files: <input type="file" id="masks-target-files" data-input="masks-target" accept=".png" multiple aria-label="reference mask files"></span>
          <span class="drop-file" id="masks-target-name"></span>
        </div>
      </div>
      <p class="opts">numClasses: <input type="number" id="masks-num-classes" aria-label="numClasses" min="1" step="1" placeholder="inferred" size="8">
        ignoreIndex: <input type="text" id="masks-ignore" value="255" size="6" aria-label="ignoreIndex" title="pixels whose reference label is this value are left out; none: no label is left out"></p>
      <div class="progress" id="masks-progress" hidden><progress max="1" value="0"></progress> <span></span></div>
      <div id="masks-match"></div>
      <div class="error" hidden></div>
      <div data-results="segmentation" data-state="empty">
        <div class="out" id="masks-out"></div>
        <div class="plots" id="masks-plots"></div>
        <p class="buttons" id="masks-export"></p>
        <h3>Copy as code</h3>
        <pre id="masks-code" tabindex="0" aria-label="code that reproduces these results"><code></code></pre>
      </div>
    </div>
  </section>

`,
  mount: () => import('../masks-cell.mjs'),

  /** The package's value for a shown number that carries its options: the metric over every pair. */
  async expected(cell, files, wasmetrics) {
    if (!cell.options || cell.image) return undefined;
    // one update per image pair (sizes differ between images), paired by file name
    const masks = (list) => new Map(list.map((f) => [f.name, wasmetrics.stackMasks([wasmetrics.decodeMask(f.bytes, { name: f.name })])]));
    const [preds, targets] = [masks(files['masks-pred']), masks(files['masks-target'])];
    const m = wasmetrics.createMetric(cell.metric, cell.options);
    try {
      for (const [name, p] of preds) m.update({ data: p.data, shape: p.shape }, { data: targets.get(name).data, shape: targets.get(name).shape });
      return m.compute();
    } finally {
      m.dispose();
    }
  },
};
