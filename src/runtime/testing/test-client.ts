/**
 * A generated client, connected for a test: the kit hands it a WebSocket class that records every
 * frame before the client sees it, stamps a `ref` on each frame it sends so that `receiveAll` knows
 * which `complete` ends the answer, and adds the read helpers (TestHelpers) to the client itself.
 */
import WebSocket from 'ws';
import { classifyFrame } from '../client/classify.js';
import { isErrorFrame } from '../client/errors.js';
import type { ChanxClient } from '../client/client.js';
import type { ClientChannel, ClientOptions, WebSocketConstructor } from '../client/types.js';
import { TEST_CLIENT_HEADER } from './capture.js';
import { type Frame, FrameLog, isCompletion } from './frame-log.js';
import type { ConnectFunction, GeneratedClient, ReceiveAllOptions, ReceiveOptions, TestConnectExtras, TestHelpers } from './types.js';

const DEFAULT_RECEIVE_TIMEOUT = 2000;
/** Frames of the protocol that no document lists. */
const PROTOCOL_ACTIONS = new Set(['authentication', 'subscribed', 'unsubscribed']);

let nextTag = 0;

/**
 * Connects with the generated `connect` function to `url` and adds the helpers; `connectionId`
 * resolves the server's id for the connection (from the capturing layer).
 */
export async function connectForTest<C extends GeneratedClient>(
  connect: ConnectFunction,
  url: string,
  options: (ClientOptions & TestConnectExtras & { params?: object }) | undefined,
  connectionId: (tag: string) => string | undefined,
): Promise<C & TestHelpers<unknown>> {
  const tag = `t${++nextTag}`;
  // Set once connected; frames are only checked and named when a test reads them, after that.
  let channel: ClientChannel | undefined;
  const nameOf = (frame: Frame): string | undefined => {
    if (isErrorFrame(frame) || isCompletion(frame) || PROTOCOL_ACTIONS.has(frame['action'] as string)) return frame['action'] as string;
    const kind = classifyFrame(channel!, frame);
    return typeof kind === 'string' ? kind : undefined;
  };
  const problemOf = (frame: Frame): string | undefined => {
    if (isErrorFrame(frame) || isCompletion(frame) || PROTOCOL_ACTIONS.has(frame['action'] as string)) return undefined;
    const kind = classifyFrame(channel!, frame);
    return typeof kind === 'string' ? undefined : kind.problem;
  };
  const { receiveTimeout, ...rest } = options ?? {};
  const frames = new FrameLog(receiveTimeout ?? DEFAULT_RECEIVE_TIMEOUT, problemOf);
  let closedResolve: (value: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedResolve = resolve));
  let socket: WebSocket | undefined;
  const Socket = recordingSocket(
    (ws) => (socket = ws),
    (text) => frames.push(text),
    (code, reason) => {
      frames.close(code, reason);
      closedResolve({ code, reason });
    },
  );
  const client = (await connect(url, {
    ...rest,
    headers: { ...rest.headers, [TEST_CLIENT_HEADER]: tag },
    WebSocket: Socket,
    // The kit checks frames itself when a test reads them, and completion frames are expected.
    onInvalid: rest.onInvalid ?? (() => undefined),
  })) as unknown as ChanxClient;
  channel = client.channel;

  const send = client.send.bind(client);
  let sentCount = 0;
  const field = channel.sendField;
  const helpers: Omit<TestHelpers<unknown>, 'frames' | 'connectionId' | typeof Symbol.asyncDispose> = {
    receiveAll: (opts?: ReceiveAllOptions) => frames.receiveAll(opts),
    receiveNext: ((nameOrOptions?: string | ReceiveOptions, opts?: ReceiveOptions) =>
      typeof nameOrOptions === 'string'
        ? frames.receiveNext(nameOrOptions, nameOf, opts?.timeout)
        : frames.receiveNext(undefined, nameOf, nameOrOptions?.timeout)) as TestHelpers<unknown>['receiveNext'],
    expectNothing: (ms = 100) => frames.expectNothing(ms),
    nameOf: (frame) => nameOf(frame as Frame) ?? '(not in the document)',
    sendRaw(frame: string | object): void {
      if (typeof frame !== 'string') return send(frame);
      if (socket === undefined || socket.readyState !== WebSocket.OPEN) throw new Error('sendRaw(): the client is not connected');
      socket.send(frame);
    },
    closed,
  };
  Object.assign(client, helpers, {
    // Every frame sent (request's too, which comes through here) carries a ref the kit can wait on.
    send(message: object): void {
      const frame = { ...message } as Record<string, unknown>;
      if (typeof frame['ref'] !== 'string') frame['ref'] = `${tag}.${++sentCount}`;
      const ref = frame['ref'] as string;
      frames.ownRefs.add(ref);
      const name = field !== null && typeof frame[field] === 'string' ? `the '${frame[field]}' sent` : 'the frame sent';
      frames.lastSent = { ref, what: `${name} last (ref ${ref})` };
      send(frame);
    },
  });
  Object.defineProperty(client, 'frames', { get: () => frames.frames, enumerable: true });
  Object.defineProperty(client, 'connectionId', {
    enumerable: true,
    get: () => {
      const id = connectionId(tag);
      if (id === undefined) throw new Error('connectionId: unknown; was the server made with the options startTestServer passed (its layer)?');
      return id;
    },
  });
  const dispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
  if (dispose !== undefined) Object.defineProperty(client, dispose, { value: () => client.close() });
  return client as unknown as C & TestHelpers<unknown>;
}

/** A `ws` WebSocket that reports each text frame and the close before anyone else hears of them. */
function recordingSocket(
  onOpen: (ws: WebSocket) => void,
  onFrame: (text: string) => void,
  onClose: (code: number, reason: string) => void,
): WebSocketConstructor {
  return class RecordingSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
      super(url, protocols, options);
      onOpen(this);
      this.on('message', (data, isBinary) => onFrame(isBinary ? `(binary, ${(data as Buffer).length} bytes)` : String(data)));
      this.on('close', (code, reason) => onClose(code, reason.toString()));
    }
  } as unknown as WebSocketConstructor;
}
