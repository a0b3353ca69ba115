/**
 * emit: ApiModel -> every output file, in a stable order. No I/O beyond reading templates.
 */
import type { ApiModel } from '../model/types.js';
import { channelFiles, channelNames } from './channel-files.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';
import { render } from './templates.js';
import { hostedTopics, topicServerView } from './topic-files.js';

export interface Emitted {
  files: GeneratedFile[];
  /** Questionable schema constructs found while compiling validators, each said once. */
  warnings: string[];
}

export function emitProject(model: ApiModel): Emitted {
  const warnings = new Set<string>();
  const files = model.channels.flatMap((channel) => channelFiles(model, channel, (message) => warnings.add(message)));
  const server = render('server.ts', {
    header: header(model),
    channels: model.channels.filter((c) => c.topic === undefined).map((c) => ({ folder: c.folder, ...channelNames(c), hostedTopics: hostedTopics(model, c) })),
    ...topicServerView(model),
  });
  files.push({ kind: 'generated', path: 'server.ts', content: server });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings: [...warnings] };
}
