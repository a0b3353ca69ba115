/**
 * Serves one channel of generated code on a real server (127.0.0.1, ephemeral port) with handlers
 * given by the test: its router's ChannelDefinition, mounted as the generated server.ts would.
 */
import { createChanxServer, mount, type ChannelDefinition, type ChanxServer } from 'chanx-gen/runtime';

export interface Served {
  /** ws://127.0.0.1:port */
  base: string;
  definition: ChannelDefinition<unknown, unknown, unknown>;
  server: ChanxServer;
}

/** The channel definition exported by a generated router.ts. */
export async function channelDefinition(routerFile: string): Promise<ChannelDefinition<unknown, unknown, unknown>> {
  const router = (await import(routerFile)) as Record<string, unknown>;
  const found = Object.values(router).find(
    (v): v is ChannelDefinition<unknown, unknown, unknown> => typeof v === 'object' && v !== null && 'route' in v && 'address' in v,
  );
  if (found === undefined) throw new Error(`${routerFile} exports no channel definition`);
  return found;
}

export async function serveChannel(routerFile: string, handlers: new () => object): Promise<Served> {
  const definition = await channelDefinition(routerFile);
  const server = createChanxServer([mount(definition, handlers as never)], { logger: { error: () => undefined } });
  const port = await server.listen(0, '127.0.0.1');
  return { base: `ws://127.0.0.1:${port}`, definition, server };
}
