/**
 * --watch: run once, then again whenever the spec or any file it references changes. Errors are
 * printed and watching goes on; the set of watched files follows the spec's references.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { CliIO, OnceResult } from './cli-io.js';
import type { PipelineOptions } from './pipeline.js';

/** Quiet period after the last file event before regenerating (editors write in several steps). */
const SETTLE_MS = 50;

export async function watchSpec(options: PipelineOptions, io: CliIO, runOnce: (o: PipelineOptions) => Promise<OnceResult>): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const specAbs = path.resolve(cwd, options.spec);
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const changed = new Set<string>();

  const follow = (files: string[]): void => {
    const wanted = new Set([specAbs, ...files]);
    for (const [file, w] of watchers) if (!wanted.has(file)) w.close(), watchers.delete(file);
    for (const file of wanted) {
      if (watchers.has(file)) continue;
      // Watch the folder, not the file: editors replace files by renaming, which ends a file watch.
      try {
        const w = watch(path.dirname(file), (_event, name) => {
          if (name !== null && path.join(path.dirname(file), name.toString()) === file) schedule(file);
        });
        watchers.set(file, w);
      } catch {
        // the folder is gone; the next run reports the missing file
      }
    }
  };
  const cycle = async (): Promise<void> => {
    const result = await runOnce(options);
    follow(result.inputs);
  };
  const schedule = (file: string): void => {
    changed.add(path.relative(cwd, file));
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      io.stdout(`chanx-gen: changed: ${[...changed].sort().join(', ')}\n`);
      changed.clear();
      running = running.then(cycle);
    }, SETTLE_MS);
  };

  running = cycle();
  await running;
  io.stdout('chanx-gen: watching for changes (Ctrl-C to stop)\n');
  await (io.stopWatching ?? new Promise<void>(() => undefined));
  if (timer !== undefined) clearTimeout(timer);
  await running;
  for (const w of watchers.values()) w.close();
  return 0;
}
