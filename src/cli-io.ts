/** What the command line talks to (the console and the working folder), shared by cli, init and watch. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Resolves when --watch should stop (tests); default: never. */
  stopWatching?: Promise<void>;
}

/** What one run of generate or check gives --watch. */
export interface OnceResult {
  code: number;
  /** Input files to watch (empty when the spec could not be read). */
  inputs: string[];
}
