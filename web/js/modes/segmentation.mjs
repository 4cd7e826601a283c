// The Segmentation masks mode: predicted and reference PNG label masks, paired by name, drawn and
// computed by ../masks-cell.mjs (worker: ../masks-job.mjs). This file is the mode's entry in the
// registry (web/README.md, "Modes"); no DOM work happens at import. Optional: the scenes' images
// (paired by name like the masks; the worst images are drawn with the mask overlay) and class names
// (typed, or a names file), used in the tables, charts and overlays.
const STREETS = [
  'street_01',
  'street_02',
  'street_03',
  'street_04',
  'street_05',
  'street_06',
  'street_07',
  'street_08',
];

export default {
  name: 'segmentation',
  title: 'Segmentation masks',
  inputs: [
    { role: 'masks-pred', label: 'Predicted masks (files)', accept: '.png' },
    { role: 'masks-target', label: 'Reference masks (files)', accept: '.png' },
    { role: 'masks-pred-folder', label: 'Predicted masks (folder)' },
    { role: 'masks-target-folder', label: 'Reference masks (folder)' },
    { role: 'masks-images', label: 'Images (files)', accept: '.png,.jpg,.jpeg', optional: true, multiple: true },
    { role: 'masks-images-folder', label: 'Images (folder)', optional: true },
    { role: 'masks-class-names', label: 'Class names file', accept: '.txt,.json,.csv', optional: true },
  ],
  samples: [
    {
      name: 'streets',
      label: 'Street scenes (masks only)',
      files: {
        'masks-pred': STREETS.map((n) => `../examples/data/masks/predicted/${n}.png`),
        'masks-target': STREETS.map((n) => `../examples/data/masks/reference/${n}.png`),
      },
    },
    {
      name: 'streets-photos',
      label: 'Street scenes with photos and class names',
      files: {
        'masks-pred': STREETS.map((n) => `../examples/data/masks/predicted/${n}.png`),
        'masks-target': STREETS.map((n) => `../examples/data/masks/reference/${n}.png`),
        'masks-images': STREETS.map((n) => `samples/streets/${n}.png`),
        'masks-class-names': 'samples/streets/class-names.txt',
      },
    },
  ],
  markup: `
  <section class="cell" id="cell-masks" data-cell="masks">
    <div class="cell-head"><span class="idx">[1]</span><h2>Segmentation masks (PNG)</h2><button type="button" class="run" data-run="masks" title="Re-run this cell">▶ Run</button></div>
    <div class="cell-body">
      <p class="muted">Label masks (greyscale or palette PNG, one class id per pixel): pick a folder or several files on each side; files are paired by name. <button type="button" id="masks-sample-photos" data-sample="streets-photos">Street scenes with photos and class names</button> <button type="button" id="masks-sample" data-sample="streets">Street scenes (masks only)</button></p>
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
        <div class="drop" id="masks-drop-images">
          <span class="drop-title">Images <small>(optional)</small></span>
          <span class="drop-hint">the scenes (PNG/JPEG), paired with the masks by name, to see the worst ones with the masks over them. folder: <input type="file" id="masks-images-dir" data-input="masks-images-folder" webkitdirectory multiple aria-label="images folder"> or files: <input type="file" id="masks-images-files" data-input="masks-images" accept=".png,.jpg,.jpeg" multiple aria-label="image files"></span>
          <span class="drop-file" id="masks-images-name"></span>
        </div>
      </div>
      <p class="opts names"><label for="masks-class-names">Class names <span class="muted">(in class-id order, comma- or line-separated; optional)</span></label>
        <textarea id="masks-class-names" rows="2" cols="40" placeholder="background, sky, road, …"></textarea>
        <span>or a names file (one a line, a JSON list or {id: name}): <input type="file" id="masks-names-file" data-input="masks-class-names" accept=".txt,.json,.csv" aria-label="class names file"></span></p>
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

  /**
   * The package's value for a shown number that carries its options: the metric over every pair
   * (a per-class cell: its class picked by the test), or over the one pair of a worst-images row
   * (data-image: the pair's name, its file name without the extension).
   */
  async expected(cell, files, wasmetrics) {
    if (!cell.options) return undefined;
    // one update per image pair (sizes differ between images), paired by file name
    const stem = (n) => n.replace(/\.[^.]*$/, '');
    const masks = (list) =>
      new Map(
        list.map((f) => [stem(f.name), wasmetrics.stackMasks([wasmetrics.decodeMask(f.bytes, { name: f.name })])]),
      );
    const [preds, targets] = [masks(files['masks-pred']), masks(files['masks-target'])];
    const m = wasmetrics.createMetric(cell.metric, cell.options);
    try {
      for (const [name, p] of preds)
        if (cell.image === undefined || cell.image === name)
          m.update({ data: p.data, shape: p.shape }, { data: targets.get(name).data, shape: targets.get(name).shape });
      return m.compute();
    } finally {
      m.dispose();
    }
  },
};
