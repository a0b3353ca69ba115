/**
 * ajv errors -> Chanx (pydantic) error items: `{type, loc, msg}`, `loc` starting with the tag.
 * Runs only on the error path.
 */
import { pointerSegments, valueAt } from './json-pointer.js';
import { pythonRepr } from './python-repr.js';
import { planUnions, withTags, type TaggedUnions } from './tagged-unions.js';
import type { ValidatorError } from './validator.js';

export interface ErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
}

/**
 * Named object schemas (pydantic models in Chanx) by validator schema id, with the title pydantic
 * names them by: a value that is not an object there is `model_type`, not `dict_type`.
 */
export type ModelTitles = Readonly<Record<string, string>>;

/**
 * Items an error frame lists at most. pydantic lists every error; a 1 MiB frame holding an array of
 * half a million wrong items would make a reply of tens of megabytes (over maxBufferedBytes: the
 * sender would be closed instead of told). The first ones, in order, say what is wrong.
 */
export const MAX_ERROR_ITEMS = 100;

/**
 * At most MAX_ERROR_ITEMS. `data`, when given, is the value that was validated: the sizes pydantic states ("after
 * validation, not 3") are read from it, since ajv's errors do not carry them.
 */
export function toErrorItems(
  prefix: readonly (string | number)[],
  errors: readonly ValidatorError[] | null | undefined,
  titles?: ModelTitles,
  data?: unknown,
  unions?: TaggedUnions,
): ErrorItem[] {
  const items: ErrorItem[] = [];
  const seen = new Set<string>();
  const plan = unions === undefined || errors == null ? undefined : planUnions(errors, unions, data);
  const all = plan === undefined ? (errors ?? []) : errors!.filter((e) => !plan.dropped.has(e));
  const silenced = unsaidByPydantic(all, plan?.replaced);
  for (const e of all) {
    const union = plan?.replaced.get(e);
    if (isSummary(e) && all.length > 1 && union === undefined) continue;
    if (silenced.has(e)) continue;
    const item =
      union !== undefined ? { type: union.type, loc: [...prefix, ...pointerSegments(e.instancePath)], msg: union.msg } : toItem(prefix, e, titles, data);
    const tags = plan?.tagged.get(e);
    if (tags !== undefined) item.loc = withTags(item.loc, prefix.length, tags);
    const key = `${item.type}\u0000${item.loc.join('\u0000')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (items.push(item) === MAX_ERROR_ITEMS) break;
  }
  return items;
}

/**
 * ajv errors that pydantic has no counterpart for, beside the ones it has:
 * - the `type` of an enum or const (`Status/type`) failing beside its `enum` (`Status/enum`): a Python
 *   Enum (a named enum) and a Literal (an inline enum or const) check membership only, so pydantic
 *   says `enum` or `literal_error` alone;
 * - the `null` branch of an anyOf/oneOf (`.../anyOf/1/type`) failing where another error is at or
 *   under the same place (a tagged union's own error included): pydantic's `Optional[X]` is a
 *   nullable X, which reports X's errors only.
 */
function unsaidByPydantic(errors: readonly ValidatorError[], replaced?: ReadonlyMap<ValidatorError, unknown>): Set<ValidatorError> {
  const out = new Set<ValidatorError>();
  if (errors.length < 2) return out;
  const enums = new Set<string>();
  for (const e of errors) {
    if ((e.keyword === 'enum' || e.keyword === 'const') && e.schemaPath !== undefined && e.schemaPath.endsWith(e.keyword))
      enums.add(`${e.instancePath}\u0000${e.schemaPath.slice(0, -e.keyword.length)}`);
  }
  const nullBranch = (e: ValidatorError) => e.keyword === 'type' && e.params['type'] === 'null' && /\/(anyOf|oneOf)\/\d+\/type$/.test(e.schemaPath ?? '');
  // Every place at or above another error (not a summary, not a null branch), in one pass: a frame
  // may carry tens of thousands of errors, so no error may look through all the others.
  const above = new Set<string>();
  for (const e of errors) {
    // A tagged union's own error (tagged-unions.ts) is what pydantic says there: not a summary.
    if ((isSummary(e) && replaced?.has(e) !== true) || nullBranch(e)) continue;
    for (let at = e.instancePath; !above.has(at); at = at.slice(0, Math.max(0, at.lastIndexOf('/')))) {
      above.add(at);
      if (at === '') break;
    }
  }
  for (const e of errors) {
    if (e.keyword === 'type' && enums.has(`${e.instancePath}\u0000${(e.schemaPath ?? '').slice(0, -'type'.length)}`)) out.add(e);
    else if (nullBranch(e) && above.has(e.instancePath)) out.add(e);
  }
  return out;
}

/** oneOf/anyOf/if report a summary beside the errors of their branches; the branches say more. */
function isSummary(e: ValidatorError): boolean {
  return e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if';
}

function toItem(prefix: readonly (string | number)[], e: ValidatorError, titles: ModelTitles | undefined, data: unknown): ErrorItem {
  const path = pointerSegments(e.instancePath);
  const loc = [...prefix, ...path];
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return { type: 'missing', loc: [...loc, String(p['missingProperty'])], msg: 'Field required' };
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: [...loc, String(p['additionalProperty'])], msg: 'Extra inputs are not permitted' };
    case 'type': {
      const title = p['type'] === 'object' ? modelTitle(e.schemaPath, titles) : undefined;
      if (title !== undefined) return { type: 'model_type', loc, msg: `Input should be a valid dictionary or instance of ${title}` };
      return typeError(loc, String(p['type']));
    }
    case 'const':
      return { type: 'literal_error', loc, msg: `Input should be ${pythonRepr(p['allowedValue'])}` };
    case 'enum':
      // An enum that is a named schema's own is a Python Enum class in pydantic (`enum`); inline, a Literal.
      return {
        type: namedSchemaKeyword(e.schemaPath, 'enum') ? 'enum' : 'literal_error',
        loc,
        msg: `Input should be ${orList((p['allowedValues'] as unknown[]).map(pythonRepr))}`,
      };
    case 'minLength':
      return { type: 'string_too_short', loc, msg: `String should have at least ${String(p['limit'])} character${p['limit'] === 1 ? '' : 's'}` };
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: `String should have at most ${String(p['limit'])} character${p['limit'] === 1 ? '' : 's'}` };
    case 'pattern':
      return { type: 'string_pattern_mismatch', loc, msg: `String should match pattern '${String(p['pattern'])}'` };
    case 'minimum':
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${String(p['limit'])}` };
    case 'maximum':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${String(p['limit'])}` };
    case 'exclusiveMinimum':
      return { type: 'greater_than', loc, msg: `Input should be greater than ${String(p['limit'])}` };
    case 'exclusiveMaximum':
      return { type: 'less_than', loc, msg: `Input should be less than ${String(p['limit'])}` };
    case 'multipleOf':
      return { type: 'multiple_of', loc, msg: `Input should be a multiple of ${String(p['multipleOf'])}` };
    case 'minItems':
      return sizeError('too_short', 'List', 'at least', p['limit'], loc, valueAt(data, path));
    case 'maxItems':
      return sizeError('too_long', 'List', 'at most', p['limit'], loc, valueAt(data, path));
    case 'minProperties':
      return sizeError('too_short', 'Dictionary', 'at least', p['limit'], loc, valueAt(data, path));
    case 'maxProperties':
      return sizeError('too_long', 'Dictionary', 'at most', p['limit'], loc, valueAt(data, path));
    case 'format':
      return formatError(String(p['format']), loc);
    default:
      return { type: e.keyword, loc, msg: e.message ?? `failed ${e.keyword}` };
  }
}

/**
 * pydantic-core's `too_short` / `too_long`: `List should have at least 2 items after validation, not 1`.
 * Without the value (an older generated router), the sentence stops before the count.
 */
function sizeError(type: string, kind: string, bound: string, limit: unknown, loc: (string | number)[], value: unknown): ErrorItem {
  const head = `${kind} should have ${bound} ${String(limit)} item${limit === 1 ? '' : 's'}`;
  const size = Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : undefined;
  return { type, loc, msg: size === undefined ? head : `${head} after validation, not ${size}` };
}

/**
 * A string format pydantic parses into a type of its own: its error type and the start of its text.
 * pydantic goes on after a comma with its parser's reason ("month value is outside expected range
 * of 1-12"), which is not ours to copy: README, deliberate differences.
 */
const FORMAT_ERRORS: Record<string, [string, string]> = {
  date: ['date_from_datetime_parsing', 'Input should be a valid date or datetime'],
  'date-time': ['datetime_from_date_parsing', 'Input should be a valid datetime or date'],
  time: ['time_parsing', 'Input should be in a valid time format'],
  duration: ['time_delta_parsing', 'Input should be a valid timedelta'],
  uuid: ['uuid_parsing', 'Input should be a valid UUID'],
  uri: ['url_parsing', 'Input should be a valid URL'],
  email: ['value_error', 'value is not a valid email address'],
  ipv4: ['ip_v4_address', 'Input is not a valid IPv4 address'],
  ipv6: ['ip_v6_address', 'Input is not a valid IPv6 address'],
};

function formatError(format: string, loc: (string | number)[]): ErrorItem {
  return known(FORMAT_ERRORS, format, loc) ?? { type: 'value_error', loc, msg: `Value error, should be a valid ${format}` };
}

/** The error a table of [type, text] gives for `key`, if it has one. */
function known(table: Record<string, [string, string]>, key: string, loc: (string | number)[]): ErrorItem | undefined {
  const entry = Object.hasOwn(table, key) ? table[key] : undefined;
  return entry === undefined ? undefined : { type: entry[0], loc, msg: entry[1] };
}

/** Whether a keyword failed on a named schema itself (`Status/enum`), not inside a message (`#/...`). */
function namedSchemaKeyword(schemaPath: string | undefined, keyword: string): boolean {
  return (
    schemaPath !== undefined &&
    !schemaPath.startsWith('#') &&
    schemaPath.endsWith(`/${keyword}`) &&
    schemaPath.indexOf('/') === schemaPath.length - keyword.length - 1
  );
}

const TYPE_ERRORS: Record<string, [string, string]> = {
  string: ['string_type', 'Input should be a valid string'],
  integer: ['int_type', 'Input should be a valid integer'],
  number: ['float_type', 'Input should be a valid number'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  object: ['dict_type', 'Input should be a valid dictionary'],
  array: ['list_type', 'Input should be a valid list'],
  null: ['none_required', 'Input should be None'],
};

function typeError(loc: (string | number)[], type: string): ErrorItem {
  // `type: [string, 'null']` is pydantic's Optional[str], a nullable schema: it reports the inner error only.
  const types = type.split(',');
  const inner = types.length === 2 && types.includes('null') ? types.find((t) => t !== 'null')! : type;
  return known(TYPE_ERRORS, inner, loc) ?? { type: 'type_error', loc, msg: `Input should be of type ${types.join(' or ')}` };
}

/** The title of the named schema whose own `type: object` failed (a type error's schemaPath is `<id>/type`). */
function modelTitle(schemaPath: string | undefined, titles: ModelTitles | undefined): string | undefined {
  if (titles === undefined || schemaPath === undefined) return undefined;
  const id = schemaPath.slice(0, -'/type'.length);
  return Object.hasOwn(titles, id) ? titles[id] : undefined;
}

/** pydantic's list of expected literals: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'` (ajv never gives an empty enum). */
function orList(items: string[]): string {
  const last = items[items.length - 1]!;
  return items.length === 1 ? last : `${items.slice(0, -1).join(', ')} or ${last}`;
}
