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

export function planUnions(errors: readonly ValidatorError[], unions: TaggedUnions, data: unknown): UnionPlan {
  const plan: UnionPlan = { dropped: new Set(), replaced: new Map(), tagged: new Map() };
  for (const summary of errors) {
    if (summary.keyword !== 'oneOf' || summary.schemaPath === undefined || !Object.hasOwn(unions, summary.schemaPath)) continue;
    const union = unions[summary.schemaPath]!;
    const at = summary.instancePath;
    const depth = pointerSegments(at).length;
    const branchOf = (e: ValidatorError): number =>
      e === summary || (e.instancePath !== at && !e.instancePath.startsWith(`${at}/`))
        ? -1
        : union.tags.findIndex(([, paths]) => paths.some((p) => (e.schemaPath ?? '').startsWith(p)));
    const value = valueAt(data, pointerSegments(at));
    const tag = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[union.field] : undefined;
    const chosen = tag === undefined ? -1 : union.tags.findIndex(([t]) => t === tag);
    for (const e of errors) {
      const branch = branchOf(e);
      if (branch === -1) continue;
      if (branch !== chosen) plan.dropped.add(e);
      else plan.tagged.set(e, [...(plan.tagged.get(e) ?? []), [depth, union.tags[chosen]![0]]]);
    }
    if (chosen !== -1) plan.dropped.add(summary);
    else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      plan.replaced.set(summary, { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from' });
      // A `type: object` beside the oneOf says the same: pydantic says it once.
      const typePath = `${summary.schemaPath.slice(0, -'/oneOf'.length)}/type`;
      for (const e of errors) if (e.instancePath === at && e.keyword === 'type' && e.schemaPath === typePath) plan.dropped.add(e);
    } else if (tag === undefined)
      plan.replaced.set(summary, { type: 'union_tag_not_found', msg: `Unable to extract tag using discriminator '${union.field}'` });
    else {
      const expected = union.tags.map(([t]) => `'${t}'`).join(', ');
      plan.replaced.set(summary, {
        type: 'union_tag_invalid',
        msg: `Input tag '${pythonStr(tag)}' found using '${union.field}' does not match any of the expected tags: ${expected}`,
      });
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
