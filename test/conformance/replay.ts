/**
 * Replays one case of Chanx's wire recordings (../shared/chanx/wire/*.jsonl) against our server and
 * records what happened in the recording's own shape, so the two can be compared as parsed JSON.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { upgradeStatus } from '../helpers/ws-client.js';

/** One line of a recording (the fields a replay reads and produces). */
export interface WireCase {
  case: string;
  path: string;
  sent: unknown;
  welcome?: unknown[];
  received?: unknown[];
  received_summary?: Record<string, unknown>;
  closed?: { code: number; reason: string };
  http_status?: number;
}

/** What we observed, in the same shape. */
export interface Observation {
  welcome?: unknown[];
  received?: unknown[];
  received_summary?: Record<string, unknown>;
  closed?: { code: number; reason: string };
  http_status?: number;
}

export function readCases(file: string): WireCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as WireCase);
}

/** The frames a case sends, rebuilt from the recording's summaries (and checked against them). */
export function framesOf(c: WireCase): (string | Buffer)[] {
  const sent = c.sent;
  if (typeof sent === 'string') return [sent];
  if (sent === null || typeof sent !== 'object') throw new Error(`${c.case}: nothing to send`);
  const s = sent as Record<string, unknown>;
  if (typeof s['binary_utf8'] === 'string') return [Buffer.from(s['binary_utf8'], 'utf8')];
  if (typeof s['count'] === 'number') {
    // Pipelined user_messages m0..m{count-1}: the recording keeps the first and the last.
    const frames = Array.from({ length: s['count'] }, (_, i) => JSON.stringify({ action: 'user_message', payload: { message: `m${i}` } }));
    if (frames[0] !== s['first'] || frames[frames.length - 1] !== s['last']) throw new Error(`${c.case}: cannot rebuild the pipelined frames`);
    return frames;
  }
  if (typeof s['length_bytes'] === 'number' && typeof s['head'] === 'string' && typeof s['tail'] === 'string') {
    // A long user_message of one repeated character, rebuilt and checked by its hash.
    const head = s['head'];
    const tail = s['tail'];
    const prefix = '{"action":"user_message","payload":{"message":"';
    const fill = head.slice(prefix.length, prefix.length + 1);
    const frame = `${prefix + fill.repeat(s['length_bytes'] - prefix.length - 3)}"}}`;
    if (!frame.startsWith(head) || !frame.endsWith(tail) || sha256(frame) !== s['sha256']) throw new Error(`${c.case}: cannot rebuild the long frame`);
    return [frame];
  }
  throw new Error(`${c.case}: unknown form of sent frame`);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A long text as the recorder summarised it. */
function summarise(text: string): Record<string, unknown> {
  return { length_chars: [...text].length, length_bytes: Buffer.byteLength(text), sha256: sha256(text), head: text.slice(0, 60), tail: text.slice(-60) };
}

/** A received frame as the recorder kept it: parsed, or summarised when its message is long. */
function keep(frame: string): unknown {
  if (frame.length <= 4096) return JSON.parse(frame);
  const parsed = JSON.parse(frame) as { action?: unknown; payload?: { message?: unknown } };
  return { json_action: parsed.action, json_payload_message: summarise(String(parsed.payload?.message)) };
}

/** The recorder's summary of the answers to pipelined user_messages. */
function summariseMany(frames: string[]): Record<string, unknown> {
  const parsed = frames.map((f) => JSON.parse(f) as { action: string; payload?: { message?: string } });
  const byAction: Record<string, number> = {};
  for (const f of parsed) byAction[f.action] = (byAction[f.action] ?? 0) + 1;
  const numbers = parsed.filter((f) => f.action === 'system_echo').map((f) => Number(/m(\d+)$/.exec(f.payload?.message ?? '')?.[1]));
  return {
    first_six_actions: parsed.slice(0, 6).map((f) => f.action),
    count: parsed.length,
    by_action: byAction,
    in_order: numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
    same_set: new Set(numbers).size === numbers.length && numbers.length > 0,
    first: { json: parsed[0] },
    last: { json: parsed[parsed.length - 1] },
  };
}

/** How many frames the recording says the case answers with (so the replay knows when it has them all). */
function expectedCount(c: WireCase): number {
  if (c.received_summary !== undefined) return Number(c.received_summary['count']);
  return c.received?.length ?? 0;
}

/**
 * Connects to `base + c.path`, takes the welcome frames, sends the case's frames, and collects
 * what comes back: until as many frames as Chanx sent have arrived and then `quietMs` more (so an
 * extra frame shows), or until the connection closes.
 */
export async function replay(base: string, c: WireCase, quietMs: number): Promise<Observation> {
  if (c.sent === null) return { http_status: await upgradeStatus(`${base}${c.path}`) };
  const ws = new WebSocket(`${base}${c.path}`);
  const frames: string[] = [];
  let closed: { code: number; reason: string } | undefined;
  let wake: () => void = () => undefined;
  ws.on('message', (data) => {
    frames.push(data.toString());
    wake();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = async (done: () => boolean, limitMs: number): Promise<void> => {
    const deadline = Date.now() + limitMs;
    while (!done() && closed === undefined && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(1, deadline - Date.now()));
      });
    }
  };
  const welcomeCount = c.welcome?.length ?? 0;
  await waitFor(() => frames.length >= welcomeCount, 2000);
  await new Promise((r) => setTimeout(r, welcomeCount === 0 ? quietMs : 0));
  const welcome = frames.splice(0, frames.length).map((f) => JSON.parse(f) as unknown);
  for (const frame of framesOf(c)) ws.send(frame, { binary: Buffer.isBuffer(frame) });
  await waitFor(() => frames.length >= expectedCount(c), 5000);
  await new Promise((r) => setTimeout(r, quietMs));
  const observed: Observation = { welcome };
  if (c.received_summary !== undefined) observed.received_summary = summariseMany(frames);
  else observed.received = frames.map(keep);
  if (closed !== undefined) observed.closed = closed;
  else ws.close();
  return observed;
}

/** The recording's side of a case, in the shape of an Observation (fields a replay cannot reproduce left out). */
export function recorded(c: WireCase): Observation {
  if (c.http_status !== undefined) return { http_status: c.http_status };
  const out: Observation = { welcome: c.welcome ?? [] };
  if (c.received_summary !== undefined) {
    const { first, last, ...rest } = c.received_summary as { first: { json: unknown }; last: { json: unknown } };
    out.received_summary = { ...rest, first: { json: first.json }, last: { json: last.json } };
  } else out.received = c.received ?? [];
  if (c.closed !== undefined) out.closed = { code: c.closed.code, reason: c.closed.reason };
  return out;
}
