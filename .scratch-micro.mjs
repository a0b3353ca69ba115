const origin = 'abcdefgh';
const header = JSON.stringify([origin, '', '', 0]);
const frame = JSON.stringify({ action: 'said', payload: { text: 'a broadcast of typical size, with a few words in it', from: 'bench', seq: 12345 } });
let t = performance.now(); let x = 0;
for (let i = 0; i < 1e6; i++) { const p = `${header}\n${frame}`; const nl = p.indexOf('\n'); const h = JSON.parse(p.slice(0, nl)); const f = p.slice(nl + 1); x += f.length + h.length; }
console.log('header round trip µs', (performance.now() - t) / 1e6 * 1000);
t = performance.now();
for (let i = 0; i < 1e6; i++) { const b = Buffer.from(`${header}\n${frame}`); x += b.length; }
console.log('buffer from concat µs', (performance.now() - t) / 1e6 * 1000);
t = performance.now();
for (let i = 0; i < 1e6; i++) { const b = Buffer.from(frame); x += b.length; }
console.log('buffer from frame µs', (performance.now() - t) / 1e6 * 1000, x);
