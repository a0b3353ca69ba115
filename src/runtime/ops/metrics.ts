/**
 * Prometheus metrics (prom-client): what the server counts, kept as plain numbers on the hot path
 * and handed to prom-client when scraped (`collect`), so a frame costs a few increments. Label values
 * come from the document (channel keys, actions a validator accepted) or from fixed lists here,
 * never from what a client sends, so no client can add a series.
 */
import { createRequire } from 'node:module';
import type { Counter as CounterType, Registry } from 'prom-client';
import type { LayerObserver } from '../layers/layer.js';

// prom-client is loaded when the first ChanxMetrics is made: servers without metrics never pay for it.
const require = createRequire(import.meta.url);
type PromClient = typeof import('prom-client');
const loadPromClient = (): PromClient => require('prom-client') as PromClient;

/** What became of one frame a client sent. */
export type FrameOutcome =
  | 'ok'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'binary'
  | 'unknown_action'
  | 'invalid'
  | 'handler_failed'
  | 'rate_limited'
  | 'topic_error';

/** Why a connection (or an upgrade) was refused, or a frame answered with an error. */
export type RejectionType = Exclude<FrameOutcome, 'ok'> | 'origin' | 'max_connections' | 'max_connections_per_ip' | 'shutting_down' | 'unauthenticated';

export type PauseReason = 'replies_undrained' | 'handlers_behind';
export type LimitClose = 'outbound_buffer' | 'queued_frames' | 'rate_limit';

/** The label value of a handler's action that is not known (no discriminator, topic frames, frames that never reached a handler). */
export const NO_ACTION = '(none)';
export const TOPIC_ACTION = '(topic)';

/** Close codes are chosen by the peer too: standard ones are labels, the rest are grouped. */
export function closeCodeLabel(code: number): string {
  if ((code >= 1000 && code <= 1003) || (code >= 1005 && code <= 1015)) return String(code);
  if (code >= 3000 && code <= 3999) return '3xxx';
  if (code >= 4000 && code <= 4999) return '4xxx';
  return 'other';
}

/** prom-client's default metrics that break Prometheus naming rules (gauges ending in _total). */
const LINT_FAILURES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Buckets of handler time, in seconds: from 100 µs to 5 s. */
const HANDLER_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const OUTCOMES: readonly FrameOutcome[] = [
  'ok',
  'invalid_json',
  'invalid_envelope',
  'binary',
  'unknown_action',
  'invalid',
  'handler_failed',
  'rate_limited',
  'topic_error',
];

/** One action's counts: frames by outcome, and its handler's time in HANDLER_BUCKETS. */
export class ActionTally {
  readonly outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<FrameOutcome, number>;
  /** Per bucket (not cumulative), the last one for +Inf. */
  readonly buckets = new Array<number>(HANDLER_BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;

  handled(seconds: number): void {
    let i = 0;
    while (i < HANDLER_BUCKETS.length && seconds > HANDLER_BUCKETS[i]!) i++;
    this.buckets[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

/** One channel's counts. Fields are written by the connection and the watch, read when scraped. */
export class ChannelTally {
  open = 0;
  opened = 0;
  sent = 0;
  readonly closed = new Map<string, number>();
  readonly actions = new Map<string, ActionTally>();
  readonly pauses: Record<PauseReason, number> = { replies_undrained: 0, handlers_behind: 0 };
  readonly limitCloses: Record<LimitClose, number> = { outbound_buffer: 0, queued_frames: 0, rate_limit: 0 };

  constructor(readonly channel: string) {}

  /** The last action asked for and its counts: frames of one action in a row skip the map (a fresh string hashes anew). */
  private lastAction = '';
  private lastTally: ActionTally | undefined;

  /** The counts of `action` (a label value: from the document, or NO_ACTION / TOPIC_ACTION). */
  action(action: string): ActionTally {
    if (action === this.lastAction && this.lastTally !== undefined) return this.lastTally;
    let tally = this.actions.get(action);
    if (tally === undefined) this.actions.set(action, (tally = new ActionTally()));
    this.lastAction = action;
    this.lastTally = tally;
    return tally;
  }

  frame(action: string, outcome: FrameOutcome): void {
    this.action(action).outcomes[outcome]++;
  }

  close(code: number): void {
    const label = closeCodeLabel(code);
    this.closed.set(label, (this.closed.get(label) ?? 0) + 1);
  }
}

export interface ChanxMetricsOptions {
  /** Where the metrics are registered; default a registry of their own. */
  registry?: Registry;
  /** prom-client's process and Node.js metrics (process_*, nodejs_*). Default true. */
  defaultMetrics?: boolean;
}

/**
 * The server's metrics. Give one to `createChanxServer({ metrics })` (or `metrics: true` for a
 * new one) and serve `text()` with `contentType` wherever suits; METRICS_PORT does it on a port of its own.
 */
export class ChanxMetrics {
  readonly registry: Registry;
  private readonly channels = new Map<string, ChannelTally>();
  private readonly rejections = new Map<RejectionType, number>();
  private readonly layerCounts = { published: 0, delivered: 0, lost: 0, reconnects: 0 };
  /** -1 until a layer that spans processes is observed. */
  private layerUp = -1;

  constructor(options: ChanxMetricsOptions = {}) {
    const prom = loadPromClient();
    const { Gauge, Registry } = prom;
    const registry = (this.registry = options.registry ?? new Registry());
    if (options.defaultMetrics !== false) {
      prom.collectDefaultMetrics({ register: registry });
      // Gauges named like counters, which `promtool check metrics` refuses; the same counts stay, by type, in nodejs_active_*.
      for (const name of LINT_FAILURES) registry.removeSingleMetric(name);
    }
    const counter = counterOf(prom);
    const channels = (): IterableIterator<ChannelTally> => this.channels.values();
    const registers = [registry];
    new Gauge({
      name: 'chanx_connections_open',
      help: 'WebSocket connections open now, by channel',
      labelNames: ['channel'],
      registers,
      collect() {
        for (const t of channels()) this.set({ channel: t.channel }, t.open);
      },
    });
    counter('chanx_connections_opened_total', 'WebSocket connections accepted, by channel', ['channel'], registers, (add) => {
      for (const t of channels()) add({ channel: t.channel }, t.opened);
    });
    counter('chanx_connections_closed_total', 'WebSocket connections closed, by channel and close code', ['channel', 'code'], registers, (add) => {
      for (const t of channels()) for (const [code, n] of t.closed) add({ channel: t.channel, code }, n);
    });
    counter(
      'chanx_frames_received_total',
      'Frames received from clients, by channel, action and outcome',
      ['channel', 'action', 'outcome'],
      registers,
      (add) => {
        for (const t of channels()) {
          for (const [action, row] of t.actions) {
            for (const outcome of OUTCOMES) if (row.outcomes[outcome] > 0) add({ channel: t.channel, action, outcome }, row.outcomes[outcome]);
          }
        }
      },
    );
    counter('chanx_frames_sent_total', 'Frames sent to clients (replies, broadcasts, events), by channel', ['channel'], registers, (add) => {
      for (const t of channels()) add({ channel: t.channel }, t.sent);
    });
    registry.registerMetric(handlerHistogram(channels) as never);
    counter('chanx_rejections_total', 'Upgrades, connections and frames refused, by type', ['type'], registers, (add) => {
      for (const [type, n] of this.rejections) add({ type }, n);
    });
    counter('chanx_backpressure_pauses_total', 'Times reading from a connection paused, by channel and reason', ['channel', 'reason'], registers, (add) => {
      for (const t of channels()) for (const [reason, n] of Object.entries(t.pauses)) add({ channel: t.channel, reason }, n);
    });
    counter('chanx_limit_closes_total', 'Connections closed with 1008 for a limit, by channel and limit', ['channel', 'limit'], registers, (add) => {
      for (const t of channels()) for (const [limit, n] of Object.entries(t.limitCloses)) add({ channel: t.channel, limit }, n);
    });
    const layer = this.layerCounts;
    counter('chanx_layer_publishes_total', 'Messages the group layer published to other processes', [], registers, (add) => add({}, layer.published));
    counter('chanx_layer_deliveries_total', 'Messages from other processes the group layer delivered here', [], registers, (add) => add({}, layer.delivered));
    counter('chanx_layer_lost_total', 'Sends the group layer could deliver only in this process (other processes unreachable)', [], registers, (add) =>
      add({}, layer.lost),
    );
    counter('chanx_layer_reconnects_total', 'Times the group layer got its link to other processes back', [], registers, (add) => add({}, layer.reconnects));
    const self = this;
    new Gauge({
      name: 'chanx_layer_up',
      help: 'Whether the group layer reaches other processes (1) or not (0); absent with the in-memory layer',
      registers,
      collect() {
        if (self.layerUp >= 0) this.set(self.layerUp);
      },
    });
  }

  /** The counts of one channel, made on first use. */
  channel(key: string): ChannelTally {
    let tally = this.channels.get(key);
    if (tally === undefined) this.channels.set(key, (tally = new ChannelTally(key)));
    return tally;
  }

  reject(type: RejectionType): void {
    this.rejections.set(type, (this.rejections.get(type) ?? 0) + 1);
  }

  /** An observer for the group layer (`layer.observe(metrics.layerObserver())`). */
  layerObserver(): LayerObserver {
    const counts = this.layerCounts;
    let everUp = false;
    return {
      link: (up) => {
        if (up && this.layerUp === 0 && everUp) counts.reconnects++;
        everUp ||= up;
        this.layerUp = up ? 1 : 0;
      },
      published: () => void counts.published++,
      delivered: () => void counts.delivered++,
      lost: () => void counts.lost++,
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

type Labels = Record<string, string>;

const HISTOGRAM = 'chanx_handler_duration_seconds';
const LE = [...HANDLER_BUCKETS.map(String), '+Inf'];

/**
 * chanx_handler_duration_seconds, read from the actions' own bucket counts when scraped: a
 * prom-client Histogram's observe() hashes its labels on every call, which cost more than the
 * rest of a frame's watching together. It answers what a registry asks of a metric (`get`, `reset`)
 * in the shape prom-client's own histogram gives.
 */
function handlerHistogram(channels: () => IterableIterator<ChannelTally>) {
  const help = "Time from a frame's routing to its handler's reply (validation included), by channel and action";
  return {
    name: HISTOGRAM,
    help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames: ['channel', 'action'],
    reset(): void {
      for (const t of channels()) {
        for (const a of t.actions.values()) {
          a.buckets.fill(0);
          a.sum = 0;
          a.count = 0;
        }
      }
    },
    get() {
      const values: { labels: Labels; value: number; metricName: string }[] = [];
      for (const t of channels()) {
        for (const [action, a] of t.actions) {
          if (a.count === 0) continue;
          let acc = 0;
          for (let i = 0; i < a.buckets.length; i++) {
            acc += a.buckets[i]!;
            values.push({ labels: { channel: t.channel, action, le: LE[i]! }, value: acc, metricName: `${HISTOGRAM}_bucket` });
          }
          values.push({ labels: { channel: t.channel, action }, value: a.sum, metricName: `${HISTOGRAM}_sum` });
          values.push({ labels: { channel: t.channel, action }, value: a.count, metricName: `${HISTOGRAM}_count` });
        }
      }
      return { name: HISTOGRAM, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
}

type Read = (add: (labels: Labels, n: number) => void) => void;

/** Makes counters whose value is read from our own counts when scraped. */
function counterOf(prom: PromClient): (name: string, help: string, labelNames: string[], registers: Registry[], read: Read) => void {
  return (name, help, labelNames, registers, read) => {
    new prom.Counter({
      name,
      help,
      labelNames,
      registers,
      collect(this: CounterType) {
        this.reset();
        read((labels, n) => this.inc(labels, n));
      },
    });
  };
}
