/**
 * Puts `exports` in `require`'s cache as the module at `file`, loaded: a later require() of that
 * file, from anywhere, gets them without reading or running it (lazy-specs.ts, native-aggregate-error.ts).
 */
import Module from 'node:module';

export function placeInCache(require: NodeJS.Require, file: string, exports: unknown): void {
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = exports;
  require.cache[file] = mod;
}
