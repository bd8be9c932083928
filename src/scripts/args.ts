import { parseArgs } from 'node:util';

/** --name value options for the small CLI scripts. */
export function options<T extends Record<string, { type: 'string' | 'boolean' }>>(spec: T) {
  return parseArgs({ options: spec, allowPositionals: false, strict: true }).values;
}
