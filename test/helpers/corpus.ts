/**
 * Runs chanx-gen over every root document of ../shared/corpus (MANIFEST.tsv) and the Chanx documents:
 * shared by the corpus test and `npm run corpus`, which writes CORPUS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT } from './cli.js';

/** ../shared beside the checkout; CHANX_GEN_SHARED points elsewhere (e.g. from a git worktree). */
export const SHARED = path.resolve(ROOT, process.env.CHANX_GEN_SHARED ?? '../shared');
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
  const docs = rows.map((line) => line.split('\t')).map((row) => ({ file: `corpus/${at(row, 'file')}`, version: at(row, 'asyncapi_version'), manifest: at(row, 'parser_v3_result') }));
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
  return existsSync(server) ? (readFileSync(server, 'utf8').match(/^  mount\(/gm) ?? []).length : 0;
}

/**
 * Builds the model of every document through both loaders (lean, and @asyncapi/parser) and lists
 * where they differ: one refuses what the other takes, or the models are not the same.
 */
export async function compareLoaders(docs: CorpusDoc[]): Promise<string[]> {
  const { load } = await import('../../src/pipeline.js');
  const { buildModel } = await import('../../src/model/build-model.js');
  const { InputError } = await import('../../src/load/diagnostics.js');
  const modelVia = async (spec: string, viaParser: boolean): Promise<string> => {
    try {
      const loaded = await load(spec, ROOT, viaParser);
      return JSON.stringify(buildModel({ document: loaded.view, spec: loaded.files[0]!, specPath: spec, inputHash: loaded.inputHash }).model, null, 1);
    } catch (err) {
      if (err instanceof InputError) return 'refused';
      throw err;
    }
  };
  const differences: string[] = [];
  for (const doc of docs) {
    const spec = path.relative(ROOT, path.join(SHARED, doc.file));
    const [lean, parsed] = [await modelVia(spec, false), await modelVia(spec, true)];
    if (lean === parsed) continue;
    if (lean === 'refused' || parsed === 'refused') differences.push(`${doc.file}: lean ${lean === 'refused' ? 'refuses' : 'accepts'}, parser ${parsed === 'refused' ? 'refuses' : 'accepts'}`);
    else {
      const a = lean.split('\n');
      const b = parsed.split('\n');
      const i = a.findIndex((line, n) => line !== b[n]);
      differences.push(`${doc.file}: models differ at line ${i}: lean ${a[i]?.trim()} / parser ${b[i]?.trim()}`);
    }
  }
  return differences;
}
