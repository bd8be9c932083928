/**
 * A local SMTP sink (smtp-server) for the benchmark, run as a child process so that receiving
 * mail does not take CPU from the process that sends it. It accepts everything on 127.0.0.1,
 * counts messages and bytes, and throws the content away (no parsing: the figure is about the
 * sender). No STARTTLS, no AUTH, no reverse DNS lookup of the client.
 *
 * Protocol (IPC): on start → { type: 'ready', port }; { type: 'stats' } → { type: 'stats', ...SinkStats }.
 */
import { SMTPServer } from 'smtp-server';

export interface SinkStats {
  type: 'stats';
  messages: number;
  bytes: number;
  connections: number;
  /** CPU time this sink has used so far (user + system), microseconds. */
  cpuMicros: number;
}

const stats: SinkStats = { type: 'stats', messages: 0, bytes: 0, connections: 0, cpuMicros: 0 };

const server = new SMTPServer({
  logger: false,
  banner: 'kairos bench sink',
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  disableReverseLookup: true,
  closeTimeout: 100,
  onConnect(_session, callback) {
    stats.connections++;
    callback();
  },
  onData(stream, _session, callback) {
    let bytes = 0;
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    stream.on('error', (err: Error) => callback(err));
    stream.on('end', () => {
      stats.messages++;
      stats.bytes += bytes;
      callback();
    });
  },
});
server.on('error', () => {
  /* a client dropping its connection is not the benchmark's business */
});

server.listen(0, '127.0.0.1', () => {
  const addr = server.server.address();
  process.send!({ type: 'ready', port: addr && typeof addr === 'object' ? addr.port : 0 });
});

process.on('message', (msg: { type?: string }) => {
  if (msg?.type !== 'stats') return;
  const cpu = process.cpuUsage();
  process.send!({ ...stats, cpuMicros: cpu.user + cpu.system });
});
process.on('disconnect', () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
});
