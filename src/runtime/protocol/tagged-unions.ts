/**
 * pydantic's discriminated unions (a payload's `oneOf` with a `discriminator`) in error frames.
 * ajv checks such a oneOf as a plain one and reports every branch's errors; pydantic picks the
 * branch by the tag and reports: `model_attributes_type` for a value that is no object,
 * `union_tag_not_found` without the tag, `union_tag_invalid` for a tag no branch has, else the
 * chosen branch's errors only, with the tag in their `loc` after the union's place
 * (`['shape', 'payload', 'circle', 'radius']`). The generated router says where its messages have
 * such unions (emit/tagged-unions.ts); nothing here runs but on the error path.
 */
import { pointerSegments, valueAt } from './json-pointer.js';
import { pythonStr } from './python-repr.js';
import type { ValidatorError } from './validator.js';

/** One tagged union: its field, and for each tag (in the document's order) the schema paths its branch's errors start with. */
export interface TaggedUnion {
  readonly field: string;
  readonly tags: readonly (readonly [tag: string, schemaPaths: readonly string[]])[];
}

/** A message's tagged unions, by the schema path of their `oneOf` (as ajv reports the oneOf's own error). */
export type TaggedUnions = Readonly<Record<string, TaggedUnion>>;

export interface UnionPlan {
  /** Errors the unions answer for: left out. */
  readonly dropped: Set<ValidatorError>;
  /** A union's own error (its oneOf's), and what pydantic says in its place. */
  readonly replaced: Map<ValidatorError, { type: string; msg: string }>;
  /** For each error of a chosen branch: [how many segments of the value's path come before the tag, the tag]. */
  readonly tagged: Map<ValidatorError, [number, string][]>;
}

/** A union that failed, at its place in the value. */
interface Failed {
  readonly summary: ValidatorError;
  readonly union: TaggedUnion;
  /** The branch its tag picks; -1 when none does. */
  readonly chosen: number;
  /** Segments of the value's path before the union's place. */
  readonly depth: number;
  /** The schema path of a `type` beside the oneOf, when the value is no object (pydantic says that once). */
  readonly typePath: string | undefined;
}

/**
 * In time linear in the errors (a frame may carry tens of thousands, and many unions among them):
 * each error looks for the failed unions at or above its own place only.
 */
export function planUnions(errors: readonly ValidatorError[], unions: TaggedUnions, data: unknown): UnionPlan {
  const plan: UnionPlan = { dropped: new Set(), replaced: new Map(), tagged: new Map() };
  const failed = new Map<string, Failed[]>();
  for (const summary of errors) {
    if (summary.keyword !== 'oneOf' || summary.schemaPath === undefined || !Object.hasOwn(unions, summary.schemaPath)) continue;
    const union = unions[summary.schemaPath]!;
    const at = summary.instancePath;
    const path = pointerSegments(at);
    const value = valueAt(data, path);
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    const tag = isObject ? (value as Record<string, unknown>)[union.field] : undefined;
    const chosen = tag === undefined ? -1 : union.tags.findIndex(([t]) => t === tag);
    const typePath = isObject ? undefined : `${summary.schemaPath.slice(0, -'/oneOf'.length)}/type`;
    const here = failed.get(at) ?? [];
    here.push({ summary, union, chosen, depth: path.length, typePath });
    failed.set(at, here);
    if (chosen !== -1) plan.dropped.add(summary);
    else if (!isObject)
      plan.replaced.set(summary, { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from' });
    else if (tag === undefined) plan.replaced.set(summary, { type: 'union_tag_not_found', msg: `Unable to extract tag using discriminator '${union.field}'` });
    else {
      const expected = union.tags.map(([t]) => `'${t}'`).join(', ');
      plan.replaced.set(summary, {
        type: 'union_tag_invalid',
        msg: `Input tag '${pythonStr(tag)}' found using '${union.field}' does not match any of the expected tags: ${expected}`,
      });
    }
  }
  if (failed.size === 0) return plan;
  for (const e of errors) {
    for (let at = e.instancePath; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/')))) {
      for (const f of failed.get(at) ?? []) {
        if (f.summary === e) continue;
        if (e.instancePath === at && e.keyword === 'type' && e.schemaPath === f.typePath) {
          plan.dropped.add(e);
          continue;
        }
        const branch = f.union.tags.findIndex(([, paths]) => paths.some((p) => (e.schemaPath ?? '').startsWith(p)));
        if (branch === -1) continue;
        if (branch !== f.chosen) plan.dropped.add(e);
        else plan.tagged.set(e, [...(plan.tagged.get(e) ?? []), [f.depth, f.union.tags[branch]![0]]]);
      }
      if (at === '') break;
    }
  }
  return plan;
}

/** `loc` with each chosen union's tag put after the union's place (the deepest first, so the others stay where they are). */
export function withTags(loc: readonly (string | number)[], prefixLength: number, tags: readonly [number, string][]): (string | number)[] {
  const out = [...loc];
  for (const [depth, tag] of [...tags].sort((a, b) => b[0] - a[0])) out.splice(prefixLength + depth, 0, tag);
  return out;
}
