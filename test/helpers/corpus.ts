/**
 * Runs chanx-gen over every root document of ../shared/corpus (MANIFEST.tsv) and the Chanx documents:
 * shared by the corpus test and `npm run corpus`, which writes CORPUS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT } from './cli.js';

/**
 * The shared/ folder: CHANX_GEN_SHARED when set (relative to the checkout), else `shared/` beside the
 * checkout or beside a folder above it (a git worktree in wt/<name>).
 */
export const SHARED = process.env.CHANX_GEN_SHARED !== undefined ? path.resolve(ROOT, process.env.CHANX_GEN_SHARED) : findShared();
function findShared(): string {
  for (let dir = path.dirname(ROOT); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'shared', 'corpus', 'MANIFEST.tsv'))) return path.join(dir, 'shared');
    if (path.dirname(dir) === dir) return path.resolve(ROOT, '../shared');
  }
}
export const CORPUS = path.join(SHARED, 'corpus');

export interface CorpusDoc {
  /** Path under ../shared. */
  file: string;
  version: string;
  /** What @asyncapi/parser 3.6 said, per the manifest (`valid`, `invalid(N)`). */
  manifest: string;
}

export interface CorpusResult extends CorpusDoc {
  code: number;
  out: string;
  channels: number;
  warnings: number;
  firstError: string;
}

export function corpusDocs(): CorpusDoc[] {
  if (!existsSync(path.join(CORPUS, 'MANIFEST.tsv'))) return [];
  const [head, ...rows] = readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const cols = head!.split('\t');
  const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? '';
  const docs = rows
    .map((line) => line.split('\t'))
    .map((row) => ({ file: `corpus/${at(row, 'file')}`, version: at(row, 'asyncapi_version'), manifest: at(row, 'parser_v3_result') }));
  for (const f of ['chanx/fastapi-sandbox.asyncapi.json', 'chanx/fastapi-sandbox.asyncapi.yaml']) {
    if (existsSync(path.join(SHARED, f))) docs.push({ file: f, version: '3.0.0', manifest: 'valid' });
  }
  return docs;
}

/** Generates each document into `outRoot/<slug>`; returns what happened to each. */
export async function runCorpus(docs: CorpusDoc[], outRoot: string): Promise<CorpusResult[]> {
  const results: CorpusResult[] = [];
  for (const doc of docs) {
    const out = path.join(outRoot, doc.file.replace(/[^A-Za-z0-9]+/g, '_'));
    const run = await cli([path.relative(ROOT, path.join(SHARED, doc.file)), '-o', out], ROOT);
    results.push({
      ...doc,
      code: run.code,
      out,
      channels: run.code === 0 ? countChannels(out) : 0,
      warnings: (run.stderr.match(/: warning: /g) ?? []).length,
      firstError: run.stderr.split('\n').find((l) => l.includes(': error: ')) ?? '',
    });
  }
  return results;
}

function countChannels(out: string): number {
  const server = path.join(out, 'server.ts');
  return existsSync(server) ? (readFileSync(server, 'utf8').match(/^ {2}mount(TopicRoute)?\(/gm) ?? []).length : 0;
}
