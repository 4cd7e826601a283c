// "Copy as code" of the demo page's notebook modes (web/js/modes/*.mjs with a code()): for every
// sample, the generated Node script — run in a temp directory holding the sample's files, against
// the built package — prints cells whose numbers equal the mode's expected() from the package,
// the same check the browser test applies to the numbers the page shows. Generic over the modes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { distMjsUrl, importPackage } from './helpers.mjs';
import { webDir } from './web-harness.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const { MODES } = await import(pathToFileURL(join(webDir, 'js/modes/registry.mjs')).href);
const { plain } = await import(pathToFileURL(join(webDir, 'js/mode-lib.mjs')).href);

const numbers = (v) =>
  typeof v === 'number'
    ? [v]
    : typeof v === 'string' && /^(NaN|-?Infinity)$/.test(v)
      ? [Number(v)]
      : Array.isArray(v)
        ? v.flatMap(numbers)
        : v && typeof v === 'object'
          ? Object.values(v).flatMap(numbers)
          : [NaN];
const same = (a, b) =>
  a.length === b.length &&
  a.every(
    (x, i) => (Number.isNaN(x) && Number.isNaN(b[i])) || Math.abs(x - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i])),
  );

for (const name of MODES) {
  const mode = (await import(pathToFileURL(join(webDir, `js/modes/${name}.mjs`)).href)).default;
  if (!mode.code) continue;
  for (const sample of mode.samples) {
    test(`copy as code, ${name} / ${sample.name}: the script prints the package's numbers`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-mode-code-'));
      try {
        const files = {};
        const names = {};
        const one = (url, to) => {
          const bytes = readFileSync(join(webDir, url));
          copyFileSync(join(webDir, url), to);
          return { name: url.split('/').pop(), text: bytes.toString('utf8'), bytes: new Uint8Array(bytes) };
        };
        for (const [role, url] of Object.entries(sample.files)) {
          if (Array.isArray(url)) {
            // a list input: its files in the folder named after the role (mode-lib.mjs codeSnippet)
            mkdirSync(join(dir, role));
            files[role] = url.map((u) => one(u, join(dir, role, u.split('/').pop())));
            names[role] = files[role].map((f) => f.name);
          } else {
            names[role] = url.split('/').pop();
            files[role] = one(url, join(dir, names[role]));
          }
        }
        // as the page reads them: a select's value is a string, a checkbox group's a list
        const options = Object.fromEntries(
          (mode.options ?? []).map((o) => [o.name, o.multiple ? o.default : String(o.default)]),
        );
        {
          const result = await mode.evaluate(files, wasmetrics, options);
          const script = mode.code(result, names, options);
          assert.match(script, /from 'wasmetrics'/);
          writeFileSync(
            join(dir, 'evaluate.mjs'),
            script.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`),
          );
          const cells = JSON.parse(execFileSync(process.execPath, ['evaluate.mjs'], { cwd: dir, encoding: 'utf8' }));
          assert.ok(cells.length > 0, 'the script prints numbers');
          const wrong = [];
          for (const cell of cells) {
            const want = plain(await mode.expected({ ...cell, value: undefined }, files, wasmetrics));
            if (!same(numbers(cell.value), numbers(want)))
              wrong.push(
                `${cell.metric} ${JSON.stringify(cell.options)} key=${cell.key ?? ''}: script ${JSON.stringify(cell.value)}, package ${JSON.stringify(want)}`,
              );
          }
          assert.deepEqual(wrong, []);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
