/**
 * Channel addresses with `{param}` segments, matched against request paths strictly, as Chanx's
 * routes match: case-sensitive, and no trailing slash the address does not have.
 */
export interface PathTemplate {
  readonly address: string;
  /** Decoded parameters when `pathname` matches, else undefined. */
  match(pathname: string): Record<string, string> | undefined;
}

/**
 * A template with `{name}` placeholders as an anchored RegExp: literal parts escaped, each
 * placeholder one capture of `segment` (what one value may span). `parts` alternates literal text
 * and placeholder names, for filling the template in. Shared by channel addresses and
 * topic patterns (topics.ts).
 */
export function templatePattern(template: string, segment: string): { names: string[]; parts: string[]; regex: RegExp } {
  const parts = template.split(/\{([^}]+)\}/);
  const names = parts.filter((_, i) => i % 2 === 1);
  const source = parts.map((part, i) => (i % 2 === 0 ? escapeRegExp(part) : segment)).join('');
  return { names, parts, regex: new RegExp(`^${source}$`) };
}

/**
 * The path of a request target as sent, up to its query: what addresses are matched against, the
 * way ws matches its `path` option. Never resolved as a URL: `//host/ws/system` and
 * `/ws/x/../system` are not `/ws/system`, and a target that is not a path (`*`, absolute form)
 * matches nothing.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined;
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** `text` as a RegExp source that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compilePath(address: string, allowed: Readonly<Record<string, readonly string[]>> = {}): PathTemplate {
  const { names, regex: pattern } = templatePattern(address, '([^/]+)');
  return {
    address,
    match(pathname) {
      const m = pattern.exec(pathname);
      if (m === null) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) {
        let value: string;
        try {
          value = decodeURIComponent(m[i + 1]!);
        } catch {
          return undefined;
        }
        const values = allowed[names[i]!];
        if (values !== undefined && !values.includes(value)) return undefined;
        params[names[i]!] = value;
      }
      return params;
    },
  };
}
