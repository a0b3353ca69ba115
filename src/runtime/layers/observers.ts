/** The observers of one layer, told each event in turn; one that throws does not stop the others. */
import type { LayerObserver } from './layer.js';

type Event = 'published' | 'delivered' | 'lost';

export class LayerObservers {
  private readonly list: LayerObserver[] = [];

  /** Adds `observer` and tells it the link's state now. */
  add(observer: LayerObserver, up: boolean): void {
    this.list.push(observer);
    try {
      observer.link?.(up);
    } catch {
      // An observer's failure is its own; the layer goes on.
    }
  }

  link(up: boolean): void {
    for (const o of this.list) {
      try {
        o.link?.(up);
      } catch {
        // as above
      }
    }
  }

  /** One event to every observer (nothing to do, and no cost, when there is none). */
  tell(event: Event): void {
    for (const o of this.list) {
      try {
        o[event]?.();
      } catch {
        // as above
      }
    }
  }
}
