// The other client of the flood scenario, in a process of its own (as a client on another machine
// would be, and away from the driver's own work): opens one connection to URL, pings QUIET times
// GAP ms apart and prints {"quiet": [ms...]}; then pings on until a line "stop" arrives on stdin,
// then TAIL more times, and prints {"loaded": [ms...], "open": bool}. Each figure is one
// application-level ping -> pong round trip, sorted ascending.
import WebSocket from 'ws';

const [url, quietCount, gap, tail] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const ws = new WebSocket(url, { perMessageDeflate: false });
await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stopped = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  if (text.includes('stop')) stopped = true;
});

async function ping() {
  const t = performance.now();
  const pong = new Promise((resolve) => {
    const listener = (data) => {
      if (String(data).includes('"pong"')) {
        ws.off('message', listener);
        resolve();
      }
    };
    ws.on('message', listener);
  });
  ws.send('{"action":"ping"}');
  const timeout = sleep(60_000).then(() => Promise.reject(new Error('no pong within 60 s')));
  await Promise.race([pong, timeout]);
  return performance.now() - t;
}

const quiet = [];
for (let i = 0; i < quietCount; i++) {
  quiet.push(await ping());
  await sleep(gap);
}
console.log(JSON.stringify({ quiet: quiet.sort((a, b) => a - b) }));
const loaded = [];
while (!stopped) {
  loaded.push(await ping());
  await sleep(gap);
}
for (let i = 0; i < tail; i++) {
  loaded.push(await ping());
  await sleep(gap);
}
console.log(JSON.stringify({ loaded: loaded.sort((a, b) => a - b), open: ws.readyState === WebSocket.OPEN }));
ws.terminate();
process.exit(0);
