/**
 * The inbound SMTP listener (INBOUND_SMTP_PORT, bound to INBOUND_SMTP_HOST): the site's mail server
 * routes the reply and bounce addresses here. No authentication, no TLS (it is meant for a local
 * relay); only our recipients are accepted (others 550), the size is announced with SIZE and
 * counted (larger: 552), and each message is handled before the end of DATA is answered, so the
 * sender learns of a refusal.
 */
import type { SMTPServerDataStream } from 'smtp-server';
import { InboundRefusal, type InboundLogger, type InboundService } from './service.js';

export interface InboundListener {
  readonly port: number;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error & { responseCode: number } {
  const err = new Error(text) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}

export async function startInboundListener(inbound: InboundService, opts: { host: string; port: number; maxBytes: number; log: InboundLogger }): Promise<InboundListener> {
  // Loaded here, not at start-up: most sites never run the listener.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    name: 'kairos-inbound',
    banner: 'Kairos replies and bounces',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      try {
        inbound.recipient(address.address);
        callback();
      } catch (err) {
        callback(err instanceof InboundRefusal ? smtpError(err.smtpCode, err.smtpText) : smtpError(451, '4.3.0 try again later'));
      }
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= opts.maxBytes) chunks.push(c);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > opts.maxBytes) {
          callback(smtpError(552, `5.3.4 message larger than ${opts.maxBytes} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks);
        const rcpts = session.envelope.rcptTo.map((r) => r.address);
        void (async () => {
          try {
            for (const to of rcpts) await inbound.receive(raw, to);
            callback();
          } catch (err) {
            if (err instanceof InboundRefusal) callback(smtpError(err.smtpCode, err.smtpText));
            else {
              opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'inbound message failed');
              callback(smtpError(451, '4.3.0 try again later'));
            }
          }
        })();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err: Error) => opts.log.warn({ err: err.message }, 'inbound SMTP error'));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
