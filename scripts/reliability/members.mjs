// Members for the flood scenario: opens N connections to URL (each joins the broadcast group on
// connect), prints "ready", counts the frames they receive and the ones that close, and prints
// that as JSON when its stdin ends.
import WebSocket from 'ws';

const [url, count] = [process.argv[2], Number(process.argv[3])];
let frames = 0;
let closed = 0;
const sockets = [];
for (let i = 0; i < count; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(count, i + 100); j++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', () => frames++);
    ws.on('close', () => closed++);
    sockets.push(ws);
    batch.push(new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject))));
  }
  await Promise.all(batch);
}
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => {
  console.log(JSON.stringify({ open: sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length, closed, frames }));
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
