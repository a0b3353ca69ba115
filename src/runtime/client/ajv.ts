/**
 * The helpers ajv's standalone validators call, for client-validators.ts: static ES imports (which
 * browser bundlers follow), unlike ajv-runtime.ts, which loads them with Node's `require`.
 */
import * as equal from 'ajv/dist/runtime/equal.js';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import * as uri from 'ajv/dist/runtime/uri.js';
import * as validationError from 'ajv/dist/runtime/validation_error.js';
import * as formats from 'ajv-formats/dist/formats.js';

/** A CommonJS module's `exports.default`, whether the importer wrapped it once (Node) or not (bundlers). */
function unwrap(ns: unknown): unknown {
  // Never null: a namespace is an object, and `??` keeps it when its `default` is nullish.
  const value = ((ns as { default?: unknown }).default ?? ns) as { __esModule?: unknown; default?: unknown };
  return value.__esModule === true ? value.default : value;
}

export const ajvRuntime = {
  equal: unwrap(equal),
  ucs2length: unwrap(ucs2length),
  uri: unwrap(uri),
  validation_error: unwrap(validationError),
  formats: (formats as { fullFormats?: unknown }).fullFormats ?? (unwrap(formats) as { fullFormats: unknown }).fullFormats,
} as Record<string, any>;
