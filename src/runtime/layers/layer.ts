/**
 * The group layer (DESIGN §9): how frames reach groups and connections. Everything that goes
 * through it is already serialised, once per send, so a layer never re-encodes a message per
 * member. The in-memory layer (memory-layer.ts) serves one process; the Redis layer
 * (redis-layer.ts) carries the same operations across processes and machines.
 */

/** A connection as a layer sees it. */
export interface LayerMember {
  /** Unique across processes (see member-id.ts), so it can be excluded or addressed from anywhere. */
  readonly id: string;
  /**
   * Delivers a frame. `eventOf` is set for an event sent from outside a connection: the key of the
   * channel it belongs to (its consumer may handle it first; members of other channels ignore it).
   */
  deliver(frame: string, eventOf?: string): void;
}

export interface GroupLayer {
  /** Makes `member` reachable by `sendToMember` (a connection is attached while it is open). */
  attach(member: LayerMember): void;
  /** The reverse of attach; the member should have left its groups first. */
  detach(member: LayerMember): void;
  join(group: string, member: LayerMember): void;
  leave(group: string, member: LayerMember): void;
  /**
   * Sends `frame` to every member of any of `groups`, once each, except the member whose id is
   * `excludeMemberId`. Never throws: a layer that cannot reach other processes delivers locally
   * and reports the loss.
   */
  sendToGroups(groups: Iterable<string>, frame: string, excludeMemberId?: string, eventOf?: string): void;
  /** Sends `frame` to the member with this id, wherever it is connected. Never throws. */
  sendToMember(id: string, frame: string, eventOf?: string): void;
  /** How many members `group` has in this process. */
  size(group: string): number;
  /** Releases what the layer holds (connections to Redis); members are not closed. */
  close(): Promise<void>;
  /**
   * Tells `observer` what the layer does across processes (metrics, logs, readiness). Layers that
   * reach no other process (the in-memory one) have none: they are always up.
   */
  observe?(observer: LayerObserver): void;
}

/**
 * What a layer that spans processes reports. Every method is optional, called synchronously and
 * must not throw; a layer calls `link` with its current state as soon as it is observed.
 */
export interface LayerObserver {
  /** The link to other processes (Redis) came up (true) or went down (false). */
  link?(up: boolean): void;
  /** One message published to other processes. */
  published?(): void;
  /** One message from another process, delivered to this process's members. */
  delivered?(): void;
  /** One send that reached only this process: other processes could not be told. */
  lost?(): void;
}
