/**
 * chanx-gen/client bundled for a browser, as a team's bundler would: its module graph holds the
 * client room and ajv's run-time helpers, and nothing of the server, the layers, ws, ioredis or Node.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function bundledInputs(entry: string, platform: 'browser' | 'node' = 'browser'): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).sort();
}

/** ws, ioredis, a Node built-in, or a runtime file outside the client entries and room. */
function forbidden(input: string): boolean {
  if (/(^|\/)node_modules\/(ws|ioredis)\//.test(input) || input.startsWith('node:')) return true;
  const runtime = /(?:^|\/)dist\/runtime\/(.*)$/.exec(input);
  return runtime !== null && !input.includes('node_modules/') && !/^(client(-ajv)?\.js|client\/)/.test(runtime[1]!);
}

describe('chanx-gen/client in a browser bundle', () => {
  it.each(['dist/runtime/client.js', 'dist/runtime/client-ajv.js'])('%s bundles with no server, layer or Node code', async (entry) => {
    const inputs = await bundledInputs(entry);
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter(forbidden)).toEqual([]);
  });

  it('the check sees server code where there is some (chanx-gen/runtime bundled for Node)', async () => {
    const seen = (await bundledInputs('dist/runtime/index.js', 'node')).filter(forbidden);
    expect(seen).toContain('dist/runtime/server/server.js');
    expect(seen.some((input) => input.includes('node_modules/ws/'))).toBe(true);
    expect(seen).toContain('dist/runtime/layers/redis-layer.js');
  });
});
