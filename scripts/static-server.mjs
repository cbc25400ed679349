// A small static file server for dist/, with the headers the rayon pool needs.
//
//   node scripts/static-server.mjs --dir dist [--port 8080] [--host 127.0.0.1] [--no-isolation]
//
// By default every response carries
//   Cross-Origin-Opener-Policy: same-origin     (own browsing-context group)
//   Cross-Origin-Embedder-Policy: require-corp  (only CORP/CORS-approved subresources)
//   Cross-Origin-Resource-Policy: same-origin   (our files are for this origin only)
// which make the page crossOriginIsolated, so SharedArrayBuffer (the wasm threads'
// shared memory) is available. --no-isolation leaves them out, as a host without header
// control would. Port 0 picks a free port. The first line printed is the URL.
//
// Every response also carries the Content-Security-Policy that index.html declares in its
// <meta http-equiv> tag, read from that file at start so the two cannot drift apart. The
// header matters for the workers: a worker script gets its policy from its own response,
// not from the page's <meta>.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function parseArgs(argv) {
  const options = { dir: 'dist', port: 8080, host: '127.0.0.1', isolation: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dir') options.dir = argv[++i];
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--no-isolation') options.isolation = false;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error('--port must be an integer from 0 to 65535');
  }
  return options;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}
const root = resolve(options.dir);
try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`error: ${root}/index.html not found; build first (scripts/build.sh)`);
  process.exit(1);
}

const csp = (await readFile(join(root, 'index.html'), 'utf8'))
  .match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i)?.[1] ?? null;

function headersFor(path) {
  const headers = {
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (csp) headers['Content-Security-Policy'] = csp;
  if (options.isolation) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  return headers;
}

const server = createServer(async (request, response) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    response.writeHead(400).end('bad request');
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const path = resolve(join(root, pathname));
  if (path !== root && !path.startsWith(root + sep)) {
    response.writeHead(403).end('forbidden');
    return;
  }
  let info;
  try {
    info = await stat(path);
  } catch {
    info = null;
  }
  if (!info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  response.writeHead(200, { ...headersFor(path), 'Content-Length': info.size });
  if (request.method === 'HEAD') response.end();
  else createReadStream(path).pipe(response);
});

server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') {
    console.error(`error: port ${options.port} on ${options.host} is already in use ` +
      '(is the page already being served? pick another with --port N)');
  } else {
    console.error(`error: ${e.message}`);
  }
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  const { port } = server.address();
  console.log(`http://${options.host}:${port}/`);
  console.log(`Serving ${root} ${options.isolation ? 'with' : 'WITHOUT'} cross-origin isolation headers.`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
