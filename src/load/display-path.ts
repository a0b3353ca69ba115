import path from 'node:path';

/** A path as shown to people: relative to the working directory, forward slashes. */
export function displayPath(absPath: string, cwd: string): string {
  const rel = path.relative(cwd, absPath);
  return (rel === '' ? path.basename(absPath) : rel).split(path.sep).join('/');
}
