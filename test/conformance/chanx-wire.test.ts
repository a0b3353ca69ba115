/**
 * Conformance with Chanx 2.10 itself: every case of ../shared/chanx/wire/*.jsonl (what Chanx's
 * sandbox answered, frame by frame) is replayed against our server with the same three consumers:
 * the generated system channel at /ws/system, plus /ws/failing (whose user_message handler throws)
 * and /ws/nohandlers (no client messages) from test/fixtures/chanx-wire. Parsed frames must be
 * identical, or differ in one of the deliberate ways of DESIGN §4 listed in deliberate.ts.
 * With CI set, missing recordings fail the test instead of skipping it. CHANX_GEN_SHARED points at
 * another shared/ folder (a git worktree has none beside it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChanxServer, mount, type ChanxServer, type ServerOptions } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { failingChannel } from '../fixtures/chanx-wire/expected/failing/router.js';
import { FailingConsumer } from '../fixtures/chanx-wire/expected/failing/consumer.js';
import { nohandlersChannel } from '../fixtures/chanx-wire/expected/nohandlers/router.js';
import { NohandlersConsumer } from '../fixtures/chanx-wire/expected/nohandlers/consumer.js';
import { SHARED } from '../helpers/corpus.js';
import { DELIBERATE } from './deliberate.js';
import { readCases, recorded, replay, type Observation, type WireCase } from './replay.js';
import { requireOrSkip } from '../helpers/require.js';

const WIRE = path.join(process.env['CHANX_GEN_SHARED'] ?? SHARED, 'chanx/wire');
/** Each recording, and the server options it was made with. */
const RECORDINGS: [string, ServerOptions][] = [
  ['system.jsonl', {}],
  ['system.send-completion.jsonl', { sendCompletion: true }],
];
const present = RECORDINGS.every(([file]) => existsSync(path.join(WIRE, file)));
const QUIET_MS = 150;
const CONCURRENCY = 12;

it.runIf(process.env['CI'] !== undefined)('has the Chanx wire recordings (required in CI)', () => {
  expect(present, `${WIRE} is missing`).toBe(true);
});

type Verdict = { kind: 'identical' } | { kind: 'deliberate'; reason: string } | { kind: 'different' };

function judge(c: WireCase, chanx: Observation, ours: Observation): Verdict {
  if (isDeepStrictEqual(ours, chanx)) return { kind: 'identical' };
  const rule = DELIBERATE.find((d) => d.explains(c, chanx, ours));
  return rule === undefined ? { kind: 'different' } : { kind: 'deliberate', reason: rule.reason };
}

describe.skipIf(requireOrSkip(`the Chanx wire recordings (${WIRE})`, present))('Chanx 2.10 wire conformance', () => {
  const servers: ChanxServer[] = [];
  const cases = present ? RECORDINGS.flatMap(([file], r) => readCases(path.join(WIRE, file)).map((c) => ({ file, r, c, name: `${file}: ${c.case}` }))) : [];
  const observed = new Map<string, Observation>();
  const logged: string[] = [];

  const bases: string[] = [];

  beforeAll(async () => {
    for (const [, options] of RECORDINGS) {
      const server = createChanxServer(
        [mount(systemChannel, SystemConsumer), mount(failingChannel, FailingConsumer), mount(nohandlersChannel, NohandlersConsumer)],
        { ...options, logger: { error: (m) => void logged.push(m) } },
      );
      servers.push(server);
      bases.push(`ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  // The replay is a test, not part of beforeAll, so that mutation testing sees which code it runs
  // (code reached only from hooks counts as static there) and this test fails on any difference.
  it('replays every case of both recordings and differs from Chanx only where listed', async () => {
    // A few cases at a time: enough to be quick, few enough that no answer is late under load.
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) observed.set(next.name, await replay(bases[next.r]!, next.c, QUIET_MS));
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(cases.length).toBeGreaterThanOrEqual(96);
    expect(observed.size).toBe(cases.length);
    const different = cases.filter(({ name, c }) => judge(c, recorded(c), observed.get(name)!).kind === 'different');
    expect(different.map(({ name, c }) => ({ name, chanx: recorded(c), ours: observed.get(name) }))).toEqual([]);
  }, 60_000);

  it.each(cases.map((k) => [k.name, k] as const))('%s', (_name, { name, c }) => {
    const chanx = recorded(c);
    const ours = observed.get(name)!;
    if (judge(c, chanx, ours).kind === 'different') expect(ours).toEqual(chanx);
  });

  it('uses every deliberate difference it lists, and counts the outcome', () => {
    const verdicts = cases.map(({ name, c }) => judge(c, recorded(c), observed.get(name)!));
    const count = (kind: Verdict['kind']) => verdicts.filter((v) => v.kind === kind).length;
    const byReason = new Map<string, number>();
    for (const v of verdicts) if (v.kind === 'deliberate') byReason.set(v.reason, (byReason.get(v.reason) ?? 0) + 1);
    console.info(
      `Chanx wire conformance: ${cases.length} cases, ${count('identical')} identical, ${count('deliberate')} deliberately different, ${count('different')} different\n` +
        [...byReason].map(([reason, n]) => `  ${n} x ${reason}`).join('\n'),
    );
    expect(count('different')).toBe(0);
    for (const rule of DELIBERATE) expect(byReason.has(rule.reason), rule.reason).toBe(true);
    // The failing consumer's cause is logged, never sent.
    expect(logged.some((l) => l.includes('not implemented: FailingConsumer.onUserMessage'))).toBe(true);
  });
});
