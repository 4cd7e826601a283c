// The one list of the page's modes, in the order of the mode switch. A mode is the file
// web/js/modes/<name>.mjs (web/README.md, "Modes"); adding one is that file plus its name here.
// Nothing else on the page (index.html, app.mjs, the tests) names a mode.
export const MODES = [
  'classification',
  'segmentation',
  'detection',
  'annodiff',
  'agreement',
  'text',
  'ranking',
  'images',
  'audio',
];
