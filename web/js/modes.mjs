// The mode switch: one mode per job (Classification/Regression, Segmentation masks, Detection
// (COCO), ...). Buttons [data-mode=X] show the panel [data-mode-panel=X] and hide the others;
// ?mode=X or #mode=X opens on X. A mode's own module fills its panel; this file knows no mode.
const buttons = [...document.querySelectorAll('button[data-mode]')];
const panels = [...document.querySelectorAll('[data-mode-panel]')];

export function showMode(mode) {
  if (!panels.some((p) => p.dataset.modePanel === mode)) return;
  for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  for (const p of panels) p.hidden = p.dataset.modePanel !== mode;
  document.body.dataset.mode = mode;
}

for (const b of buttons) b.addEventListener('click', () => showMode(b.dataset.mode));
const asked = new URLSearchParams(location.search).get('mode') ?? /(?:^#|&)mode=([a-z]+)/.exec(location.hash)?.[1];
showMode(asked ?? buttons[0]?.dataset.mode);
