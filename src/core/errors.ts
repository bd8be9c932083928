/**
 * A typed error thrown by services. Routes turn it into a 4xx answer (JSON) or a form shown
 * again with the message beside `field`. `code` doubles as the message-catalogue key `err.<code>`.
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    public readonly field?: string,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Several field errors at once (forms show each beside its field). */
export class ValidationError extends AppError {
  constructor(public readonly errors: AppError[]) {
    const first = errors[0];
    super('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), 400, first?.field);
    this.name = 'ValidationError';
  }
}

/** Collects field errors while validating, then throws them all at once. */
export class FieldErrors {
  readonly errors: AppError[] = [];
  add(field: string, code: string, message: string, params: Record<string, string | number> = {}): void {
    if (!this.errors.some((e) => e.field === field)) this.errors.push(new AppError(code, message, 400, field, params));
  }
  /** Runs fn; an AppError it throws is recorded against its field (or `field`). */
  catch<T>(field: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof AppError) {
        if (!this.errors.some((x) => x.field === (e.field ?? field))) this.errors.push(e.field ? e : new AppError(e.code, e.message, 400, field, e.params));
        return undefined;
      }
      throw e;
    }
  }
  has(field: string): boolean {
    return this.errors.some((e) => e.field === field);
  }
  throwIfAny(): void {
    if (this.errors.length) throw new ValidationError(this.errors);
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`, 404);
export const forbidden = (message = 'forbidden') => new AppError('forbidden', message, 403);

/**
 * A value that must be there: a row just written, the session a registration belongs to.
 * Its absence (a concurrent deletion) is answered as not found instead of failing later.
 */
export function mustExist<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw notFound(what);
  return value;
}
