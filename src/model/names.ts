/**
 * Turning document keys into TypeScript identifiers: deterministic, valid, readable.
 */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with as implements interface let package private protected public static ' +
    'yield await any boolean number string symbol unknown never object undefined bigint declare type ' +
    'keyof readonly infer is asserts satisfies accessor out'
  ).split(' '),
);

/** Words of an identifier-ish key: `user_message`, `userMessage`, `User-Message v2` -> user, message, ... */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `user_message` -> `UserMessage`; never empty, never starting with a digit. */
export function pascalCase(text: string, fallback = 'Unnamed'): string {
  const name = words(text).map(capitalise).join('');
  if (name === '') return fallback;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `user_message` -> `userMessage`. */
export function camelCase(text: string, fallback = 'unnamed'): string {
  const name = pascalCase(text, '');
  if (name === '') return fallback;
  const camel = name.startsWith('_') ? name : name.charAt(0).toLowerCase() + name.slice(1);
  return RESERVED.has(camel) ? `${camel}_` : camel;
}

/** A safe type name: PascalCase and never a reserved word. */
export function typeName(text: string, fallback = 'Unnamed'): string {
  const name = pascalCase(text, fallback);
  return RESERVED.has(name.toLowerCase()) && RESERVED.has(name) ? `${name}_` : name;
}

/** A folder name for a channel key: the key itself when it is plain (`system`, `room_chat`), else its words joined by `-` (`/user/{id}` -> `user-id`). */
export function folderName(text: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(text)) return text;
  const name = words(text)
    .map((w) => w.toLowerCase())
    .join('-');
  return name === '' ? 'channel' : name;
}

/** Hands out names, appending 2, 3, ... on a clash. Call in a deterministic order. */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  allocate(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${n}`;
    this.taken.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }
}

/** Is `key` usable bare as a property name in a TypeScript type or object literal? */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
}
