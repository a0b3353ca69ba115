// The clients of the fan-out benchmark, in a process of their own (so that 10,000 of them do not
// share the server's file-descriptor limit or event loop): opens N connections to argv[2], then
// tells the parent, for every round, once all N have received that round's frame.
import WebSocket from 'ws';

const [url, count] = [process.argv[2], Number(process.argv[3])];
const received = new Map();
const sockets = [];

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const round = /"round":(\d+)/.exec(data.toString())?.[1];
      if (round === undefined) return;
      const n = (received.get(round) ?? 0) + 1;
      received.set(round, n);
      if (n === count) {
        received.delete(round);
        process.send({ round: Number(round) });
      }
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

for (let i = 0; i < count; i += 250) sockets.push(...(await Promise.all(Array.from({ length: Math.min(250, count - i) }, open))));
process.send({ ready: true });
process.on('message', (m) => {
  if (m === 'exit') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
