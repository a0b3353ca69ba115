/**
 * The helpers ajv's standalone validators call at run time, re-exported so that generated
 * validators.ts needs only chanx-gen/runtime (ajv's own output would `require` them).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const load = (id: string): unknown => (require(id) as { default?: unknown }).default ?? require(id);

export const ajvRuntime = {
  equal: load('ajv/dist/runtime/equal'),
  ucs2length: load('ajv/dist/runtime/ucs2length'),
  uri: load('ajv/dist/runtime/uri'),
  validation_error: load('ajv/dist/runtime/validation_error'),
  get formats(): unknown {
    return (require('ajv-formats/dist/formats') as { fullFormats: unknown }).fullFormats;
  },
} as Record<string, any>;
