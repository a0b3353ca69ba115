/**
 * Escaping for every context where text from the document reaches generated code.
 * Document strings never reach generated code by any other route.
 */

/** A single-quoted TypeScript/JavaScript string literal. */
export function stringLiteral(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}

/** A literal for any JSON value (strings single-quoted, the rest as JSON, which is valid TS). */
export function jsonLiteral(value: unknown): string {
  return typeof value === 'string' ? stringLiteral(value) : (JSON.stringify(value) ?? 'undefined');
}

/** Text made safe inside a block comment: it cannot end the comment early. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?|\u2028|\u2029/g, '\n');
}

/**
 * A JSDoc block from paragraphs (empty ones are dropped), indented by `indent`.
 * Returns '' when there is nothing to say.
 */
export function jsDoc(paragraphs: readonly (string | undefined)[], indent = ''): string {
  const parts = paragraphs.filter((p): p is string => p !== undefined && p.trim() !== '').map((p) => commentText(p.trim()));
  if (parts.length === 0) return '';
  const lines = parts.join('\n\n').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}
