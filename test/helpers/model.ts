/** Builds the ApiModel of a spec written inline in a test. */
import path from 'node:path';
import { load } from '../../src/pipeline.js';
import { buildModel, type ModelOptions, type ModelResult } from '../../src/model/build-model.js';
import { scratch, write } from './cli.js';

export async function modelOf(spec: string, options: ModelOptions = {}): Promise<ModelResult> {
  const dir = scratch();
  write(path.join(dir, 'spec.yaml'), spec);
  const loaded = await load('spec.yaml', dir);
  return buildModel({ document: loaded.view, spec: loaded.files[0]!, specPath: 'spec.yaml', inputHash: loaded.inputHash }, options);
}

/** A 3.0 document with one channel `c` whose client sends each of `messages` (name -> payload schema YAML). */
export function receiving(messages: Record<string, string>, replies: Record<string, string> = {}): string {
  const all = { ...messages, ...replies };
  const msgs = Object.entries(all)
    .map(([k, schema]) => `      ${k}:\n        payload: ${schema}`)
    .join('\n');
  const ops = Object.keys(messages)
    .map((k) => {
      const reply =
        replies[`${k}_reply`] !== undefined
          ? `\n    reply:\n      channel: { $ref: '#/channels/c' }\n      messages: [{ $ref: '#/channels/c/messages/${k}_reply' }]`
          : '';
      return `  recv_${k}:\n    action: receive\n    channel: { $ref: '#/channels/c' }\n    messages: [{ $ref: '#/channels/c/messages/${k}' }]${reply}`;
    })
    .join('\n');
  return `asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nchannels:\n  c:\n    address: /c\n    messages:\n${msgs}\noperations:\n${ops}\n`;
}
