// The page's shell: one button and one panel per mode of the registry (modes/registry.mjs), each
// panel with the parts every mode has (its one error banner, role=alert, and its summary strip);
// then each mode's file fills its panel. This file names no mode (web/README.md, "Modes").
import { initModeSwitch } from './modes.mjs';
import { MODES } from './modes/registry.mjs';
import { mountMode } from './mode-shell.mjs';
import { el, modePanel } from './ui.mjs';

const nav = document.querySelector('[data-mode-nav]');
const main = document.querySelector('main');
for (const name of MODES) {
  nav.append(el('button', { type: 'button', dataset: { mode: name }, 'aria-pressed': 'false', text: name }));
  main.append(
    el(
      'section',
      { class: 'mode', dataset: { modePanel: name }, hidden: true },
      el('div', { class: 'banner', role: 'alert', dataset: { banner: '' }, hidden: true }),
      el('div', { class: 'summary', dataset: { summary: '' }, 'aria-label': 'headline numbers', hidden: true }),
    ),
  );
}
initModeSwitch();

// The modes load side by side; one that fails to load says so in its own banner.
await Promise.all(
  MODES.map(async (name) => {
    const panelEl = document.querySelector(`[data-mode-panel="${name}"]`);
    try {
      const mode = (await import(`./modes/${name}.mjs`)).default;
      document.querySelector(`button[data-mode="${name}"]`).textContent = mode.title;
      panelEl.setAttribute('aria-label', mode.label ?? mode.title);
      await mountMode(mode, panelEl);
    } catch (e) {
      const banner = panelEl.querySelector('[data-banner]');
      banner.hidden = false;
      banner.textContent = `Error: the ${name} mode could not start: ${e.message}`;
      modePanel(name).results?.setAttribute('data-state', 'error');
    }
  }),
);
