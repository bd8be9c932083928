/**
 * One field of request data whose shape the route's schema did not fix (the query string of a page
 * helper shared by many routes, the CSRF field of any form): read without a cast, as `unknown`, for
 * the caller to check.
 */
export function requestField(data: unknown, key: string): unknown {
  if (data === null || typeof data !== 'object' || !Object.hasOwn(data, key)) return undefined;
  return (data as Record<string, unknown>)[key];
}
