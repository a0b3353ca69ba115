/**
 * Located problems, and the error that carries them out of the pipeline.
 * Printed as `path:line:col: error: message`, the way compilers do.
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Path relative to the working directory, forward slashes; empty when the problem has no file. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file === '' ? '' : d.line > 0 ? `${d.file}:${d.line}:${d.column}: ` : `${d.file}: `;
  return `${where}${d.severity}: ${d.message}`;
}

/** Thrown by any pipeline stage when the input is bad. The CLI prints the diagnostics and exits 2. */
export class InputError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
  }
}

export function inputError(file: string, message: string, line = 0, column = 0): InputError {
  return new InputError([{ severity: 'error', file, line, column, message }]);
}

/**
 * What JSON.parse said of `text` (shown as `file`), located: V8 gives the offset (`at position 39`),
 * made here into a line and column.
 */
export function jsonSyntaxError(file: string, text: string, err: unknown): InputError {
  const said = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(said);
  const before = text.slice(0, at === null ? 0 : Number(at[1])).split('\n');
  const line = at === null ? 0 : before.length;
  const column = at === null ? 0 : (before.at(-1)?.length ?? 0) + 1;
  return inputError(file, `not valid JSON: ${said.replace(/ in JSON at position \d+.*$/, '')}`, line, column);
}
