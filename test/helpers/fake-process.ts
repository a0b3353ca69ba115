/** A process for serveFromEnv in a test (chanx-gen/runtime's EntryProcess and EntryConsole). */
import { EventEmitter } from 'node:events';
import type { EntryProcess } from 'chanx-gen/runtime';

/** A process for serveFromEnv: env as given, signals sent by the test, exit codes and output recorded. */
export class FakeProcess implements EntryProcess {
  readonly signals = new EventEmitter();
  readonly exits: number[] = [];
  readonly logs: string[] = [];
  readonly errors: string[] = [];
  readonly out = { log: (line: string) => void this.logs.push(line), error: (line: string) => void this.errors.push(line) };
  private readonly exited = new EventEmitter();
  constructor(readonly env: Record<string, string | undefined>) {}
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): this {
    this.signals.on(signal, listener);
    return this;
  }
  exit(code: number): void {
    this.exits.push(code);
    this.exited.emit('exit', code);
  }
  /** Resolves with the next exit code. */
  nextExit(): Promise<number> {
    return new Promise((resolve) => this.exited.once('exit', resolve));
  }
}
