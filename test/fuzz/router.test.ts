/**
 * Issue 11 item 8, in process: random messages built from each channel's own schemas go through
 * the generated router. Whatever an independently compiled validator (ajv, compiled here from the
 * model's schemas) accepts must reach its handler unchanged apart from schema defaults; whatever it
 * refuses must get error items whose `loc` points at a real path of the message.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/pipeline.js';
import { buildModel } from '../../src/model/build-model.js';
import { Rejection, type ChannelDefinition } from '../../src/runtime/index.js';
import { arbitraryFor, mutated } from './schema-arbitrary.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261130);
const ROOT = path.resolve(import.meta.dirname, '../..');

const cases: [string, string, string][] = [
  ['specs/system.yaml', 'generated', 'system'],
  ['test/fixtures/room-chat/spec.yaml', 'test/fixtures/room-chat/expected', 'room_chat'],
  ['test/fixtures/type-routed-v2/spec.yaml', 'test/fixtures/type-routed-v2/expected', 'feed-venue'],
];

/** Is `loc` (after the tag) a path into `message`? For `missing`, its parent is, and the key is absent. */
function pointsIntoMessage(message: unknown, loc: (string | number)[], type: string): boolean {
  const walk = (v: unknown, keys: (string | number)[]): { ok: boolean; value?: unknown } => {
    let cur = v;
    for (const k of keys) {
      // pydantic puts a discriminated union's tag in loc after the union's place: the value it picked by.
      if (cur !== null && typeof cur === 'object' && !Object.hasOwn(cur, k) && Object.values(cur).includes(k)) continue;
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return { ok: false };
      cur = (cur as Record<string | number, unknown>)[k];
    }
    return { ok: true, value: cur };
  };
  if (type === 'missing') {
    const parent = walk(message, loc.slice(0, -1));
    return parent.ok && parent.value !== null && typeof parent.value === 'object' && !Object.hasOwn(parent.value, loc[loc.length - 1]!);
  }
  return walk(message, loc).ok;
}

function expectLocated(rejection: Rejection, candidate: Record<string, unknown>, discriminator: string): void {
  const items = rejection.payload as { type: string; loc: (string | number)[] }[];
  expect(Array.isArray(items) && items.length > 0).toBe(true);
  for (const item of items) {
    if (item.loc.length === 0) continue; // union_tag_*: the frame as a whole
    expect(item.loc[0]).toBe(candidate[discriminator]);
    expect(pointsIntoMessage(candidate, item.loc.slice(1), item.type), JSON.stringify(item)).toBe(true);
  }
}

describe.each(cases)('router of %s', (spec, out, folder) => {
  it(`valid messages reach the handler intact, invalid ones get located errors (${RUNS} runs each)`, async () => {
    const loaded = await load(spec, ROOT);
    const { model } = buildModel({ document: loaded.view, spec: loaded.files[0]!, specPath: spec, inputHash: loaded.inputHash });
    const channel = model.channels.find((c) => c.folder === folder)!;
    const router = (await import(path.join(ROOT, out, folder, 'router.ts'))) as Record<string, ChannelDefinition<unknown, unknown, unknown>>;
    const definition = Object.values(router).find((v) => typeof v === 'object' && v !== null && 'route' in v)!;
    const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, discriminator: false });
    addFormats(ajv);
    const defs = model.schemas as Record<string, boolean | Record<string, unknown>>;
    for (const message of channel.incoming) {
      const validate = ajv.compile({ $defs: defs, $ref: `#/$defs/${message.typeName}` });
      const candidates = arbitraryFor({ $ref: `#/$defs/${message.typeName}` }, defs).chain((v) => fc.oneof(fc.constant(v), mutated(v)));
      let valid = 0;
      let invalid = 0;
      fc.assert(
        fc.property(candidates, (candidate) => {
          if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) return;
          const expected = structuredClone(candidate);
          // The tag is required on the wire (DESIGN §3); a candidate with another tag is another message.
          const ours = (candidate as Record<string, unknown>)[channel.discriminator!] === message.tag;
          const isValid = validate(expected);
          const calls: [string, unknown][] = [];
          const handlers = new Proxy({}, { get: (_t, name) => (msg: unknown) => void calls.push([String(name), msg]) });
          const result = definition.route(structuredClone(candidate) as Record<string, unknown>, handlers, {} as never);
          if (!ours) {
            if (result instanceof Rejection) expectLocated(result, candidate as Record<string, unknown>, channel.discriminator!);
          } else if (isValid) {
            valid++;
            expect(result).not.toBeInstanceOf(Rejection);
            expect(calls).toHaveLength(1);
            expect(calls[0]![1]).toEqual(expected);
          } else {
            invalid++;
            expect(calls).toEqual([]);
            expect(result).toBeInstanceOf(Rejection);
            expectLocated(result as Rejection, candidate as Record<string, unknown>, channel.discriminator!);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(valid, `${message.typeName}: valid candidates`).toBeGreaterThan(0);
      expect(invalid, `${message.typeName}: invalid candidates`).toBeGreaterThan(0);
    }
  });
});
