// web/serve.mjs as `make demo` runs it, in a child process without a terminal: it serves until
// stopped (the one-shot load check only with --check or CI set); a request target it cannot parse
// (GET http://a:99999/) gets 400/403 and the server keeps serving; only Host 127.0.0.1/localhost
// with its own port is answered (DNS rebinding). Raw requests go over a socket, as an attacker
// would send them. No browser needed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

const SERVE = join(repoRoot, 'web', 'serve.mjs');
const T = { timeout: 120_000 };

/** Starts web/serve.mjs with stdin not a terminal; resolves once it printed its address. */
function startServe(args = [], env = {}) {
  const childEnv = { ...process.env, ...env };
  if (!('CI' in env)) delete childEnv.CI;
  const child = spawn(process.execPath, [SERVE, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  const origin = new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /wasmetrics demo page: (http:\/\/127\.0\.0\.1:\d+)\/web\//.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((r) =>
      reject(new Error(`web/serve.mjs exited (${r.code ?? r.signal}) before printing its address:\n${r.out}${r.err}`)),
    );
  });
  return { child, origin, exited, output: () => out + err };
}

/** Sends raw request bytes; resolves with the response's status code (null if the connection closed without one). */
function rawRequest(origin, text) {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text)); // the server closes (Connection: close)
    let data = '';
    socket.on('data', (d) => {
      data += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve(m ? Number(m[1]) : null);
    });
  });
}

const waitFor = async (what, fn) => {
  for (let i = 0; i < 400; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
};

test('without a terminal and without CI it serves until stopped; SIGTERM stops it', T, async () => {
  const s = startServe();
  try {
    const origin = await s.origin;
    await waitFor('the "until stopped" line', () => /until stopped/.test(s.output()));
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${origin}/web/`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /<html/i);
    }
    assert.equal(s.child.exitCode, null, 'still serving');
    assert.doesNotMatch(s.output(), /checked:/);
  } finally {
    s.child.kill('SIGTERM');
  }
  const { code, signal } = await s.exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
});

test('unparsable or foreign request targets and Host headers are refused; the server keeps serving', T, async () => {
  const s = startServe();
  try {
    const origin = await s.origin;
    const host = new URL(origin).host;
    const port = new URL(origin).port;
    const send = (target, hostHeader = host, version = '1.1') =>
      rawRequest(
        origin,
        `GET ${target} HTTP/${version}\r\n${hostHeader === null ? '' : `Host: ${hostHeader}\r\n`}Connection: close\r\n\r\n`,
      );
    // Issue 16 item 10: this request line threw an uncaught TypeError (Invalid URL) and killed the server.
    assert.equal(await send('http://a:99999/'), 403);
    assert.equal(await send('http://a:99999/', 'a:99999'), 403);
    assert.equal(await send(`http://127.0.0.1:${port}/web/index.html`), 200, 'absolute-form naming this server');
    assert.equal(await send('*'), 400);
    assert.equal(await send('/web/index.html', `evil.example:${port}`), 403, 'DNS rebinding: a foreign name');
    assert.equal(await send('/web/index.html', 'evil.example'), 403);
    assert.equal(await send('/web/index.html', '127.0.0.1'), 403, 'not the bound port');
    assert.equal(await send('/web/index.html', null, '1.0'), 403, 'no Host at all');
    assert.equal(await send('/web/index.html', `localhost:${port}`), 200);
    assert.equal(await send('/web/index.html', `127.0.0.1:${port}`), 200);
    assert.equal(await send('/%E0%A4%A'), 404, 'a malformed escape is not found, not a crash');
    assert.equal(s.child.exitCode, null, 'still serving');
    assert.equal((await fetch(`${origin}/web/`)).status, 200);
    assert.doesNotMatch(s.output(), /TypeError|Invalid URL|internal error/);
  } finally {
    s.child.kill('SIGTERM');
  }
  assert.equal((await s.exited).code, 0);
});

test('--check and CI: one load check of the page and what it needs, then exit 0', T, async () => {
  execFileSync(process.execPath, [join(repoRoot, 'web', 'scripts', 'vendor.mjs')], { stdio: 'ignore' });
  for (const [args, env, why] of [
    [['--check'], {}, '--check'],
    [[], { CI: 'true' }, 'CI is set'],
  ]) {
    const s = startServe(args, env);
    const { code, out, err } = await s.exited;
    assert.equal(code, 0, `${why}: ${out}${err}`);
    assert.match(
      out,
      new RegExp(`checked: the page, its scripts, the package and its \\.wasm load \\(not serving: ${why}\\)`),
    );
  }
});
