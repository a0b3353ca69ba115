/**
 * A topic on a client's connection (DESIGN §10): subscribe, unsubscribe, send, request and on, each
 * frame stamped with the topic's name. A subscription is made again after every reconnect.
 */
import type { RequestOptions, Unsubscribe } from './types.js';
import { ChanxFrameError } from './errors.js';

/** What a topic handle needs of its client. */
export interface TopicHost {
  send(message: object): void;
  request(message: object, options?: RequestOptions): Promise<unknown>;
  on(name: string, fn: (message: never) => void): Unsubscribe;
  onReopen(hook: () => void): Unsubscribe;
  /** Where a failed re-subscription after a reconnect is reported. */
  reportTopicFailure(topic: string, error: unknown): void;
}

/** The key listeners of one topic's frames of one kind are kept under. */
export function topicListenerKey(topic: string, kind: string): string {
  return `${topic}\u0000${kind}`;
}

export class TopicHandle {
  private stopReopen: Unsubscribe | undefined;

  constructor(
    private readonly host: TopicHost,
    /** The topic's name, its pattern filled in (`room:lobby`). */
    readonly name: string,
  ) {}

  /** True between a successful `subscribe()` and `unsubscribe()`. */
  get subscribed(): boolean {
    return this.stopReopen !== undefined;
  }

  /** Resolves on `subscribed`; rejects with ChanxFrameError on `unauthorized` or `unknown_topic`. */
  async subscribe(options?: RequestOptions): Promise<void> {
    await this.host.request({ action: 'subscribe', topic: this.name }, options);
    this.stopReopen ??= this.host.onReopen(() => {
      this.host.request({ action: 'subscribe', topic: this.name }).catch((err: unknown) => this.host.reportTopicFailure(this.name, err));
    });
  }

  /** Resolves on `unsubscribed`; the subscription is not made again after a reconnect. */
  async unsubscribe(options?: RequestOptions): Promise<void> {
    this.stopReopen?.();
    this.stopReopen = undefined;
    await this.host.request({ action: 'unsubscribe', topic: this.name }, options);
  }

  send(message: object): void {
    this.host.send({ ...message, topic: this.name });
  }

  request(message: object, options?: RequestOptions): Promise<unknown> {
    return this.host.request({ ...message, topic: this.name }, options);
  }

  /** Frames of this topic of one kind (`error` for its error frames); returns the unsubscribe function. */
  on(kind: string, fn: (message: never) => void): Unsubscribe {
    return this.host.on(topicListenerKey(this.name, kind), fn);
  }
}

export function failureFrame(error: unknown): object | undefined {
  return error instanceof ChanxFrameError ? error.frame : undefined;
}
