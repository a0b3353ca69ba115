/**
 * The origin allow-list: which browser origins may open a WebSocket. Requests without an Origin
 * header (servers, CLIs, other non-browser clients) are not browser cross-site requests and pass.
 */
import { escapeRegExp } from '../support/path-template.js';

export type OriginRule = string | RegExp;

/**
 * Compiles the rules into one test. A string is an origin (`https://app.example.com`), compared
 * without case, where `*` stands for one or more characters other than `/` (`https://*.example.com`);
 * a trailing slash in it is ignored (an origin has no path). A RegExp is tested as is.
 */
export function originAllowed(rules: readonly OriginRule[]): (origin: string | undefined) => boolean {
  const patterns = rules.map(compileRule);
  return (origin) =>
    origin === undefined ||
    patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(origin);
    });
}

function compileRule(rule: OriginRule): RegExp {
  if (rule instanceof RegExp) return rule;
  if (typeof rule !== 'string') throw new TypeError(`allowedOrigins: ${String(rule)} is neither a string nor a RegExp`);
  const source = rule.replace(/\/$/, '').split('*').map(escapeRegExp).join('[^/]+');
  return new RegExp(`^${source}$`, 'i');
}
