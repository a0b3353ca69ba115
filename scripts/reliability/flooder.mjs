// The flooder: one connection to URL sends N frames (FRAME) as fast as it can, then waits for the
// server to close it (at most 30 s). Prints JSON: close code, how many frames were answered
// rate_limited, how many were handled ('sent' replies), and how long it took.
import WebSocket from 'ws';

const [url, count, frame] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const ws = new WebSocket(url, { perMessageDeflate: false });
let rateLimited = 0;
let handled = 0;
let other = 0;
await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
ws.on('message', (data) => {
  const text = data.toString();
  if (text.includes('"rate_limited"')) rateLimited++;
  else if (text.includes('"message":"sent"')) handled++;
  else other++;
});
const started = performance.now();
let sent = 0;
for (; sent < count && ws.readyState === WebSocket.OPEN; sent++) ws.send(frame);
const [code] = await Promise.race([
  new Promise((resolve) => ws.once('close', (c, r) => resolve([c, String(r)]))),
  new Promise((resolve) => setTimeout(() => resolve([0, 'not closed']), 30_000)),
]);
console.log(JSON.stringify({ code, sent, rateLimited, handled, other, seconds: (performance.now() - started) / 1000 }));
process.exit(0);
