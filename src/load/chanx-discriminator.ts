/**
 * Chanx (like OpenAPI) writes a nested union's discriminator as `{propertyName, mapping}`, where the
 * AsyncAPI schema wants a string. Both loaders accept it: the union still validates (oneOf).
 */
export const CHANX_DISCRIMINATOR_NOTE = ' (an OpenAPI-style discriminator object, as Chanx writes it: accepted)';

/** Is the value at `path` in `data` such a discriminator object? */
export function isChanxDiscriminatorAt(data: unknown, path: readonly (string | number)[]): boolean {
  if (path[path.length - 1] !== 'discriminator') return false;
  const value = path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined),
    data,
  );
  return value !== null && typeof value === 'object' && typeof (value as { propertyName?: unknown }).propertyName === 'string';
}
