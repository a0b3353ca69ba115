/**
 * Which named schemas a channel's validators reach through `$ref` are models in pydantic's sense
 * (objects with fields, not maps), with the title pydantic names them by. A value that is not an
 * object where one of them is expected gets `model_type`, "Input should be a valid dictionary or
 * instance of <Title>", as Chanx answers (DESIGN §4).
 */
import type { JsonSchema, SchemaObject } from '../model/types.js';
import { reachableSchemas, refName } from '../model/schema-registry.js';
import { stringLiteral } from './escape.js';
import { isIdentifier } from '../model/names.js';

/** [validator schema id, title] for every model schema referenced from the messages `roots`. */
export function modelTitles(roots: readonly string[], schemas: Record<string, JsonSchema>): [string, string][] {
  const referenced = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node !== null && typeof node === 'object') {
      const name = refName(node as SchemaObject);
      if (name !== undefined) referenced.add(name);
      else for (const value of Object.values(node)) collect(value);
    }
  };
  for (const name of reachableSchemas(roots, schemas)) collect(schemas[name]);
  return [...referenced]
    .sort()
    .filter((name) => isModel(schemas[name]))
    .map((name) => {
      const title = (schemas[name] as SchemaObject)['title'];
      return [name, typeof title === 'string' && title !== '' ? title : name];
    });
}

/** An object schema with fields; a map (only additional or pattern properties) is a dict in pydantic. */
function isModel(schema: JsonSchema | undefined): boolean {
  if (schema === undefined || typeof schema !== 'object') return false;
  const hasFields = typeof schema['properties'] === 'object';
  if (schema['type'] !== 'object' && !hasFields) return false;
  const mapLike =
    !hasFields && (schema['patternProperties'] !== undefined || (schema['additionalProperties'] !== undefined && schema['additionalProperties'] !== false));
  return !mapLike;
}

/** The titles as the body of an object literal (`MessagePayload: 'MessagePayload'`), '' when none. */
export function titlesLiteral(titles: readonly [string, string][]): string {
  // A `__proto__` key in a literal would set the prototype, so that one is computed.
  return titles.map(([id, title]) => `${id === '__proto__' ? `['__proto__']` : isIdentifier(id) ? id : stringLiteral(id)}: ${stringLiteral(title)}`).join(', ');
}
