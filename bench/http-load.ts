/**
 * HTTP load generator, run as a child process (forked by bench/run.ts) so that it does not share
 * the server's event loop or heap: on a 2-core machine the server gets one core, this the other.
 *
 * A closed loop: N keep-alive connections over raw TCP sockets, one request in flight on each
 * (no pipelining); as soon as a response is complete the next request goes out. The HTTP/1.1
 * client is minimal (Content-Length and chunked bodies) so that the client is cheap next to the
 * server, much as autocannon does; node:http or fetch would cost more CPU per request than a
 * bare Fastify route does.
 *
 * Protocol (IPC): { type: 'run', port, path, connections, durationMs, warmupMs, method?, body? }
 *   → { type: 'measuring' } when the measured window starts → { type: 'result', ...LoadResult }.
 * A POST body (JSON) may hold the marker __N__, replaced in each request by a number unique to this
 * loader (so that every registration has its own email address).
 */
import net from 'node:net';
import { ACCEPT_ENCODING, cpuPercent, nowMs, quantile, Samples } from './stats.js';

export interface LoadRequest {
  type: 'run';
  port: number;
  path: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  method?: 'GET' | 'POST';
  /** JSON body of a POST; __N__ is replaced by a number unique per request. */
  body?: string;
}

export interface LoadResult {
  type: 'result';
  path: string;
  requests: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Socket errors, unexpected closes, unparseable responses. */
  socketErrors: number;
  elapsedMs: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean response size (headers + body). */
  bytesPerResponse: number;
  /** CPU used by this load generator during the window, % of one core. */
  loaderCpu: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

interface Outcome {
  requests: number;
  non2xx: number;
  socketErrors: number;
  bytes: number;
  latencies: Samples;
  firstStart: number;
  lastEnd: number;
}

/** Runs the closed loop for durationMs; resolves once every connection has finished its last request. */
let unique = 0;
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;

function load(req: LoadRequest, durationMs: number): Promise<Outcome> {
  const { port, path, connections } = req;
  const head = `${req.method ?? 'GET'} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: kairos-bench\r\nAccept: */*\r\nAccept-Encoding: ${ACCEPT_ENCODING}\r\n`;
  const fixed = Buffer.from(head + '\r\n');
  const template = req.body;
  const request = (): Buffer => {
    if (template === undefined) return fixed;
    const body = Buffer.from(template.replaceAll('__N__', `${runTag}-${unique++}`));
    return Buffer.from(`${head}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.toString()}`);
  };
  const out: Outcome = { requests: 0, non2xx: 0, socketErrors: 0, bytes: 0, latencies: new Samples(), firstStart: nowMs(), lastEnd: 0 };
  const deadline = out.firstStart + durationMs;

  const connection = () =>
    new Promise<void>((done) => {
      let socket: net.Socket;
      let buf: Buffer = Buffer.alloc(0);
      let headerEnd = -1; // index of the blank line once headers are in
      let status = 0;
      let contentLength = -1;
      let chunked = false;
      let chunkPos = 0; // next chunk-size line (chunked bodies)
      let started = 0;
      let finished = false;

      const finish = () => {
        if (finished) return;
        finished = true;
        socket?.destroy();
        done();
      };

      const send = () => {
        if (nowMs() >= deadline) return finish();
        buf = Buffer.alloc(0);
        headerEnd = -1;
        started = nowMs();
        socket.write(request());
      };

      const complete = (size: number) => {
        const end = nowMs();
        out.requests++;
        out.bytes += size;
        if (status < 200 || status > 299) out.non2xx++;
        out.latencies.push(end - started);
        out.lastEnd = end;
        send();
      };

      const fail = () => {
        out.socketErrors++;
        socket.removeAllListeners('close');
        socket.removeAllListeners('data');
        socket.destroy();
        if (nowMs() >= deadline) return finish();
        open();
      };

      const onData = (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        if (headerEnd < 0) {
          headerEnd = buf.indexOf(CRLF2);
          if (headerEnd < 0) return;
          const head = buf.subarray(0, headerEnd).toString('latin1');
          status = Number(head.slice(9, 12));
          const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          chunked = /\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head);
          contentLength = cl ? Number(cl[1]) : -1;
          chunkPos = headerEnd + 4;
          if (!chunked && contentLength < 0) {
            // 204/304 have no body; anything else without a length cannot be framed on keep-alive.
            if (status === 204 || status === 304) return complete(buf.length);
            return fail();
          }
        }
        if (!chunked) {
          const total = headerEnd + 4 + contentLength;
          if (buf.length >= total) complete(total);
          return;
        }
        // chunked: walk the chunk-size lines that have fully arrived
        for (;;) {
          const eol = buf.indexOf(CRLF, chunkPos);
          if (eol < 0) return;
          const size = parseInt(buf.subarray(chunkPos, eol).toString('latin1'), 16);
          if (Number.isNaN(size)) return fail();
          const next = eol + 2 + size + 2;
          if (buf.length < next) return;
          if (size === 0) return complete(next);
          chunkPos = next;
        }
      };

      const open = () => {
        socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
        socket.on('connect', send);
        socket.on('data', onData);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (!finished) fail();
        });
      };
      open();
    });

  return Promise.all(Array.from({ length: connections }, connection)).then(() => out);
}

async function run(req: LoadRequest): Promise<LoadResult> {
  if (req.warmupMs > 0) await load(req, req.warmupMs);
  process.send!({ type: 'measuring' });
  const cpu = process.cpuUsage();
  const o = await load(req, req.durationMs);
  const elapsedMs = Math.max(1, o.lastEnd - o.firstStart);
  const sorted = o.latencies.sorted();
  return {
    type: 'result',
    path: req.path,
    requests: o.requests,
    non2xx: o.non2xx,
    socketErrors: o.socketErrors,
    elapsedMs,
    rps: (o.requests / elapsedMs) * 1000,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: quantile(sorted, 1),
    bytesPerResponse: o.requests ? o.bytes / o.requests : 0,
    loaderCpu: cpuPercent(cpu, elapsedMs),
  };
}

process.on('message', (msg: LoadRequest) => {
  if (msg?.type !== 'run') return;
  run(msg).then(
    (r) => process.send!(r),
    (err: unknown) => process.send!({ type: 'error', message: String(err) }),
  );
});
// The parent went away (or told us to stop by disconnecting): leave.
process.on('disconnect', () => process.exit(0));
