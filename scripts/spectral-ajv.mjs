// Part of scripts/build-asyncapi-validators.mjs (and its test): an ajv set up as Spectral's
// `schema` function sets up its own (createAjvInstance(Ajv, allErrors = true)): the ajv,
// ajv-formats and ajv-errors Spectral itself resolves, with source code kept for standalone output.
import { createRequire } from 'node:module';

const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
/** require() as @stoplight/spectral-functions resolves it. */
export const fromSpectral = createRequire(fromParser.resolve('@stoplight/spectral-functions'));

/** `options` on top of Spectral's (a test compiles other code with it). */
export function spectralAjv(options = {}) {
  const Ajv = fromSpectral('ajv').default;
  const ajv = new Ajv({
    allErrors: true,
    meta: true,
    messages: true,
    strict: false,
    allowUnionTypes: true,
    unicodeRegExp: false,
    code: { source: true },
    logger: false,
    ...options,
  });
  fromSpectral('ajv-formats').default(ajv);
  fromSpectral('ajv-errors').default(ajv);
  return ajv;
}
