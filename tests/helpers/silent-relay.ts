/**
 * A "relay" that accepts TCP connections on 127.0.0.1 and never says anything: an SMTP client
 * waits for its greeting until its own timeout. `url` is smtp://127.0.0.1:PORT.
 */
import net from 'node:net';

export class SilentRelay {
  private readonly sockets = new Set<net.Socket>();
  connections = 0;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<SilentRelay> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relay = new SilentRelay(server, (server.address() as net.AddressInfo).port);
    return relay;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
