/**
 * Issue 21 item 2: documents whose channel keys, message names, schema titles, property names and
 * enum values are names the generated code uses (runtime exports read from the built .d.ts, globals
 * and keywords as the compiler lists them, the hooks), the same up to case or separators, non-ASCII,
 * with leading digits, very long. Every document the parser accepts must generate, compile under
 * tsc --strict and @tsconfig/strictest, and route a valid frame of each message to its handler;
 * one fixed document naming its messages after all of those is served on a real server.
 * Seeded; CHANX_NAMES_RUNS=<documents> (and CHANX_NAMES_SEED) runs a longer campaign.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rejection } from 'chanx-gen/runtime';
import { cli, ROOT, scratch, write } from '../helpers/cli.js';
import { channelDefinition, serveChannel } from '../helpers/serve-generated.js';
import { tsc } from '../helpers/tsc.js';
import { connect } from '../helpers/ws-client.js';
import { HOOK_NAMES, namePool } from './name-pool.js';

const RUNS = Number(process.env['CHANX_NAMES_RUNS'] ?? 6);
const SEED = Number(process.env['CHANX_NAMES_SEED'] ?? 21);
const dir = scratch();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A name from the pool, perhaps changed the ways documents change names. */
function nameArb(): fc.Arbitrary<string> {
  const { runtimeExports, globals, keywords } = namePool();
  const base = fc.oneof(fc.constantFrom(...runtimeExports), fc.constantFrom(...globals), fc.constantFrom(...keywords), fc.constantFrom(...HOOK_NAMES));
  return fc.tuple(base, fc.nat(7)).map(([name, how]) => {
    switch (how) {
      case 0:
        return name.toLowerCase();
      case 1:
        return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
      case 2:
        return name.replace(/([a-z])([A-Z])/g, '$1-$2');
      case 3:
        return `${name}é`;
      case 4:
        return `9${name}`;
      case 5:
        return name.repeat(Math.ceil(300 / name.length));
      default:
        return name;
    }
  });
}

/** AsyncAPI keys allow letters, digits, `.`, `-`, `_`: other characters become `_`. */
const key = (name: string) => name.replace(/[^\w.-]/g, '_');

interface Doc {
  text: string;
  /** For each channel: its address and one valid frame per message the server receives, by tag. */
  channels: { key: string; address: string; frames: Record<string, unknown>[] }[];
}

const docArb: fc.Arbitrary<Doc> = fc
  .array(
    fc.record({
      channel: nameArb(),
      messages: fc.uniqueArray(fc.record({ name: nameArb(), title: nameArb(), prop: nameArb(), value: nameArb() }), {
        minLength: 1,
        maxLength: 3,
        selector: (m) => key(m.name).toLowerCase(),
      }),
    }),
    { minLength: 1, maxLength: 2, selector: (c) => key(c.channel) },
  )
  .map((channels) => {
    const lines = ['asyncapi: 3.0.0', "info: { title: names, version: '1' }", 'channels:'];
    const ops = ['operations:'];
    const out: Doc['channels'] = [];
    channels.forEach((c, ci) => {
      const ck = key(c.channel);
      const address = `/c${ci}`;
      lines.push(`  ${JSON.stringify(ck)}:`, `    address: ${address}`, '    messages:');
      const frames: Record<string, unknown>[] = [];
      for (const m of c.messages) {
        const mk = key(m.name);
        const prop = m.prop === 'action' ? 'action_' : m.prop;
        lines.push(
          `      ${JSON.stringify(mk)}:`,
          `        name: ${JSON.stringify(m.name)}`,
          `        title: ${JSON.stringify(m.title)}`,
          '        payload:',
          '          type: object',
          `          title: ${JSON.stringify(m.title)}`,
          '          required: [action]',
          '          properties:',
          `            action: { const: ${JSON.stringify(m.name)} }`,
          `            ${JSON.stringify(prop)}: { type: object, title: ${JSON.stringify(m.name)}, properties: { ${JSON.stringify(m.value)}: { type: string, enum: [${JSON.stringify(m.value)}] } } }`,
        );
        ops.push(
          `  ${JSON.stringify(`${ck}_${mk}`)}:`,
          '    action: receive',
          `    channel: { $ref: ${JSON.stringify(`#/channels/${ck}`)} }`,
          `    messages: [{ $ref: ${JSON.stringify(`#/channels/${ck}/messages/${mk}`)} }]`,
        );
        frames.push({ action: m.name, [prop]: { [m.value]: m.value } });
      }
      out.push({ key: ck, address, frames });
    });
    return { text: `${[...lines, ...ops].join('\n')}\n`, channels: out };
  });

/** Every generated tree below `root`, compiled at once under strict and under @tsconfig/strictest. */
async function compileAll(root: string): Promise<{ strict: string; strictest: string }> {
  const base = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, types: ['node'] };
  writeFileSync(path.join(root, 'tsconfig.strict.json'), JSON.stringify({ compilerOptions: { ...base, strict: true }, include: ['**/gen/**/*.ts'] }));
  writeFileSync(
    path.join(root, 'tsconfig.strictest.json'),
    JSON.stringify({ extends: path.join(ROOT, 'node_modules/@tsconfig/strictest/tsconfig.json'), compilerOptions: base, include: ['**/gen/**/*.ts'] }),
  );
  return {
    strict: (await tsc(['-p', path.join(root, 'tsconfig.strict.json')])).output,
    strictest: (await tsc(['-p', path.join(root, 'tsconfig.strictest.json')])).output,
  };
}

/** Routes each frame through its channel's generated router: it must reach a handler, unchanged. */
async function routeFrames(gen: string, doc: Doc, folderOf: (address: string) => string): Promise<void> {
  for (const c of doc.channels) {
    const definition = await channelDefinition(path.join(gen, folderOf(c.address), 'router.ts'));
    for (const frame of c.frames) {
      const calls: unknown[] = [];
      const handlers = new Proxy(
        {},
        { get: (_t, name) => (typeof name === 'string' && name.startsWith('on') ? (m: unknown) => void calls.push(m) : undefined) },
      );
      const result = definition.route(structuredClone(frame), handlers, {} as never);
      expect(result, JSON.stringify(frame)).not.toBeInstanceOf(Rejection);
      expect(calls).toEqual([frame]);
    }
  }
}

/** The folder chanx-gen chose for each address, read from the server it generated. */
async function foldersByAddress(gen: string): Promise<(address: string) => string> {
  const { readFileSync, readdirSync, statSync } = await import('node:fs');
  const map = new Map<string, string>();
  for (const f of readdirSync(gen)) {
    if (!statSync(path.join(gen, f)).isDirectory()) continue;
    const address = /address: '([^']*)'/.exec(readFileSync(path.join(gen, f, 'router.ts'), 'utf8'))?.[1];
    if (address !== undefined) map.set(address, f);
  }
  return (address) => map.get(address)!;
}

/** The message names of the fixed document: every runtime export, hook and common global. */
function allNames(): string[] {
  const { runtimeExports } = namePool();
  return [
    ...new Set([
      ...runtimeExports,
      ...HOOK_NAMES,
      'Promise',
      'Record',
      'Map',
      'Set',
      'Error',
      'Object',
      'Array',
      'String',
      'Symbol',
      'Date',
      'JSON',
      'Math',
      'Partial',
      'TUser',
    ]),
  ];
}

/** Writes the fixed document (channel /everything with every name, /Everything with three) to `dir`/all; returns that folder. */
function writeAllSpec(names: string[]): string {
  const at = path.join(dir, 'all');
  const messages = names.map(
    (n) =>
      `      ${key(n)}:\n        name: ${JSON.stringify(n)}\n        payload: { type: object, required: [action], properties: { action: { const: ${JSON.stringify(n)} }, value: { type: integer } } }`,
  );
  const ops = names.map(
    (n) =>
      `  recv_${key(n)}:\n    action: receive\n    channel: { $ref: '#/channels/everything' }\n    messages: [{ $ref: '#/channels/everything/messages/${key(n)}' }]`,
  );
  write(
    path.join(at, 'spec.yaml'),
    `asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nchannels:\n  everything:\n    address: /everything\n    messages:\n${messages.join('\n')}\n  Everything:\n    address: /Everything\n    messages:\n${messages.slice(0, 3).join('\n')}\noperations:\n${ops.join('\n')}\n`,
  );
  return at;
}

/** tsc's complaints about the files below `sub` (a folder of `dir`), from one compilation of everything. */
function complaintsUnder(out: string, sub: string): string {
  return out
    .split('\n')
    .filter((line) => line.startsWith(`${sub}/`) || line.includes(`/${sub}/`))
    .join('\n');
}

/** tsc's complaints that name none of the trees (a broken configuration, say): they fail the first test. */
function strayComplaints(out: string): string[] {
  return out.split('\n').filter((line) => /error TS\d+/.test(line) && !/(^|\/)(d\d+|all)\//.test(line));
}

describe('documents named like the generated code', () => {
  // Both tests' documents are generated first and compiled by one tsc run per configuration (tsc's
  // start-up, lib and @types/node dominate a run); each test then reads the complaints about its own trees.
  const docs = fc.sample(docArb, { seed: SEED, numRuns: RUNS });
  const accepted: { doc: Doc; gen: string }[] = [];
  const refused: { doc: Doc; stderr: string }[] = [];
  let allRun: { code: number; stderr: string };
  let compiled: { strict: string; strictest: string };
  const names = allNames();
  beforeAll(
    async () => {
      for (const [i, doc] of docs.entries()) {
        const at = path.join(dir, `d${i}`);
        write(path.join(at, 'spec.yaml'), doc.text);
        const run = await cli(['spec.yaml', '--out', 'gen'], at);
        if (run.code === 0) accepted.push({ doc, gen: path.join(at, 'gen') });
        else refused.push({ doc, stderr: run.stderr });
      }
      allRun = await cli(['spec.yaml', '--out', 'gen'], writeAllSpec(names));
      compiled = await compileAll(dir);
    },
    Math.max(180_000, RUNS * 15_000),
  );

  it(`${RUNS} generated documents (seed ${SEED}) generate, compile under strict and strictest, and route their frames`, async () => {
    for (const { doc, stderr } of refused) {
      // Only the parser may refuse such a document (a key it will not take); never the generator.
      expect(stderr, doc.text).toMatch(/^spec\.yaml:[1-9]\d*:[1-9]\d*: error: /m);
      expect(stderr, doc.text).not.toMatch(/validator|cannot be compiled|chanx-gen crashed/);
    }
    expect(accepted.length).toBeGreaterThan(RUNS / 2);
    expect(strayComplaints(compiled.strict)).toEqual([]);
    expect(strayComplaints(compiled.strictest)).toEqual([]);
    for (const { gen } of accepted) {
      const sub = path.basename(path.dirname(gen));
      expect(complaintsUnder(compiled.strict, sub)).toBe('');
      expect(complaintsUnder(compiled.strictest, sub)).toBe('');
    }
    for (const { doc, gen } of accepted) await routeFrames(gen, doc, await foldersByAddress(gen));
  }, 60_000);

  it('a channel whose messages are named after every runtime export, hook and common global serves them', async () => {
    const at = path.join(dir, 'all');
    expect(allRun.stderr).not.toMatch(/error/);
    expect(allRun.code).toBe(0);
    expect(complaintsUnder(compiled.strict, 'all')).toBe('');
    expect(complaintsUnder(compiled.strictest, 'all')).toBe('');
    const received: unknown[] = [];
    const handlers = class {
      constructor() {
        // biome-ignore lint/correctness/noConstructorReturn: every on* method of a document's handlers, whatever its name
        return new Proxy(this, {
          get: (_t, name) =>
            typeof name === 'string' && name.startsWith('on') && !['onConnect', 'onDisconnect', 'onEvent'].includes(name)
              ? (m: unknown) => void received.push(m)
              : undefined,
        });
      }
    };
    const folderOf = await foldersByAddress(path.join(at, 'gen'));
    expect(folderOf('/everything').toLowerCase()).not.toBe(folderOf('/Everything').toLowerCase());
    const served = await serveChannel(path.join(at, 'gen', folderOf('/everything'), 'router.ts'), handlers);
    try {
      const client = await connect(`${served.base}/everything`);
      for (const n of names) client.ws.send(JSON.stringify({ action: n, value: 1 }));
      client.ws.send(JSON.stringify({ action: 'Promise', value: 'one' }));
      const refusal = (await client.nextJson()) as { action: string };
      expect(refusal.action).toBe('error');
      expect(received).toEqual(names.map((n) => ({ action: n, value: 1 })));
      client.ws.close();
    } finally {
      await served.server.close();
    }
  }, 120_000);
});
