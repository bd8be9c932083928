/**
 * A helper process (load generator, SMTP sink) forked from the benchmark, spoken to over IPC.
 * The child inherits this process's execArgv, so under `tsx` it runs TypeScript too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './procs.js';

export class Child {
  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {}

  /** Forks bench/<file> (relative to this module). */
  static start(file: string): Child {
    const proc = track(fork(fileURLToPath(new URL(file, import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    return new Child(file, proc);
  }

  /** The next message of the given type (rejects on an error message, exit, or after timeoutMs). */
  next<T>(type: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
      };
      const onMessage = (m: { type?: string; message?: string }) => {
        if (m?.type === type) {
          cleanup();
          resolve(m as T);
        } else if (m?.type === 'error') {
          cleanup();
          reject(new Error(`${this.name}: ${m.message}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (code ${code}) while we waited for "${type}"`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no "${type}" after ${timeoutMs} ms`));
      }, timeoutMs);
      this.proc.on('message', onMessage);
      this.proc.once('exit', onExit);
    });
  }

  send(msg: object): void {
    this.proc.send(msg);
  }

  /** Asks the child to leave (it exits on disconnect) and waits for it; kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (this.proc.connected) this.proc.disconnect();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
