/**
 * A real SMTP server for tests (smtp-server), listening on 127.0.0.1, that parses every message it
 * accepts (mailparser's simpleParser) and keeps it. Tests can script its replies and take it down
 * and bring it back on the same port.
 *
 *   const sink = await SmtpSink.start();                 // any free port, no auth, no STARTTLS
 *   config.smtpUrl = sink.url;                           // 'smtp://127.0.0.1:PORT'
 *   ... send ...
 *   sink.messages[0].parsed.subject / .text / .html / .messageId / .headers
 *   sink.messages[0].envelope.rcptTo                     // ['ann@example.org']
 *
 * Scripted replies (consumed one per command at that stage, in order; afterwards the sink accepts):
 *   sink.reply('rcpt', 550)                              // next RCPT TO gets 550
 *   sink.reply('data', 451, 451)                         // next two DATA get 451, then 250
 *   sink.reply('mail', { code: 452, message: 'try later' })
 *   sink.replyAlways('data', 451)                        // every DATA gets 451 until replyAlways('data', null)
 *   sink.reply('connect', 421)                           // the next connection is greeted with 421
 *
 * Authentication: SmtpSink.start({ auth: { user, pass } }) requires AUTH; wrong credentials get 535.
 *   sink.urlWith('user', 'pass') gives 'smtp://user:pass@127.0.0.1:PORT'; sink.setAuth(...) changes
 *   the accepted credentials while running.
 *
 * Down and back: await sink.close() stops listening and drops open connections (messages are
 * kept); await sink.reopen() listens again on the same port.
 *
 * Helpers: await sink.waitFor(n) (until n messages are kept), sink.messageIds(), sink.duplicates()
 * (how many received messages repeat an earlier Message-ID), sink.clear(), sink.stats.
 */
import { EventEmitter } from 'node:events';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

export type SinkStage = 'connect' | 'mail' | 'rcpt' | 'data';

export interface SinkReply {
  code: number;
  message?: string;
}

export interface SinkMessage {
  /** The SMTP envelope: MAIL FROM and every accepted RCPT TO. */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The message exactly as received. */
  raw: Buffer;
  parsed: ParsedMail;
  /** parsed.messageId, with angle brackets, e.g. '<outbox-1.ab12@example.org>'. */
  messageId: string | undefined;
  /** Date.now() when the DATA finished (real time, for diagnostics only). */
  receivedAt: number;
}

export interface SmtpSinkOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
}

export interface SinkStats {
  connections: number;
  mailFrom: number;
  rcptTo: number;
  data: number;
  authOk: number;
  authFailed: number;
  /** Replies other than 2xx/3xx the sink gave. */
  rejected: number;
}

const HOST = '127.0.0.1';

function smtpError(r: SinkReply): Error & { responseCode: number } {
  const err = new Error(r.message ?? defaultMessage(r.code)) as Error & { responseCode: number };
  err.responseCode = r.code;
  return err;
}

function defaultMessage(code: number): string {
  if (code === 421) return 'Service not available, closing channel';
  if (code === 451) return 'Requested action aborted: local error in processing';
  if (code === 452) return 'Insufficient system storage';
  if (code === 535) return 'Authentication credentials invalid';
  if (code === 550) return 'Mailbox unavailable';
  if (code === 552) return 'Message size exceeds fixed maximum message size';
  if (code === 554) return 'Transaction failed';
  return `Scripted reply ${code}`;
}

export class SmtpSink {
  readonly host = HOST;
  port = 0;
  /** Every message accepted (after DATA got 250), in order of arrival. */
  readonly messages: SinkMessage[] = [];
  readonly stats: SinkStats = { connections: 0, mailFrom: 0, rcptTo: 0, data: 0, authOk: 0, authFailed: 0, rejected: 0 };

  private server: SMTPServer | undefined;
  private readonly queued: Record<SinkStage, SinkReply[]> = { connect: [], mail: [], rcpt: [], data: [] };
  private readonly always: Partial<Record<SinkStage, SinkReply>> = {};
  private auth: { user: string; pass: string } | undefined;
  private readonly requireAuth: boolean;
  private readonly events = new EventEmitter();

  private constructor(options: SmtpSinkOptions) {
    this.port = options.port ?? 0;
    this.auth = options.auth;
    this.requireAuth = options.auth !== undefined;
    this.events.setMaxListeners(100);
  }

  /** Starts a sink; resolves once it listens. */
  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await sink.listen();
    return sink;
  }

  /** 'smtp://127.0.0.1:PORT' (no credentials). */
  get url(): string {
    return `smtp://${HOST}:${this.port}`;
  }

  /** 'smtp://user:pass@127.0.0.1:PORT'. */
  urlWith(user: string, pass: string): string {
    return `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${HOST}:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Queues replies for the next commands at `stage` (a number is a reply code). */
  reply(stage: SinkStage, ...replies: Array<number | SinkReply>): this {
    for (const r of replies) this.queued[stage].push(typeof r === 'number' ? { code: r } : r);
    return this;
  }

  /** Replies this way to every command at `stage` (after queued replies are used up); null to stop. */
  replyAlways(stage: SinkStage, reply: number | SinkReply | null): this {
    if (reply === null) delete this.always[stage];
    else this.always[stage] = typeof reply === 'number' ? { code: reply } : reply;
    return this;
  }

  /** Changes the credentials AUTH accepts (only for a sink started with `auth`). */
  setAuth(auth: { user: string; pass: string }): void {
    this.auth = auth;
  }

  /** Resolves when at least `count` messages are kept; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onMessage = () => {
        if (this.messages.length >= count) {
          clearTimeout(timer);
          this.events.off('message', onMessage);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.events.off('message', onMessage);
        reject(new Error(`SMTP sink: ${this.messages.length} of ${count} messages after ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('message', onMessage);
    });
  }

  /** Subscribes to every kept message. Returns an unsubscribe function. */
  onMessage(fn: (m: SinkMessage) => void): () => void {
    this.events.on('message', fn);
    return () => this.events.off('message', fn);
  }

  messageIds(): string[] {
    return this.messages.map((m) => m.messageId ?? '');
  }

  /** How many received messages carry a Message-ID seen earlier (0 = no duplicates). */
  duplicates(): number {
    return this.messages.length - new Set(this.messageIds()).size;
  }

  clear(): void {
    this.messages.length = 0;
  }

  /** Stops listening and drops open connections; keeps the messages and the port for reopen(). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Do not wait for clients to quit: drop them like a relay going down.
      for (const c of server.connections) c.close();
    });
  }

  /** Listens again on the same port. */
  async reopen(): Promise<void> {
    if (this.server) return;
    await this.listen();
  }

  private take(stage: SinkStage): SinkReply | undefined {
    return this.queued[stage].shift() ?? this.always[stage];
  }

  /** Calls back with an error for a scripted failure; returns true if it did. */
  private scripted(stage: SinkStage, callback: (err?: Error | null) => void): boolean {
    const r = this.take(stage);
    if (!r || r.code < 400) return false;
    this.stats.rejected++;
    callback(smtpError(r));
    return true;
  }

  private listen(): Promise<void> {
    const server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      authOptional: !this.requireAuth,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      closeTimeout: 100,
      onConnect: (_session: SMTPServerSession, callback) => {
        this.stats.connections++;
        if (!this.scripted('connect', callback)) callback();
      },
      onAuth: (auth: SMTPServerAuthentication, _session, callback) => {
        const ok = this.auth !== undefined && auth.username === this.auth.user && auth.password === this.auth.pass;
        if (!ok) {
          this.stats.authFailed++;
          return callback(smtpError({ code: 535, message: 'Authentication credentials invalid' }));
        }
        this.stats.authOk++;
        callback(null, { user: auth.username });
      },
      onMailFrom: (_address: SMTPServerAddress, _session, callback) => {
        this.stats.mailFrom++;
        if (!this.scripted('mail', callback)) callback();
      },
      onRcptTo: (_address: SMTPServerAddress, _session, callback) => {
        this.stats.rcptTo++;
        if (!this.scripted('rcpt', callback)) callback();
      },
      onData: (stream, session, callback) => {
        this.stats.data++;
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', (err: Error) => callback(err));
        stream.on('end', () => {
          if (this.scripted('data', callback)) return;
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              const message: SinkMessage = {
                envelope: {
                  mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                  rcptTo: session.envelope.rcptTo.map((a) => a.address),
                },
                raw,
                parsed,
                messageId: parsed.messageId,
                receivedAt: Date.now(),
              };
              this.messages.push(message);
              this.events.emit('message', message);
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    server.on('error', () => {
      /* connection-level errors (clients dropping) are expected in fault tests */
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.server.once('error', onError);
      server.listen(this.port, HOST, () => {
        server.server.off('error', onError);
        const addr = server.server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        this.server = server;
        resolve();
      });
    });
  }
}

/** Shorthand for SmtpSink.start(options). */
export function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  return SmtpSink.start(options);
}
