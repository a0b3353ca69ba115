import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Change } from './plan.js';

/** A git-style unified diff of one change (3 lines of context), paths shown under `shownOut`. */
export function unifiedDiff(change: Change, shownOut: string): string {
  const file = `${shownOut}/${change.path}`;
  const from = change.kind === 'add' ? '/dev/null' : `a/${file}`;
  const to = change.kind === 'remove' ? '/dev/null' : `b/${file}`;
  return createTwoFilesPatch(from, to, change.before, change.after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}
