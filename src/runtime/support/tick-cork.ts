/**
 * Writes of one tick in one write: the stream is corked on the first write of a tick and uncorked
 * in process.nextTick (as Node's docs advise for cork), so what a synchronous stretch writes (the
 * replies to one read's frames, a burst of publishes) leaves in one syscall instead of one each.
 */
/** A stream that can hold its writes (a socket, any Node Writable). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Whoever corks: its flag says whether the tick's cork is on (one cork per tick). */
export interface TickCorked {
  corked: boolean;
}

/** Corks `stream` until the end of this tick, unless `owner` already did in this tick. */
export function corkForTick(owner: TickCorked, stream: Corkable): void {
  if (owner.corked) return;
  owner.corked = true;
  stream.cork();
  process.nextTick(uncorkTick, owner, stream);
}

function uncorkTick(owner: TickCorked, stream: Corkable): void {
  owner.corked = false;
  stream.uncork();
}
