// Copies the browser builds of the demo's dependencies from web/node_modules into web/vendor
// (gitignored; `make demo` and the browser test run this). No bundler: the page loads these as
// they are.
//   chart.js             dist/chart.umd.min.js                  classic <script>, sets window.Chart
//   chartjs-chart-matrix dist/chartjs-chart-matrix.min.js       classic <script>, registers on Chart
//   papaparse            papaparse.min.js, wrapped as an ES module (vendor/papaparse.mjs) so that
//                        the module worker can import it; its UMD header takes the CommonJS branch.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(web, 'node_modules');
const out = join(web, 'vendor');

const pkg = (name) => join(modules, name);
const missing = ['chart.js', 'chartjs-chart-matrix', 'papaparse'].filter(
  (n) => !existsSync(join(pkg(n), 'package.json')),
);
if (missing.length) {
  console.error(
    `web/scripts/vendor.mjs: ${missing.join(', ')} not installed: run \`npm ci\` in web/ (scripts/install-deps.sh does)`,
  );
  process.exit(1);
}
mkdirSync(out, { recursive: true });

const version = (name) => JSON.parse(readFileSync(join(pkg(name), 'package.json'), 'utf8')).version;
const fresh = (src, dst) => existsSync(dst) && statSync(dst).mtimeMs >= statSync(src).mtimeMs;

const copies = [
  ['chart.js', 'dist/chart.umd.min.js', 'chart.umd.min.js'],
  ['chartjs-chart-matrix', 'dist/chartjs-chart-matrix.min.js', 'chartjs-chart-matrix.min.js'],
];
for (const [name, from, to] of copies) {
  const src = join(pkg(name), from);
  if (!fresh(src, join(out, to))) copyFileSync(src, join(out, to));
}

const papaSrc = join(pkg('papaparse'), 'papaparse.min.js');
const papaDst = join(out, 'papaparse.mjs');
if (!fresh(papaSrc, papaDst)) {
  writeFileSync(
    papaDst,
    `// papaparse ${version('papaparse')} (MIT), papaparse.min.js wrapped as an ES module by web/scripts/vendor.mjs.
const module = { exports: {} };
const exports = module.exports;
${readFileSync(papaSrc, 'utf8')}
export default module.exports;
`,
  );
}

const versions = Object.fromEntries(['chart.js', 'chartjs-chart-matrix', 'papaparse'].map((n) => [n, version(n)]));
writeFileSync(join(out, 'versions.json'), JSON.stringify(versions, null, 2) + '\n');
