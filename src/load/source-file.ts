/** One input file as read: its text, its data and how to find a place in it. */
export interface SourceFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the working directory, forward slashes: how it is shown to people. */
  displayPath: string;
  text: string;
  /**
   * The plain data (YAML and JSON alike), as the parser reads it. Read-only: the parser's reading is
   * this very data (source-files.ts withOurParse), and its resolver freezes the parts it resolved
   * (not those of a kept verdict), so a write would fail on some documents only.
   */
  readonly data: unknown;
  /** Finds the position of a JSON-pointer-like path (the closest existing node); 1-based. */
  locate(segments: readonly (string | number)[]): { line: number; column: number };
}
