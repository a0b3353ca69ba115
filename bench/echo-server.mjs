// The baseline for the end-to-end benchmark: a hand-written ws echo server doing the least that
// speaks the same protocol (welcome, echo, pong), with no validation at all.
// CORK_READS=1: it also writes the replies to the frames of one read in one write (cork, then
// uncork in process.nextTick), as the generated server does: the like-for-like baseline.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const corkReads = process.env.CORK_READS === '1';
const http = createServer();
const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
http.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/ws/system') return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } }));
    const socket = ws._socket;
    let corked = false;
    const uncork = () => {
      corked = false;
      socket.uncork();
    };
    ws.on('message', (data) => {
      if (corkReads && !corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      const msg = JSON.parse(data.toString());
      if (msg.action === 'ping') ws.send(JSON.stringify({ action: 'pong', payload: null }));
      else if (msg.action === 'user_message')
        ws.send(JSON.stringify({ action: 'system_echo', payload: { message: `🔧 System Echo: ${msg.payload.message}` } }));
    });
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on ws://127.0.0.1:${http.address().port}`));
