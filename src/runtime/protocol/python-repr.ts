/**
 * JSON values as Python prints them, for error texts that must read as pydantic's do: `str()` of a
 * decoded value (`None`, `True`, `42`, `['ping']`, `{'a': 1}`) and `repr()` of a string.
 * A JSON number that is whole is shown as a Python int: after JSON.parse, `1.0` and `1` are the same.
 */

/** Python's `str(value)` for a value JSON.parse produced. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's `repr(value)` for a value JSON.parse produced. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  // What is left of JSON is an object.
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`)
    .join(', ')}}`;
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString();
  // float repr: the shortest round-tripping digits (as JS finds them), laid out as Python lays them out.
  // Python writes an exponent below 1e-4 (JS only below 1e-6); from 1e16 up, where Python does too,
  // every double is whole and was written as an int above.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4) return `${mantissa}e-${String(-e).padStart(2, '0')}`;
  return String(n);
}

/**
 * What Python's str.isprintable() refuses, beyond the ASCII controls: Unicode's "Other" (C*) and
 * "Separator" (Z*) categories, the ASCII space excepted. Lone surrogates are Cs.
 */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escaped(ch.codePointAt(0)!);
    else out += ch;
  }
  return out + quote;
}

/** `\xhh`, `\uhhhh` or `\Uhhhhhhhh`, the shortest that holds the code point, as Python escapes it. */
function escaped(code: number): string {
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}
