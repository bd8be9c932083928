/** A test app's mail through a real SMTP sink: the sink, a dispatcher sending to it, and one close for both. */
import { Dispatcher, createSmtpTransport } from '../../src/core/outbox/index.js';
import { createEmailKinds } from '../../src/email-kinds.js';
import type { TestApp } from './app.js';
import { SmtpSink } from './smtp-sink.js';

export interface TestMail {
  sink: SmtpSink;
  dispatcher: Dispatcher;
  /** Sends every due message (dispatcher rounds until one claims nothing, at most 10). */
  drain(): Promise<void>;
  /** Stops the dispatcher, closes its transport and the sink. */
  close(): Promise<void>;
}

export async function withMail(t: TestApp): Promise<TestMail> {
  const sink = await SmtpSink.start();
  const transport = createSmtpTransport(sink.url);
  const dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport, random: () => 0.5 });
  return {
    sink,
    dispatcher,
    async drain() {
      for (let i = 0; i < 10 && (await dispatcher.runOnce()).claimed > 0; i++);
    },
    async close() {
      await dispatcher.stop();
      transport.close();
      await sink.close();
    },
  };
}
