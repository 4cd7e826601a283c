// The mode switch: one mode per job. Buttons [data-mode=X] show the panel [data-mode-panel=X] and
// hide the others; ?mode=X or #mode=X opens on X, else the mode shown last (sessionStorage), else
// the first. This file knows no mode: app.mjs creates the buttons and panels from the registry.
const KEY = 'wasmetrics-demo:mode';

export function showMode(mode) {
  const panels = [...document.querySelectorAll('[data-mode-panel]')];
  if (!panels.some((p) => p.dataset.modePanel === mode)) return false;
  for (const b of document.querySelectorAll('button[data-mode]'))
    b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  for (const p of panels) p.hidden = p.dataset.modePanel !== mode;
  document.body.dataset.mode = mode;
  try {
    sessionStorage.setItem(KEY, mode);
  } catch {
    /* storage may be off: the switch still works */
  }
  return true;
}

/** Wires the buttons and shows the mode the address asks for (or the last one, or the first). */
export function initModeSwitch() {
  const buttons = [...document.querySelectorAll('button[data-mode]')];
  for (const b of buttons) b.addEventListener('click', () => showMode(b.dataset.mode));
  const asked = new URLSearchParams(location.search).get('mode') ?? /(?:^#|&)mode=([a-z]+)/.exec(location.hash)?.[1];
  let last = null;
  try {
    last = sessionStorage.getItem(KEY);
  } catch {
    /* no storage */
  }
  if (!(asked && showMode(asked)) && !(last && showMode(last))) showMode(buttons[0]?.dataset.mode);
}
