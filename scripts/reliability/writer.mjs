// A client that writes `count` frames of `size` bytes and never reads its socket; prints JSON when
// its connection ends. argv: url count size
import WebSocket from 'ws';

const [url, count, size] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const ws = new WebSocket(url, { perMessageDeflate: false });
const started = performance.now();
ws.once('open', () => {
  ws.pause();
  const frame = JSON.stringify({ action: 'user_message', payload: { message: 'w'.repeat(size - 50) } });
  let sent = 0;
  const burst = () => {
    for (let i = 0; i < 500 && sent < count && ws.readyState === ws.OPEN; i++, sent++) ws.send(frame);
    if (sent < count && ws.readyState === ws.OPEN) setImmediate(burst);
  };
  burst();
  ws.once('close', (code) => {
    console.log(JSON.stringify({ code, sent, seconds: (performance.now() - started) / 1000 }));
    process.exit(0);
  });
});
ws.on('error', () => undefined);
// A paused socket with nothing to write is not an active handle: keep the process up regardless.
setInterval(() => undefined, 1000);
