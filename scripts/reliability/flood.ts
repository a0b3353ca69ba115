/** The flood scenario of npm run reliability (issue 24), one run of it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { nodeCommand, open, ROOT, runNode, sleep, startServer, stop } from './harness.js';

/** One flood and what the other client saw of it. */
export interface Measured {
  flood: { code: number; sent: number; rateLimited: number; handled: number; seconds: number };
  quiet: number[];
  loaded: number[];
  pingerOpen: boolean;
}

export interface FloodRun {
  /** The first flood on a fresh process, then the one after it on the same server. */
  cold: Measured;
  warm: Measured;
  seen: { open: number; closed: number; frames: number };
}

/**
 * One run of the flood scenario (issue 24): a fresh server, 1,000 members, a warm-up, then two
 * floods, each with a pinger of its own. The first flood on a process runs paths that nothing ran
 * before it (refusals, the cut, outboxes that pile up): V8 compiles them on its background threads,
 * which on two cores take the CPU from the server's own thread, once in the process's life. The
 * second flood shows what a flood costs a server that has been up a while; both are reported.
 */
export async function floodOnce(limit: string, gap: number): Promise<FloodRun> {
  const s = await startServer({ RATE_LIMIT: limit });
  const members = spawn(...nodeCommand(['scripts/reliability/members.mjs', s.url, '1000'], true), { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let membersOut = '';
  members.stdout!.on('data', (d) => (membersOut += d));
  while (!membersOut.includes('ready')) await sleep(20);
  // The room has had traffic before, as a live server's has: 20 broadcasts at 20 a second from a
  // client within the limit. (On a server that never broadcast, the first broadcast to 1,000
  // members runs cold, once: that is JIT warm-up, not the flood's doing.)
  const talker = await open(s.url);
  const warmUp = JSON.stringify({ action: 'user_message', payload: { message: 'broadcast:warm-up' } });
  for (let i = 0; i < 20; i++) {
    talker.send(warmUp);
    await once(talker, 'message');
    await sleep(50);
  }
  talker.close();
  await sleep(500);
  const cold = await measuredFlood(s.url, gap);
  // The members take what the first flood's handled frames fan out before the next quiet phase.
  await sleep(2000);
  const warm = await measuredFlood(s.url, gap);
  members.stdin!.end();
  await once(members, 'exit');
  const seen = JSON.parse(membersOut.slice(membersOut.indexOf('{'))) as { open: number; closed: number; frames: number };
  await stop(s);
  return { cold, warm, seen };
}

/**
 * One flood on the server at `url`, and another client's pings: from a process of its own (normal
 * priority), as from another machine, 200 pings before the flood, then until the flooder is closed,
 * then 50 more (as long again, while the members still receive what was handled).
 */
async function measuredFlood(url: string, gap: number): Promise<Measured> {
  const pinger = spawn(...nodeCommand(['scripts/reliability/pinger.mjs', `${url}?quiet=1`, '200', String(gap), '50']), {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let pingerOut = '';
  pinger.stdout!.on('data', (d) => (pingerOut += d));
  const pingerFailed = (): Error => new Error(`the pinger exited (${pinger.exitCode}) without its figures: a pong never came?`);
  while (!pingerOut.includes('"quiet"')) {
    if (pinger.exitCode !== null) throw pingerFailed();
    await sleep(20);
  }
  const { quiet } = JSON.parse(pingerOut.split('\n')[0]!) as { quiet: number[] };
  const frame = JSON.stringify({ action: 'user_message', payload: { message: 'broadcast:flood' } });
  const flooder = runNode(['scripts/reliability/flooder.mjs', url, '20000', frame], true);
  const flood = JSON.parse(await flooder.output) as Measured['flood'];
  pinger.stdin!.write('stop\n');
  if (pinger.exitCode === null) await once(pinger, 'exit');
  if (pinger.exitCode !== 0) throw pingerFailed();
  const { loaded, open: pingerOpen } = JSON.parse(pingerOut.split('\n')[1]!) as { loaded: number[]; open: boolean };
  return { flood, quiet, loaded, pingerOpen };
}
