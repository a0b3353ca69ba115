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

/** Longest folder name written: file systems limit a name to 255 bytes, and paths get long. */
const MAX_FOLDER = 120;

/** A folder name for a channel key: the key itself when it is plain (`system`, `room_chat`), else its words joined by `-` (`/user/{id}` -> `user-id`). */
export function folderName(text: string): string {
  const name = /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(text)
    ? text
    : words(text)
        .map((w) => w.toLowerCase())
        .join('-');
  if (name === '') return 'channel';
  return name.length <= MAX_FOLDER ? name : `${name.slice(0, MAX_FOLDER - 9)}-${shortHash(text)}`;
}

/** Eight hex digits of a stable hash (FNV-1a), to keep cut names apart. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export interface AllocatorOptions {
  /** Names that differ only by case clash too (folders: macOS and Windows file systems ignore case). */
  ignoreCase?: boolean;
}

/**
 * Hands out names, appending 2, 3, ... on a clash. Call in a deterministic order. A name that is
 * reserved (given to the constructor) is not numbered but given `suffix` when the caller has one
 * (`onEvent` -> `onEventMessage`), which reads better than `onEvent2`. `original(name)` tells
 * whether a name differs from what was asked for, and what that was.
 */
export class NameAllocator {
  private readonly taken = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly asked = new Map<string, string>();
  private readonly fold: (name: string) => string;

  constructor(reserved: Iterable<string> = [], options: AllocatorOptions = {}) {
    this.fold = options.ignoreCase === true ? (n) => n.toLowerCase() : (n) => n;
    for (const name of reserved) {
      this.taken.add(this.fold(name));
      this.reserved.add(this.fold(name));
    }
  }

  allocate(wanted: string, suffix?: string): string {
    const base = suffix !== undefined && this.reserved.has(this.fold(wanted)) ? `${wanted}${suffix}` : wanted;
    let name = base;
    for (let n = 2; this.taken.has(this.fold(name)); n++) name = `${base}${n}`;
    this.taken.add(this.fold(name));
    if (name !== wanted) this.asked.set(name, wanted);
    return name;
  }

  has(name: string): boolean {
    return this.taken.has(this.fold(name));
  }

  /** What was asked for when `name` was handed out instead, or undefined. */
  original(name: string): string | undefined {
    return this.asked.get(name);
  }
}

/** Is `key` usable bare as a property name in a TypeScript type or object literal? */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
}
