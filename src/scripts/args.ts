import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One line for --help. */
  describe: string;
  /** Shown after the name in --help, e.g. EMAIL. */
  value?: string;
  required?: boolean;
}

type Values<T extends Record<string, OptionSpec>> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** The --help text of a script: its usage line, what it does, then one line per option. */
export function helpText(command: string, summary: string, spec: Record<string, OptionSpec>): string {
  const rows = Object.entries(spec).map(([name, o]) => {
    const left = `  --${name}${o.value ? ` ${o.value}` : ''}`;
    return `${left.padEnd(28)}${o.describe}${o.required ? ' (required)' : ''}`;
  });
  const required = Object.entries(spec).filter(([, o]) => o.required).map(([name, o]) => `--${name}${o.value ? ` ${o.value}` : ''}`);
  return [`Usage: npm run ${command} -- ${[...required, '[options]'].join(' ')}`, '', summary, '', 'Options:', ...rows, `${'  --help'.padEnd(28)}Show this help and exit`].join('\n');
}

/**
 * Reads --name value options for a command-line script. --help prints the usage and exits 0; an
 * unknown option, a missing value or a missing required option prints one line naming it, then
 * the usage, and exits 2 — never a stack trace.
 */
export function cli<T extends Record<string, OptionSpec>>(command: string, summary: string, spec: T, argv: string[] = process.argv.slice(2)): Values<T> {
  const help = helpText(command, summary, spec);
  const parserSpec = Object.fromEntries([...Object.entries(spec).map(([k, o]) => [k, { type: o.type }]), ['help', { type: 'boolean' }]]) as Record<string, { type: 'string' | 'boolean' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: parserSpec, allowPositionals: false, strict: true }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err), help);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  for (const [name, o] of Object.entries(spec)) {
    if (o.required && (values[name] === undefined || values[name] === '')) fail(`--${name} is required`, help);
  }
  return values as Values<T>;
}

export function fail(message: string, help?: string): never {
  console.error(help ? `${message}\n\n${help}` : message);
  process.exit(2);
}
