/**
 * Channel addresses with `{param}` segments, matched against request paths strictly, as Chanx's
 * routes match: case-sensitive, and no trailing slash the address does not have.
 */
export interface PathTemplate {
  readonly address: string;
  /** Decoded parameters when `pathname` matches, else undefined. */
  match(pathname: string): Record<string, string> | undefined;
}

export function compilePath(address: string, allowed: Readonly<Record<string, readonly string[]>> = {}): PathTemplate {
  const names: string[] = [];
  const source = address
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('');
  const pattern = new RegExp(`^${source}$`);
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
