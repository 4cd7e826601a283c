// The consumer matrix (issue 18): the package as a user meets it. `npm pack` of the built npm/,
// the tarball installed offline into a throwaway project, then used with the tools of
// tests/consumers (pinned by its package-lock.json: `npm ci --prefix tests/consumers`):
//   - Jest with its defaults (CommonJS) and Jest on native ESM, in Node;
//   - Vite, webpack, esbuild and Rollup builds of one small app, loaded in headless Chromium
//     (playwright-core from npm/, Debian's /usr/bin/chromium).
// Every consumer feeds the same conformance fixture case to one metric and to evaluateParallel
// with 2 default workers (worker_threads in Node, Web Workers in the browser) and must match the
// fixture's value. esbuild and Rollup do not follow `new URL(..., import.meta.url)`: their apps
// copy the package's browser files beside the bundle, the one step the README documents for them.
// Run by `make test-consumers` (CI runs it too); the CPU cost is printed at the end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { close, fixtureNumber, importPackage, npmDir, readFixtureFiles, repoRoot } from './helpers.mjs';

await importPackage(); // fails clearly if npm/dist is missing

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const toolsDir = join(repoRoot, 'tests/consumers');
const projectsDir = join(toolsDir, 'projects');
const tools = createRequire(join(toolsDir, 'package.json'));
const MIME = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

// The first MeanSquaredError fixture case with a scalar value and two or more batches (so that
// evaluateParallel really shards), else the first with a scalar value.
const scalarCases = readFixtureFiles()
  .flatMap((f) => f.cases)
  .filter((c) => c.metric === 'MeanSquaredError' && c.expected?.shape?.length === 0 && !c.error && !c.expected_error);
const fixtureCase = scalarCases.find((c) => c.batches.length >= 2) ?? scalarCases[0];

// case.mjs / case.cjs of every consumer: the case, feed(metric) and the batches as update args.
function caseModule(format) {
  const body = `const fixtureCase = ${JSON.stringify(fixtureCase)};
const num = (v) => (typeof v === 'string' ? Number(v) : v); // "NaN", "Infinity" in the fixtures
const TYPED = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, bool: Uint8Array };
const tensor = (t) => ({ data: TYPED[t.dtype] === BigInt64Array ? BigInt64Array.from(t.data.map(BigInt)) : TYPED[t.dtype].from(t.data.map(num)), shape: t.shape, dtype: t.dtype });
const batchesOf = () => fixtureCase.batches.map((b) => Object.values(b).map(tensor));
const feed = (metric) => { for (const args of batchesOf()) metric.update(...args); };
`;
  return format === 'cjs'
    ? `${body}module.exports = { fixtureCase, feed, batchesOf };\n`
    : `${body}export { fixtureCase, feed, batchesOf };\n`;
}

function checkResult(result, where) {
  assert.equal(result.error, undefined, `${where}: ${result.error}`);
  const want = fixtureNumber(fixtureCase.expected.data[0]);
  const atol = fixtureCase.atol ?? 1e-6;
  const rtol = fixtureCase.rtol ?? 1e-5;
  assert.ok(close(result.single, want, atol, rtol), `${where}: compute() ${result.single}, fixture ${want}`);
  assert.ok(close(result.parallel, want, atol, rtol), `${where}: evaluateParallel ${result.parallel}, fixture ${want}`);
  assert.equal(typeof result.simd, 'boolean');
}

let work;
let tarball;
const cpuAtStart = process.cpuUsage();
const wallAtStart = Date.now();
let childCpuMs = 0; // tools run as child processes (npm, Jest) report their own CPU time

// A throwaway project: its files, a package.json, and the tarball installed offline.
async function project(name, files, packageJson = {}) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, ...packageJson }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const { stderr } = await run(
    '/usr/bin/time',
    ['-f', '%U %S', 'npm', 'install', '--offline', '--no-audit', '--no-fund', tarball],
    { cwd: dir, maxBuffer: 16 << 20, timeout: 300_000 },
  );
  childCpuMs += cpuOfTime(stderr);
  assert.ok(
    existsSync(join(dir, 'node_modules/wasmetrics/dist/index.browser.mjs')),
    `${name}: the tarball did not install`,
  );
  return dir;
}

function cpuOfTime(stderr) {
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(stderr);
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : 0;
}

before(async () => {
  assert.ok(
    existsSync(join(toolsDir, 'node_modules/.package-lock.json')),
    'tests/consumers has no node_modules: run `npm ci --prefix tests/consumers` (make test-consumers does)',
  );
  assert.ok(fixtureCase, 'no MeanSquaredError case with a scalar value in the conformance fixtures');
  work = mkdtempSync(join(tmpdir(), 'wasmetrics-consumers-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: npmDir,
    maxBuffer: 16 << 20,
  });
  tarball = join(work, JSON.parse(stdout.slice(stdout.indexOf('[')))[0].filename);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  const own = process.cpuUsage(cpuAtStart);
  const cpu = (own.user + own.system) / 1000 + childCpuMs;
  console.log(
    `# consumer matrix: ${(cpu / 1000).toFixed(1)} s CPU (this process + npm and Jest children), ` +
      `${((Date.now() - wallAtStart) / 1000).toFixed(1)} s wall; Chromium's own CPU not counted`,
  );
});

// ---- Node: Jest --------------------------------------------------------------------------------

async function jest(name, testFile, { esm }) {
  const dir = await project(
    name,
    {
      [testFile]: readFileSync(join(projectsDir, name, testFile), 'utf8'),
      [esm ? 'case.mjs' : 'case.cjs']: caseModule(esm ? 'esm' : 'cjs'),
    },
    { jest: { testEnvironment: 'node' } },
  );
  const jestBin = join(toolsDir, 'node_modules/jest/bin/jest.js'); // not in jest's exports map
  const env = { ...process.env, NODE_OPTIONS: esm ? '--experimental-vm-modules' : '', CI: '1' };
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', '%U %S', process.execPath, jestBin, '--ci', '--rootDir', dir, '--useStderr'],
    { cwd: dir, env, maxBuffer: 32 << 20, timeout: 300_000 },
  ).catch((e) => {
    throw new Error(`Jest failed in ${name}:\n${e.stdout}\n${e.stderr}`);
  });
  childCpuMs += cpuOfTime(stderr);
  const line = `${stdout}\n${stderr}`.split('\n').find((l) => l.includes('WASMETRICS_RESULT '));
  assert.ok(line, `${name}: no result printed\n${stderr}`);
  return JSON.parse(line.slice(line.indexOf('WASMETRICS_RESULT ') + 18));
}

test(
  'Jest with its defaults (CommonJS): require, init, compute and evaluateParallel',
  { timeout: 300_000 },
  async () => {
    checkResult(await jest('jest-cjs', 'wasmetrics.test.js', { esm: false }), 'Jest CJS');
  },
);

test(
  'Jest on native ESM (--experimental-vm-modules): import, init, compute and evaluateParallel',
  { timeout: 300_000 },
  async () => {
    checkResult(await jest('jest-esm', 'wasmetrics.test.mjs', { esm: true }), 'Jest ESM');
  },
);

// ---- browsers: one app, four bundlers, loaded in Chromium ----------------------------------------

async function browserApp(name) {
  return project(name, {
    'main.js': readFileSync(join(projectsDir, 'browser/main.js'), 'utf8'),
    'index.html': readFileSync(join(projectsDir, 'browser/index.html'), 'utf8'),
    'case.mjs': caseModule('esm'),
  });
}

// esbuild and Rollup leave `new URL('./x', import.meta.url)` alone: the files it names must sit
// beside the bundle (README: "esbuild, Rollup").
function copyBrowserFiles(dir, out) {
  for (const f of ['wasmetrics-simd.wasm', 'wasmetrics-plain.wasm', 'worker.mjs', 'index.browser.mjs']) {
    cpSync(join(dir, 'node_modules/wasmetrics/dist', f), join(out, f));
  }
}

const BUNDLERS = {
  async vite(dir) {
    const { build } = await import(tools.resolve('vite'));
    await build({ root: dir, logLevel: 'silent', build: { outDir: join(dir, 'out'), emptyOutDir: true } });
    return join(dir, 'out');
  },
  async webpack(dir) {
    const webpack = tools('webpack');
    const out = join(dir, 'out');
    const stats = await new Promise((resolve, reject) =>
      webpack(
        {
          mode: 'production',
          context: dir,
          entry: './main.js',
          target: 'web',
          output: { path: out, filename: 'main.js', publicPath: 'auto' },
          performance: { hints: false },
          optimization: { minimize: false }, // terser over the package and its worker costs a minute of CPU
        },
        (e, s) => (e ? reject(e) : resolve(s)),
      ),
    );
    assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
    cpSync(join(dir, 'index.html'), join(out, 'index.html'));
    return out;
  },
  async esbuild(dir) {
    const esbuild = tools('esbuild');
    const out = join(dir, 'out');
    await esbuild.build({
      entryPoints: [join(dir, 'main.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outdir: out,
      logLevel: 'silent',
    });
    cpSync(join(dir, 'index.html'), join(out, 'index.html'));
    copyBrowserFiles(dir, out);
    return out;
  },
  async rollup(dir) {
    const { rollup } = await import(tools.resolve('rollup'));
    const { nodeResolve } = await import(tools.resolve('@rollup/plugin-node-resolve'));
    const out = join(dir, 'out');
    const bundle = await rollup({
      input: join(dir, 'main.js'),
      plugins: [nodeResolve({ browser: true })],
      onwarn() {},
    });
    await bundle.write({ dir: out, format: 'es' });
    await bundle.close();
    cpSync(join(dir, 'index.html'), join(out, 'index.html'));
    copyBrowserFiles(dir, out);
    return out;
  },
};

// Every script a build emitted (Vite writes them under assets/).
function scripts(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => /\.m?js$/.test(f));
}

function serve(root) {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks for it on its own
      return;
    }
    const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let browser;
after(() => browser?.close());

for (const [name, bundleApp] of Object.entries(BUNDLERS)) {
  test(
    `${name} build in Chromium: init, compute and evaluateParallel on its default Web Worker`,
    { timeout: 300_000 },
    async (t) => {
      if (!existsSync(CHROMIUM)) {
        t.skip(`${CHROMIUM} is absent (scripts/install-deps.sh installs it)`);
        return;
      }
      const dir = await browserApp(name);
      const out = await bundleApp(dir);
      for (const file of scripts(out)) {
        assert.ok(
          !readFileSync(file, 'utf8').includes('file://'),
          `${name}: a file: URL of the build machine is baked into ${file}`,
        );
      }
      if (!browser) {
        const { chromium } = createRequire(join(npmDir, 'package.json'))('playwright-core');
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--headless', '--no-sandbox', '--disable-gpu'],
        });
      }
      const server = await serve(out);
      const page = await browser.newPage();
      try {
        const problems = [];
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
        page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
        await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
        await page.waitForFunction(() => window.wasmetricsResult !== undefined, null, { timeout: 120_000 });
        const result = await page.evaluate(() => window.wasmetricsResult);
        checkResult(result, name);
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
        server.close();
      }
    },
  );
}
