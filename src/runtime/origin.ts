/**
 * The origin allow-list: which browser origins may open a WebSocket. Requests without an Origin
 * header (servers, CLIs, other non-browser clients) are not browser cross-site requests and pass.
 */
export type OriginRule = string | RegExp;

/**
 * Compiles the rules into one test. A string is an exact origin (`https://app.example.com`,
 * compared without case) or a pattern where `*` stands for one or more characters other than `/`
 * (`https://*.example.com`); a RegExp is tested as is.
 */
export function originAllowed(rules: readonly OriginRule[]): (origin: string | undefined) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const rule of rules) {
    if (rule instanceof RegExp) patterns.push(rule);
    else if (typeof rule === 'string' && rule.includes('*')) patterns.push(wildcard(rule));
    else if (typeof rule === 'string') exact.add(rule.toLowerCase().replace(/\/+$/, ''));
    else throw new TypeError(`allowedOrigins: ${String(rule)} is neither a string nor a RegExp`);
  }
  return (origin) => {
    if (origin === undefined) return true;
    const normal = origin.toLowerCase();
    if (exact.has(normal)) return true;
    return patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(origin);
    });
  };
}

function wildcard(rule: string): RegExp {
  const source = rule
    .toLowerCase()
    .replace(/\/+$/, '')
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`, 'i');
}
