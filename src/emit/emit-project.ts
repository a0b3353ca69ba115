/**
 * emit: ApiModel -> every output file, in a stable order. No I/O beyond reading templates.
 */
import type { SourceFile } from '../load/source-files.js';
import type { ApiModel } from '../model/types.js';
import { channelFiles, channelNames } from './channel-files.js';
import { documentsFile } from './documents.js';
import { playgroundFile } from './playground.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';
import { render } from './templates.js';

export interface Emitted {
  files: GeneratedFile[];
  /** Questionable schema constructs found while compiling validators, each said once. */
  warnings: string[];
}

/** `sources`: the spec and the files it references, for the served document (documents.ts). */
export function emitProject(model: ApiModel, sources: readonly SourceFile[]): Emitted {
  const warnings = new Set<string>();
  const files = model.channels.flatMap((channel) => channelFiles(model, channel, (message) => warnings.add(message)));
  const server = render('server.ts', {
    header: header(model),
    channels: model.channels.filter((c) => c.topicOf === undefined).map((c) => ({ folder: c.folder, ...channelNames(c) })),
  });
  files.push({ kind: 'generated', path: 'server.ts', content: server });
  const info = (sources[0]?.data as { info?: { description?: unknown } } | undefined)?.info;
  files.push(documentsFile(model, sources), playgroundFile(model, typeof info?.description === 'string' ? info.description : ''));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings: [...warnings] };
}
