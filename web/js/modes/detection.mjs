// The Detection (COCO) mode: a COCO ground-truth file and a results file -> pycocotools' twelve
// numbers and per-category AP/AR, drawn by ../detection-cell.mjs (worker: ../detection-worker.mjs).
// This file is the mode's entry in the registry (web/README.md, "Modes"); no DOM work at import.
export default {
  name: 'detection',
  title: 'Detection (COCO)',
  label: 'Object detection (COCO)',
  inputs: [
    { role: 'coco-gt', label: 'Ground truth', accept: '.json' },
    { role: 'coco-dt', label: 'Results', accept: '.json' },
  ],
  samples: [{ name: 'coco-small', label: 'Small COCO pair (3 classes)', files: { 'coco-gt': 'samples/coco-gt.json', 'coco-dt': 'samples/coco-results.json' } }],
  markup: '<section id="cell-detection"></section>',
  mount: () => import('../detection-cell.mjs'),

  /** The package's evaluateCoco on the same two files: the summary's keys, per-class by id. */
  async expected(cell, files, wasmetrics) {
    const r = wasmetrics.evaluateCoco(JSON.parse(files['coco-gt'].text), JSON.parse(files['coco-dt'].text), { classMetrics: true });
    if (cell.key === 'map_per_class' || cell.key === 'mar_100_per_class') {
      const c = r.perClass.find((x) => String(x.id) === cell.class);
      return c && (cell.key === 'map_per_class' ? c.map : c.mar);
    }
    return r[cell.key];
  },
};
