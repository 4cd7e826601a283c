// The demo's static server: serves the repository root on 127.0.0.1 so that web/index.html can
// import ../npm/dist/index.mjs (no bundler, no symlinks). Nothing outside the repository is
// served (`..`, encoded or not, and symlinks leading out are refused), it listens on the
// loopback interface only, and it answers only requests whose Host is 127.0.0.1 or localhost
// (with the bound port): a page on another site that points its own name at 127.0.0.1 (DNS
// rebinding) gets 403. A request line it cannot parse gets 400; nothing a client sends can stop it.
//
//   node web/serve.mjs [--port 8080] [--check]
//
// Serves until stopped (Ctrl-C, SIGTERM, SIGHUP), with or without a terminal: `make demo &`,
// nohup and `| tee` keep serving. With --check (or --once), or with the CI variable set, it
// instead loads the page and everything it needs once (as a browser would, over HTTP), reports,
// and exits (0 when all loaded), so that `make demo` never hangs in CI.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.npy': 'application/octet-stream',
};

/** The file under `root` a URL path names, or null (outside the root, missing, or hidden). */
export function resolvePath(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, '.' + (path.startsWith('/') ? path : '/' + path));
  if (file !== root && !file.startsWith(root + sep)) return null;
  // No dot-files or dot-folders (.git, .third_party) and nothing a symlink leads out to.
  if (
    file
      .slice(root.length)
      .split(sep)
      .some((part) => part.startsWith('.'))
  )
    return null;
  let real;
  try {
    real = realpathSync(file);
  } catch {
    return null;
  }
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
  return file;
}

// Sent with every file, next to web/index.html's meta tag (both are enforced): only this origin,
// plus what a meta tag cannot say (frame-ancestors) and no <base>/<form> redirection.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

// The Host names the demo answers to; any other name reaching 127.0.0.1 is a DNS rebinding.
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Whether a Host header names this server: 127.0.0.1 or localhost, with its bound port. */
export function isLocalHost(host, port) {
  if (typeof host !== 'string') return false;
  const m = /^([^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m || !LOCAL_HOSTS.has(m[1].replace(/\.$/, ''))) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

/**
 * A request target split into {authority, path}: origin-form "/x?y" has authority null,
 * absolute-form "http://host:port/x" the text of its host:port (never parsed as a URL: a port
 * like 99999 must not throw); path is the decoded-later pathname. null if neither form.
 */
export function requestTarget(target) {
  if (typeof target !== 'string') return null;
  let authority = null;
  let rest = target;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/is.exec(target);
  if (absolute) {
    authority = absolute[1];
    rest = absolute[2] || '/';
  }
  if (!rest.startsWith('/')) return null;
  try {
    return { authority, path: new URL('http://127.0.0.1' + rest).pathname }; // '//x' stays a path
  } catch {
    return null;
  }
}

const refuse = (res, status, text) =>
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text + '\n');

export function createDemoServer(root = repoRoot) {
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // a bug here must cost one request, never the server
      console.error(`web/serve.mjs: ${req.method} ${req.url}: ${e?.stack ?? e}`);
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.destroy();
    }
  });
  const handle = (req, res) => {
    const port = server.address()?.port;
    const target = requestTarget(req.url);
    if (!isLocalHost(req.headers.host, port) || (target?.authority != null && !isLocalHost(target.authority, port))) {
      refuse(res, 403, 'this server answers only to http://127.0.0.1 and http://localhost on its own port');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (target === null) {
      refuse(res, 400, 'bad request target');
      return;
    }
    const pathname = target.path;
    if (pathname === '/' || pathname === '/web') {
      res.writeHead(302, { location: '/web/' }).end();
      return;
    }
    let file = resolvePath(root, pathname);
    let stat = null;
    try {
      stat = file && statSync(file);
      if (stat && stat.isDirectory()) {
        file = join(file, 'index.html');
        stat = statSync(file);
      }
    } catch {
      stat = null;
    }
    if (!file || !stat || !stat.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy()); // e.g. the file vanished after the stat
    stream.pipe(res);
  };
  return server;
}

export function listen(server, port = 0) {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(`http://127.0.0.1:${server.address().port}`));
  });
}

/** Loads the page and what it needs once, over HTTP; returns a list of problems (empty: fine). */
export async function checkOnce(origin) {
  const problems = [];
  const need = [
    ['/web/', 'text/html'],
    ['/web/js/app.mjs', 'text/javascript'],
    ['/web/js/compute-worker.mjs', 'text/javascript'],
    ['/web/js/parse-worker.mjs', 'text/javascript'],
    ['/web/vendor/chart.umd.min.js', 'text/javascript'],
    ['/web/vendor/papaparse.mjs', 'text/javascript'],
    ['/npm/dist/index.mjs', 'text/javascript'],
    ['/npm/dist/wasmetrics-simd.wasm', 'application/wasm'],
    ['/web/samples/animals.csv', 'text/csv'],
  ];
  for (const [path, type] of need) {
    try {
      const r = await fetch(origin + path);
      const got = r.headers.get('content-type') ?? '';
      if (!r.ok)
        problems.push(
          `${path}: HTTP ${r.status}${path.startsWith('/web/vendor') ? ' (run `node web/scripts/vendor.mjs`)' : ''}`,
        );
      else if (!got.startsWith(type)) problems.push(`${path}: served as ${got}, expected ${type}`);
      await r.arrayBuffer();
    } catch (e) {
      problems.push(`${path}: ${e.message}`);
    }
  }
  const html = await (await fetch(origin + '/web/')).text();
  if (!/Content-Security-Policy/.test(html)) problems.push('/web/: no Content-Security-Policy meta tag');
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT ?? 8080);
  // One-shot load check only when asked (--check; --once is its old name) or in CI; never
  // because stdin is not a terminal (`make demo &`, nohup, `| tee` must keep serving).
  const check = args.includes('--check') || args.includes('--once') || Boolean(process.env.CI);
  const server = createDemoServer();
  let origin;
  try {
    origin = await listen(server, port);
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    origin = await listen(server, 0); // 8080 taken: any free port
  }
  console.log(`wasmetrics demo page: ${origin}/web/`);
  if (check) {
    const problems = await checkOnce(origin);
    server.close();
    if (problems.length) {
      console.error('the demo page did not load:\n  ' + problems.join('\n  '));
      process.exit(1);
    }
    console.log(
      `checked: the page, its scripts, the package and its .wasm load (not serving: ${process.env.CI ? 'CI is set' : '--check'})`,
    );
  } else {
    console.log('serving the repository root on 127.0.0.1 only, until stopped (Ctrl-C)');
    const stop = (signal) => {
      console.log(`${signal}: stopping`);
      server.close();
      server.closeAllConnections?.();
      process.exit(0);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
  }
}
