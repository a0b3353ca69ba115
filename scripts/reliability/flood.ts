/** The flood scenario of npm run reliability (issue 24), one run of it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { nodeCommand, open, ROOT, runNode, sleep, startServer, stop } from './harness.js';

export interface FloodRun {
  flood: { code: number; sent: number; rateLimited: number; handled: number; seconds: number };
  quiet: number[];
  loaded: number[];
  pingerOpen: boolean;
  seen: { open: number; closed: number; frames: number };
}

/** One run of the flood scenario (issue 24): a fresh server, 1,000 members, a warm-up, a pinger and the flooder. */
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
  const warm = JSON.stringify({ action: 'user_message', payload: { message: 'broadcast:warm-up' } });
  for (let i = 0; i < 20; i++) {
    talker.send(warm);
    await once(talker, 'message');
    await sleep(50);
  }
  talker.close();
  await sleep(500);
  // The other client pings from a process of its own (normal priority), as from another machine:
  // 200 pings before the flood, then until the flooder is closed, then 50 more (as long again,
  // while the members still receive what was handled).
  const pinger = spawn(...nodeCommand(['scripts/reliability/pinger.mjs', `${s.url}?quiet=1`, '200', String(gap), '50']), {
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
  const flooder = runNode(['scripts/reliability/flooder.mjs', s.url, '20000', frame], true);
  const flood = JSON.parse(await flooder.output) as { code: number; sent: number; rateLimited: number; handled: number; seconds: number };
  pinger.stdin!.write('stop\n');
  if (pinger.exitCode === null) await once(pinger, 'exit');
  if (pinger.exitCode !== 0) throw pingerFailed();
  const { loaded, open: pingerOpen } = JSON.parse(pingerOut.split('\n')[1]!) as { loaded: number[]; open: boolean };
  members.stdin!.end();
  await once(members, 'exit');
  const seen = JSON.parse(membersOut.slice(membersOut.indexOf('{'))) as { open: number; closed: number; frames: number };
  await stop(s);
  return { flood, quiet, loaded, pingerOpen, seen };
}
