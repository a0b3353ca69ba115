/**
 * `multipleOf` checked as pydantic-core checks it (so as Chanx answers), in the validators' ajv:
 * - a number: the remainder may be off by a billionth of the value, either way
 *   (`rem = v % m; bound = |v| / 1e9; fails if |rem| > bound and |rem - m| > bound`): 0.07 and
 *   1234567.89 are multiples of 0.01, which binary floating point cannot say exactly;
 * - an integer (`type: integer`): exactly.
 * The error is ajv's own (keyword `multipleOf`, params `{multipleOf}`), so error frames need nothing new.
 */
import { createRequire } from 'node:module';
import type { KeywordCxt, KeywordErrorDefinition } from 'ajv';

type Ajv = InstanceType<typeof import('ajv').default>;

const require = createRequire(import.meta.url);

export function pydanticMultipleOf(ajv: Ajv): void {
  // ajv is loaded only when code is generated (emit/validators.ts).
  const { _, str } = require('ajv') as typeof import('ajv');
  const error: KeywordErrorDefinition = {
    message: ({ schemaCode }) => str`must be multiple of ${schemaCode}`,
    params: ({ schemaCode }) => _`{multipleOf: ${schemaCode}}`,
  };
  ajv.removeKeyword('multipleOf');
  ajv.addKeyword({
    keyword: 'multipleOf',
    type: 'number',
    schemaType: 'number',
    error,
    code(cxt: KeywordCxt) {
      const { gen, data, schemaCode, parentSchema } = cxt;
      const type = (parentSchema as { type?: unknown }).type;
      const integer = type === 'integer' || (Array.isArray(type) && type.every((t) => t === 'integer' || t === 'null'));
      if (integer) {
        cxt.fail(_`${data} % ${schemaCode} !== 0`);
        return;
      }
      const rem = gen.const('rem', _`${data} % ${schemaCode}`);
      const bound = gen.const('bound', _`Math.abs(${data}) / 1e9`);
      cxt.fail(_`Math.abs(${rem}) > ${bound} && Math.abs(${rem} - ${schemaCode}) > ${bound}`);
    },
  });
}
