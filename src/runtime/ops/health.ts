/**
 * Liveness and readiness (GET /healthz, /readyz): live while the process serves; ready unless
 * shutting down or the group layer has lost its link to other processes (Redis). The layer tells
 * its link through a LayerObserver; the changes are logged at info.
 */
import type { LayerObserver } from '../layers/layer.js';
import type { RuntimeLog } from '../support/logger.js';

export class Health implements LayerObserver {
  private closing = false;
  private layerUp = true;
  /** Whether the layer's link was ever up (its first link is "connected", later ones "reconnected"). */
  private wasUp = false;

  constructor(private readonly log: RuntimeLog) {}

  /** Ready to take connections. */
  get ready(): boolean {
    return !this.closing && this.layerUp;
  }

  /** Why not ready, for the probe's body. */
  get state(): 'ready' | 'shutting down' | 'layer disconnected' {
    return this.closing ? 'shutting down' : this.layerUp ? 'ready' : 'layer disconnected';
  }

  shuttingDown(): void {
    this.closing = true;
  }

  link(up: boolean): void {
    if (up === this.layerUp && (up ? this.wasUp : true)) return;
    if (up) this.log.info({ layer: 'up' }, this.wasUp ? 'group layer reconnected' : 'group layer connected');
    else if (this.wasUp) this.log.info({ layer: 'down' }, 'group layer disconnected');
    this.wasUp ||= up;
    this.layerUp = up;
  }
}
