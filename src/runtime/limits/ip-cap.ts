/**
 * Open connections per client IP. The client is the socket's peer, or, when that peer is a
 * trusted proxy, the nearest address in X-Forwarded-For that is not one (read right to left, as
 * each proxy appends the address it got the request from). Without trusted proxies the header is
 * ignored: any client can write it.
 */
import type { IncomingMessage } from 'node:http';

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function clientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = plain(req.socket.remoteAddress ?? '');
  if (trusted.size === 0 || !trusted.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plain(hops[i]!.trim());
    if (hop === '') continue;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

export function trustedSet(proxies: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((proxies ?? []).map((p) => plain(p.trim())).filter((p) => p !== ''));
}

/** Counts open connections per address; `admit` refuses one over `max`. */
export class IpCap {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`maxConnectionsPerIp must be a positive number, got ${String(max)}`);
  }

  admit(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const n = this.open.get(address) ?? 0;
    if (n <= 1) this.open.delete(address);
    else this.open.set(address, n - 1);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
