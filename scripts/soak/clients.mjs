// The clients of one soak server, in a process of their own: argv[2] is the server's ws base URL,
// argv[3] a JSON plan { rooms: [room per client], speakers: [client indexes that speak], ratePerSpeaker }.
// Each client joins its room; on 'start' each speaker says `<speaker>|<seq>|<sent ms>` at a steady
// rate until 'stop'. Every client checks per speaker that seqs only grow (order, no duplicate) and
// records the gaps with the send times around them. On 'report' it sends the totals to the parent.
import WebSocket from 'ws';

const base = process.argv[2];
const plan = JSON.parse(process.argv[3]);
const sockets = [];
const received = { frames: 0, outOfOrder: 0, byRoomSpeaker: new Map(), gaps: [] };
const sent = new Map(); // speaker name -> count

function open(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/ws/room/${plan.rooms[i]}`, { perMessageDeflate: false });
    const client = { ws, id: '', last: new Map() };
    ws.on('message', (data) => {
      const text = data.toString();
      if (client.id === '') {
        client.id = JSON.parse(text).payload.id;
        resolve(client);
        return;
      }
      const m = /"text":"([^|"]+)\|(\d+)\|(\d+)"/.exec(text);
      if (m === null) return;
      const [, speaker, seqText, atText] = m;
      const seq = Number(seqText);
      const at = Number(atText);
      received.frames++;
      const last = client.last.get(speaker);
      if (last !== undefined && seq <= last.seq) received.outOfOrder++;
      else {
        if (last !== undefined && seq > last.seq + 1) received.gaps.push([seq - last.seq - 1, last.at, at]);
        client.last.set(speaker, { seq, at });
      }
    });
    ws.once('error', reject);
  });
}

for (let i = 0; i < plan.rooms.length; i += 250) {
  const batch = [];
  for (let j = i; j < Math.min(i + 250, plan.rooms.length); j++) batch.push(open(j));
  sockets.push(...(await Promise.all(batch)));
}
process.send({ ready: true });

let timer;
process.on('message', (m) => {
  if (m === 'start') {
    // Every speaker says something ratePerSpeaker times a second, the speakers spread over 100 ms ticks.
    const speakers = plan.speakers.map((i) => ({ client: sockets[i], name: `${process.pid}-${i}`, seq: 0 }));
    const slots = Math.max(1, Math.round(1000 / plan.ratePerSpeaker / 100));
    let tick = 0;
    timer = setInterval(() => {
      const now = Date.now();
      for (let i = tick % slots; i < speakers.length; i += slots) {
        const s = speakers[i];
        if (s.client.ws.bufferedAmount > 1 << 20) continue; // the server is not keeping up: skip rather than queue
        s.seq++;
        s.client.ws.send(JSON.stringify({ action: 'say', payload: { text: `${s.name}|${s.seq}|${now}` } }));
        sent.set(s.name, s.seq);
      }
      tick++;
    }, 100);
  } else if (m === 'stop') {
    clearInterval(timer);
  } else if (m === 'report') {
    // Messages a client never saw after its last one cannot be told from not yet sent: the parent
    // waits for the quiet before asking, and the last seq of each speaker is reported with the counts.
    const lastSeen = {};
    for (const c of sockets) for (const [speaker, { seq }] of c.last) lastSeen[`${c.id}>${speaker}`] = seq;
    process.send({ report: { frames: received.frames, outOfOrder: received.outOfOrder, gaps: received.gaps, sent: Object.fromEntries(sent), lastSeen } });
  } else if (m === 'exit') {
    for (const c of sockets) c.ws.terminate();
    process.exit(0);
  }
});
