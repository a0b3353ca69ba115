/**
 * Spectral requires `es-aggregate-error`, a polyfill of AggregateError, to throw a ruleset's option
 * errors together. On every Node.js chanx-gen runs on (>= 20) the polyfill hands out the built-in
 * AggregateError (its getPolyfill), but loading it evaluates a slice of es-abstract first: about
 * 60 ms of every cold run (the system spec's first run: 0.80 -> 0.74 s), for a class that is never
 * constructed while a valid ruleset is used.
 * Before the parser is loaded, require's cache is given the module as the polyfill would export
 * it: the built-in class, bound as it binds it, with getPolyfill, and with implementation and shim
 * loaded from the polyfill's own files if anything ever asks for them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { placeInCache } from './module-cache.js';

let installed = false;

/** Idempotent; does nothing once the polyfill is loaded, when it is laid out otherwise, or without a built-in AggregateError. */
export function nativeAggregateError(): void {
  if (installed) return;
  installed = true;
  try {
    if (typeof AggregateError !== 'function') return;
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
    const fromCore = createRequire(fromParser.resolve('@stoplight/spectral-core'));
    const index = fromCore.resolve('es-aggregate-error');
    if (fromCore.cache[index] !== undefined || path.basename(index) !== 'index.js') return;
    const own = createRequire(index);
    // As the polyfill's index.js exports it: its getPolyfill() bound, named, with its prototype.
    const bound = AggregateError.bind(undefined);
    Object.defineProperty(bound, 'name', { value: AggregateError.name, configurable: true });
    Object.defineProperty(bound, 'prototype', { value: AggregateError.prototype });
    Object.defineProperties(bound, {
      getPolyfill: { value: () => AggregateError, configurable: true, writable: true },
      implementation: { get: () => own('./implementation.js'), configurable: true },
      shim: { get: () => own('./shim.js'), configurable: true },
    });
    placeInCache(fromCore, index, bound);
  } catch {
    // another layout: the polyfill loads as usual
  }
}
