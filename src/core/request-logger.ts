/**
 * Every request gets a logger bound to its id (`reqId` on each line it logs). Making that logger, a
 * pino child, serializes its bindings through the log redaction: on a short request that costs
 * more than Kairos's own work, and most requests never log a line (per-request lines are off by
 * default). So the child is made on the request's first line, from the same parent, bindings and
 * options, and the lines are the same as they would have been.
 */
import type { FastifyBaseLogger, FastifyLogFn, FastifyServerOptions, LogLevel } from 'fastify';

type Factory = NonNullable<FastifyServerOptions['childLoggerFactory']>;
type Bindings = Parameters<Factory>[1];
type ChildLoggerOptions = Parameters<Factory>[2];
type Args = Parameters<FastifyLogFn>;

class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): LogLevel {
    return this.log.level as LogLevel;
  }
  set level(level: LogLevel) {
    this.log.level = level;
  }
  fatal(...args: Args): void {
    this.log.fatal(...args);
  }
  error(...args: Args): void {
    this.log.error(...args);
  }
  warn(...args: Args): void {
    this.log.warn(...args);
  }
  info(...args: Args): void {
    this.log.info(...args);
  }
  debug(...args: Args): void {
    this.log.debug(...args);
  }
  trace(...args: Args): void {
    this.log.trace(...args);
  }
  silent(...args: Args): void {
    this.log.silent(...args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, made when it first logs. */
export const requestLogger: Factory = (parent, bindings, options) => new RequestLogger(parent, bindings, options);
