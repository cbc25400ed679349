// The server's part of bench/REPORT.md: `shop-recs serve` measured by
// examples/server_bench.rs (results.server). Every figure is computed from that run.

import { fmtMs, table } from './markdown.mjs';

const p50Overhead = (server) => server.latency.filter((r) => r.clients === 1);
const blockingRows = (server) => server.reactor.filter((r) => r.build === 'spawn_blocking');

/** The server's goals, in the shape of report.mjs's goal list. */
export function serverGoals(server) {
  const single = p50Overhead(server);
  const worstOverhead = Math.max(...single.map((r) => r.overhead_p50_ms));
  const worstHealth = Math.max(...blockingRows(server).map((r) => r.p99_ms));
  return [
    {
      name: 'HTTP and JSON add ≤ 2 ms at p50 (one client; round trip minus the server\'s compute)',
      met: worstOverhead <= 2,
      figure: single.map((r) => `${r.catalog} ${fmtMs(r.overhead_p50_ms)} ms`).join(', '),
    },
    {
      name: '`GET /healthz` p99 < 5 ms while the server is loaded, with spawn_blocking',
      met: worstHealth < 5,
      figure: blockingRows(server).map((r) => `${r.load}: ${fmtMs(r.p99_ms)} ms`).join(', '),
    },
  ];
}

/** The section's markdown lines. */
export function serverSection(server) {
  const md = [];
  md.push('## The server (`shop-recs serve`)');
  md.push('');
  const when = server.measuredAt ? ` on ${server.measuredAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : '';
  md.push(`Measured${when} by \`examples/server_bench.rs\` (in ${Math.round(server.duration_s)} s), which starts the release \`shop-recs serve\` itself with a scoring pool of ${server.threads} threads ` +
    `on this ${server.cores}-core machine and drives it over loopback from client threads (ureq, one keep-alive connection per client), ` +
    `${server.seconds_per_measurement} s per measurement after one untimed request per client. The clients share the cores with the server, ` +
    'so the figures with many clients include the clients\' own CPU time. Scoring requests are `GET /products/{slug}/recommendations?iterations=1500&top=10` (parallel).');
  md.push('');
  md.push('### Latency and throughput, against the compute');
  md.push('');
  md.push('"Compute" is what the server reports for each request (`timing.scoring_ms + sorting_ms`, also in `Server-Timing`); ' +
    '"HTTP + JSON" is each request\'s round trip minus its own compute: routing, the blocking-pool hand-off, serializing and parsing the JSON and the socket. ' +
    '"CLI" is `shop-recs bench --only parallel` on the same query and pool size (median of 11 runs), the same work without a server.');
  md.push('');
  md.push(table(
    ['catalog', 'clients', 'p50 ms', 'p99 ms', 'requests/s', 'compute p50 ms', 'CLI ms', 'HTTP + JSON p50 ms', 'HTTP + JSON p99 ms'],
    server.latency.map((r) => [r.catalog, r.clients, fmtMs(r.p50_ms), fmtMs(r.p99_ms), Math.round(r.throughput_rps).toLocaleString('en-US'),
      fmtMs(r.compute_p50_ms), fmtMs(r.cli_median_ms), r.overhead_p50_ms.toFixed(3), r.overhead_p99_ms.toFixed(3)]),
    ['l'],
  ));
  md.push('');
  md.push('### The reactor stays responsive: what spawn_blocking buys');
  md.push('');
  md.push('A client asks `GET /healthz` every 10 ms on its own connection while the server is loaded: ' +
    `first ${4 * server.threads} clients saturating the scoring endpoint (generated 2,000 × 1,500), then two clients uploading distinct catalogs of ` +
    `${server.reactor.find((r) => r.upload_bytes)?.upload_bytes ? `${(server.reactor.find((r) => r.upload_bytes).upload_bytes / 2 ** 20).toFixed(1)} MiB` : 'nearly 64 MiB'}, just under the body limit ` +
    '(each is hashed and parsed). "spawn_blocking" is the normal build; "on the reactor" is the same source built with the benchmark-only feature ' +
    '`bench-score-on-reactor`, which runs each job inside the async handler, on a reactor thread.');
  md.push('');
  md.push(table(
    ['build', 'load', '/healthz p50 ms', 'p99 ms', 'max ms', 'probes', 'load requests'],
    server.reactor.map((r) => [r.build, r.load, fmtMs(r.p50_ms), fmtMs(r.p99_ms), fmtMs(r.max_ms), r.probes, r.load_requests]),
    ['l', 'l'],
  ));
  md.push('');
  const s = server.shedding;
  md.push('### Load shedding');
  md.push('');
  md.push(`${s.clients} clients (4 × \`--max-inflight\` ${s.max_inflight}) requested generated 2,000 × 1,500 back to back; a client answered 503 waited 10 ms before asking again. ` +
    `Of ${s.requests.toLocaleString('en-US')} requests, ${s.ok.toLocaleString('en-US')} were served and ${s.shed.toLocaleString('en-US')} shed ` +
    `(**${(100 * s.shed_share).toFixed(0)} %** answered 503, in ${fmtMs(s.shed_p50_ms)} ms at p50). ` +
    `An accepted request waited **${fmtMs(s.accepted_max_ms)} ms at most** (p50 ${fmtMs(s.accepted_p50_ms)} ms): at most ${s.max_inflight} jobs share the pool, so the wait is bounded instead of growing with the queue. ` +
    `Throughput ${Math.round(s.throughput_rps)} requests/s.`);
  md.push('');
  const m = server.memory;
  const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const within = m.after_rss !== null && m.baseline_rss !== null && m.after_rss <= m.budget_bytes + m.baseline_rss;
  md.push('### Memory under the catalog budget');
  md.push('');
  md.push(`${m.uploads} distinct uploads of ${mib(m.upload_bytes)} each under \`--catalog-memory\` ${mib(m.budget_bytes)} (${m.accepted} accepted; ` +
    `${m.stored?.count ?? '?'} stored at the end, ${mib(m.stored?.bytes ?? 0)} counted against the budget). ` +
    `Resident memory went from ${mib(m.baseline_rss)} (the baseline: after start, one scoring request and one tiny upload, which start tokio's blocking threads and the pool) to ${mib(m.after_rss)}: ` +
    `${within ? '**within** the budget plus the baseline' : '**over** the budget plus the baseline'} (${mib(m.budget_bytes + m.baseline_rss)}).`);
  md.push('');
  return md;
}
