/**
 * Order and gaps per sender and channel, kept by the layer itself rather than trusted to the
 * client library: a cluster client may retry a publish whose answer was lost (a duplicate) or send
 * a retried one after newer ones (out of order). Every message carries a stamp `<epoch>.<n>` from
 * its sender: `n` counts the sender's messages on that channel, 1, 2, 3...; the epoch changes when
 * the sender starts counting a channel afresh. A receiver drops what is not newer than the last
 * stamp it took from that sender on that channel (at most once, in order) and counts the numbers it
 * never saw (missed: lost between the sender and this process, an outage or a failover).
 * Both sides keep a bounded map: the oldest entry goes first when it is full.
 */

export class SendSequence {
  private readonly counts = new Map<string, { epoch: number; n: number }>();
  private epochs = 0;

  constructor(private readonly cap = 4096) {}

  /** The stamp of the next message on `channel`. */
  next(channel: string): string {
    let count = this.counts.get(channel);
    if (count === undefined) {
      if (this.counts.size >= this.cap) this.counts.delete(this.counts.keys().next().value as string);
      // Epochs grow, so a receiver that saw this channel's previous epoch takes the new one as newer.
      count = { epoch: ++this.epochs, n: 0 };
      this.counts.set(channel, count);
    }
    count.n++;
    return `${count.epoch.toString(36)}.${count.n.toString(36)}`;
  }
}

/** What a receiver does with a message: take it (and how many before it were missed) or drop it. */
export type Verdict = { take: true; missed: number } | { take: false };

const DROP: Verdict = { take: false };
const NONE_MISSED: Verdict = { take: true, missed: 0 };

export class ReceiveOrder {
  private readonly channels = new Map<string, Map<string, { epoch: number; n: number }>>();

  constructor(private readonly capPerChannel = 256) {}

  judge(channel: string, origin: string, epoch: number, n: number): Verdict {
    let senders = this.channels.get(channel);
    if (senders === undefined) {
      senders = new Map();
      this.channels.set(channel, senders);
    }
    const last = senders.get(origin);
    if (last === undefined) {
      // A sender not seen on this channel yet (or forgotten): nothing to compare with.
      if (senders.size >= this.capPerChannel) senders.delete(senders.keys().next().value as string);
      senders.set(origin, { epoch, n });
      return NONE_MISSED;
    }
    if (epoch < last.epoch || (epoch === last.epoch && n <= last.n)) return DROP;
    const missed = epoch === last.epoch ? n - last.n - 1 : n - 1;
    last.epoch = epoch;
    last.n = n;
    return missed === 0 ? NONE_MISSED : { take: true, missed };
  }

  /** This process left the channel: what it knew of it no longer holds. */
  forget(channel: string): void {
    this.channels.delete(channel);
  }
}
