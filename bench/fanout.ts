/**
 * In-process fan-out: one broadcast to a group of N connections through the server's layer
 * (`ctx.broadcast`, the in-memory layer) against a hand-written loop over the very same ws
 * sockets (JSON.stringify once, then ws.send each). Measured: the CPU time (user + system, which
 * other processes on the machine disturb far less than wall time) of this process from the call
 * until every client (in a child process) has its frame, so the copies the layer writes in later
 * turns (fan-out pacing) count; rounds interleaved.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type WebSocket from 'ws';
import { createChanxServer, mount, type ChannelDefinition, type ConnectionContext } from '../dist/runtime/index.js';
import { median, type Row } from './stats.js';

const channel: ChannelDefinition<object, unknown, Record<string, never>> = { key: 'fan', address: '/ws/fan', discriminator: 'action', route: () => undefined };

export async function benchFanout(counts: readonly number[], rounds: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of counts) {
    const contexts: ConnectionContext<unknown, unknown>[] = [];
    const sockets: WebSocket[] = [];
    class FanConsumer {
      onConnect(ctx: ConnectionContext<unknown, unknown>): void {
        ctx.join('fan');
        contexts.push(ctx);
        sockets.push((ctx as unknown as { ws: WebSocket }).ws); // the Connection's own socket, for the baseline
      }
    }
    const server = createChanxServer([mount(channel, FanConsumer)], { logger: { error: (m) => console.error(m) } });
    const port = await server.listen(0, '127.0.0.1');
    const clients = fork(path.join(import.meta.dirname, 'fanout-clients.mjs'), [`ws://127.0.0.1:${port}/ws/fan`, String(n)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await nextMessage(clients);
    const times = { layer: [] as number[], loop: [] as number[] };
    let round = 0;
    const once = async (variant: 'layer' | 'loop'): Promise<void> => {
      const message = { action: 'tick', payload: { round: ++round, text: 'a broadcast of typical size, with a few words in it' } };
      const arrived = nextMessage(clients);
      const t0 = process.cpuUsage();
      if (variant === 'layer') contexts[0]!.broadcast(message);
      else {
        const frame = JSON.stringify(message);
        for (const ws of sockets) ws.send(frame);
      }
      // Until every client has it: the layer writes the copies past the first slice in later turns
      // (fan-out pacing); this process does nothing else meanwhile.
      await arrived;
      const used = process.cpuUsage(t0);
      times[variant].push((used.user + used.system) / 1000);
    };
    for (let i = 0; i < 3; i++) {
      await once('layer');
      await once('loop');
    }
    times.layer.length = 0;
    times.loop.length = 0;
    const perCount = n > 1000 ? Math.ceil(rounds / 3) : rounds; // a 10,000-member round takes seconds of wall time here
    for (let i = 0; i < perCount; i++) {
      if (i % 2 === 0) {
        await once('layer');
        await once('loop');
      } else {
        await once('loop');
        await once('layer');
      }
    }
    clients.send('exit');
    await new Promise((r) => clients.once('exit', r));
    await server.close();
    const layer = median(times.layer);
    const loop = median(times.loop);
    rows.push({
      name: `fan-out ${n}: layer (ctx.broadcast)`,
      value: n / (layer / 1000),
      unit: 'msg/s',
      extra: `${layer.toFixed(2)} ms CPU per broadcast, median of ${perCount}`,
    });
    rows.push({ name: `fan-out ${n}: hand-written loop over ws`, value: n / (loop / 1000), unit: 'msg/s', extra: `${loop.toFixed(2)} ms CPU per broadcast` });
    rows.push({
      name: `fan-out ${n}: layer / loop`,
      value: loop / layer,
      unit: 'x',
      extra: `${(loop / layer).toFixed(3)}; goal >= 0.9: ${loop / layer >= 0.9 ? 'met' : 'NOT met'}`,
    });
  }
  return rows;
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`fan-out clients exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}
