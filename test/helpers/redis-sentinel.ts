/**
 * A real Sentinel set-up for a test: a master and a replica (Debian's redis-server) and three
 * sentinels (`redis-server <conf> --sentinel`) watching them with a quorum of two and a short
 * down-after time, on free loopback ports. The master can be SIGKILLed (the sentinels promote the
 * replica); everything is removed by stop().
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, killChild, launchRedis, serverArgs } from './redis-server.js';

export interface RedisSentinels {
  /** REDIS_SENTINELS: the sentinels as host:port, comma-separated. */
  readonly sentinels: string;
  /** REDIS_SENTINEL_NAME. */
  readonly name: string;
  /** The ports of the two data servers (master first, as started). */
  readonly servers: readonly number[];
  /** The master's port as the sentinels report it now. */
  master(): Promise<number>;
  /** SIGKILL a data server. */
  kill(port: number): Promise<void>;
  /** Starts a killed data server again, as a replica of the master now named. */
  restart(port: number): Promise<void>;
  /**
   * Resolves once every sentinel sees a live replica in sync and the other two sentinels, and
   * Sentinel's hold-off after the last failover is over: a failover can happen at once. After the
   * old master's restart this takes ~0.8 s on a quiet machine, but a 20 s window was missed once, in
   * a clean-clone suite at load average 4.7, for a reason the error did not give (it now says what
   * each sentinel saw last). Waiting costs no CPU (the `waiting` project), so the default is 40 s.
   */
  failoverReady(ms?: number): Promise<void>;
  /** Resolves once every sentinel names a master other than `old` that answers as a master. */
  failedOver(old: number, ms?: number): Promise<number>;
  stop(): Promise<void>;
}

const NAME = 'chanxmaster';
/** How long the master may be unreachable before the sentinels call it down (ms). */
const DOWN_AFTER_MS = 1000;
/**
 * Sentinel's failover-timeout (ms). It also bounds the wait for the promoted replica to report
 * itself master (a failover not seen done by then is aborted), so it stays generous for a loaded
 * machine. A sentinel starts no failover of a master within twice this time of the last one it
 * started or voted for, so a second kill too soon after a failover is only acted on once that
 * hold-off ends: failoverReady waits it out.
 */
const FAILOVER_TIMEOUT_MS = 5000;

export async function startSentinels(): Promise<RedisSentinels> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chanx-sentinel-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => killChild(child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  const byPort = new Map<number, ChildProcess>();
  const sentinelPorts: number[] = [];
  /** When a data server was last killed (Date.now()); a failover it caused started no earlier than DOWN_AFTER_MS later. */
  let killedAt = -Infinity;
  try {
    const masterPort = await freePort();
    const replicaPort = await freePort();
    const start = async (port: number, args: string[]): Promise<void> => {
      const child = await launchRedis(port, args, dir);
      children.push(child);
      byPort.set(port, child);
    };
    await start(masterPort, serverArgs(masterPort));
    await start(replicaPort, [...serverArgs(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)]);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = path.join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its config file as it learns, so each needs a writable one of its own.
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${NAME} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${NAME} ${FAILOVER_TIMEOUT_MS}`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n'),
      );
      await start(port, [conf, '--sentinel', '--loglevel', 'warning']);
      sentinelPorts.push(port);
    }
    await failoverReady(sentinelPorts, 15_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const master = async (): Promise<number> => {
    for (const port of sentinelPorts) {
      try {
        const [, p] = (await askRaw(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME])) as [string, string];
        return Number(p);
      } catch {
        // try the next sentinel
      }
    }
    throw new Error('no sentinel answered');
  };
  return {
    sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    name: NAME,
    servers: [...byPort.keys()].slice(0, 2),
    master,
    async kill(port) {
      const child = byPort.get(port);
      if (child === undefined) return;
      killedAt = Date.now();
      await killChild(child, 'SIGKILL');
    },
    async restart(port) {
      const child = await launchRedis(port, [...serverArgs(port), '--replicaof', '127.0.0.1', String(await master())], dir);
      children.push(child);
      byPort.set(port, child);
    },
    async failoverReady(ms = 40_000) {
      await failoverReady(sentinelPorts, ms);
      // The failover began after the master was seen down (and the votes: a little slack for them).
      const holdOffEnds = killedAt + DOWN_AFTER_MS + 2 * FAILOVER_TIMEOUT_MS + 1000;
      if (Date.now() < holdOffEnds) await new Promise((r) => setTimeout(r, holdOffEnds - Date.now()));
    },
    async failedOver(old, ms = 20_000) {
      let promoted = 0;
      await until(ms, `no failover from ${old}`, async () => {
        const named = await Promise.all(
          sentinelPorts.map((port) =>
            askRaw(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME]).then(
              (a) => Number((a as string[])[1]),
              () => 0,
            ),
          ),
        );
        promoted = named[0]!;
        if (promoted === old || named.some((p) => p !== promoted)) return false;
        return (await ask(promoted, ['ROLE']).catch(() => '')).startsWith('master');
      });
      return promoted;
    },
    stop,
  };
}

/** Every sentinel knows the two others and a replica that is up and linked to the master. */
async function failoverReady(sentinelPorts: readonly number[], ms: number): Promise<void> {
  /** What each sentinel said last, for the error if the wait ends without it. */
  let said = '';
  await until(
    ms,
    'the sentinels do not know each other and a live replica',
    async () => {
      const views = await Promise.all(
        sentinelPorts.map(async (port) => {
          const master = fields((await askRaw(port, ['SENTINEL', 'MASTER', NAME])) as string[]);
          const replicas = ((await askRaw(port, ['SENTINEL', 'REPLICAS', NAME])) as string[][]).map(fields);
          const view = `sentinel ${port}: master ${master['port']} (${master['flags']}), ${master['num-other-sentinels']} other sentinels, replicas ${replicas.map((r) => `${r['port']} (${r['flags']}, link ${r['master-link-status']})`).join(' ') || 'none'}`;
          return { view, ready: master['num-other-sentinels'] === '2' && replicas.some((r) => r['flags'] === 'slave' && r['master-link-status'] === 'ok') };
        }),
      ).catch((err: unknown) => [{ view: `a sentinel did not answer: ${String(err)}`, ready: false }]);
      said = views.map((v) => v.view).join('; ');
      return views.every((v) => v.ready);
    },
    () => said,
  );
}

async function until(ms: number, what: string, check: () => Promise<boolean>, last: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} after ${ms} ms${last() === '' ? '' : `; last: ${last()}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Sentinel reply's name-value list as a record (taken pair by pair: a value may hold commas, as `s_down,slave` does). */
function fields(reply: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[reply[i]!] = reply[i + 1]!;
  return out;
}

async function ask(port: number, command: string[]): Promise<string> {
  return String(await askRaw(port, command));
}

async function askRaw(port: number, command: string[]): Promise<unknown> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0]!, ...command.slice(1));
  } finally {
    client.disconnect();
  }
}
