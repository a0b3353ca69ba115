/** Reading the text exposition format back, and promtool's verdict on it. */
import { spawnSync } from 'node:child_process';

/** `name{a="x",b="y"}` (labels sorted) -> value, for every sample of `text`. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    const labels = m[2] === undefined || m[2] === '' ? [] : [...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`);
    out.set(`${m[1]}{${labels.sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

/** The value of one series (0 when absent): `metric(s, 'chanx_x_total', { channel: 'system' })`. */
export function metric(all: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const key = `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;
  return all.get(key) ?? 0;
}

export const promtoolRunnable = process.env['CI'] !== undefined && process.env['CI'] !== '' ? true : spawnSync('promtool', ['--version']).status === 0;

/** `promtool check metrics` on `text`: its exit code and what it printed (lint problems). */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error?.message ?? ''}` };
}
