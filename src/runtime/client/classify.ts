/** Which server-to-client message a frame is, by the precompiled validators: a name, or why none. */
import { isAuthenticationFrame, isRefusal } from './errors.js';
import type { AuthenticationFrame, ClientChannel, ClientTopic } from './types.js';

type Receiver = Pick<ClientChannel, 'receiveField' | 'receives'>;

/** Topic control answers (DESIGN §10) that no document lists. */
const TOPIC_CONTROL = new Set(['subscribed', 'unsubscribed']);

export function classifyFrame(channel: ClientChannel, frame: Record<string, unknown>): string | { problem: string } {
  const topic = frame['topic'];
  if (typeof topic !== 'string') return classify(channel, frame);
  if (typeof frame['action'] === 'string' && TOPIC_CONTROL.has(frame['action'])) return frame['action'];
  const spec = topicOf(channel, topic);
  return spec === undefined ? { problem: `topic '${topic}' matches no topic of channel '${channel.key}'` } : classify(spec, frame);
}

/** The topic whose pattern matches `name`. */
export function topicOf(channel: ClientChannel, name: string): ClientTopic | undefined {
  return channel.topics?.find((t) => patternRegExp(t.pattern).test(name));
}

const compiled = new Map<string, RegExp>();
export function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re === undefined) {
    // Its own escape, not path-template's: the browser client is the client*.js modules alone.
    const source = pattern
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('([^:]+)');
    compiled.set(pattern, (re = new RegExp(`^${source}$`)));
  }
  return re;
}

/** A pattern's parameters filled in: `room:{room_name}` with `{ room_name: 'lobby' }` is `room:lobby`. */
export function topicName(pattern: string, params: Readonly<Record<string, string>>): string {
  return pattern.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') throw new TypeError(`topic parameter '${name}' of ${pattern} is missing`);
    return value;
  });
}

function classify(receiver: Receiver, frame: Record<string, unknown>): string | { problem: string } {
  if (receiver.receiveField !== null) {
    const name = frame[receiver.receiveField];
    if (typeof name !== 'string' || !Object.hasOwn(receiver.receives, name)) {
      return {
        problem: `'${receiver.receiveField}' is ${JSON.stringify(name)}, which is none of ${
          Object.keys(receiver.receives)
            .map((n) => `'${n}'`)
            .join(', ') || 'nothing (no messages are sent here)'
        }`,
      };
    }
    const validate = receiver.receives[name]!;
    return validate(frame) ? name : { problem: `${name}: ${explain(validate.errors)}` };
  }
  const matches = Object.entries(receiver.receives).filter(([, validate]) => validate(frame));
  if (matches.length === 1) return matches[0]![0];
  return { problem: matches.length === 0 ? 'it matches no message here' : `it matches several messages: ${matches.map(([n]) => n).join(', ')}` };
}

function explain(errors: { instancePath: string; message?: string }[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ') || 'invalid';
}

/** The refusal `data` is: Chanx's authentication frame, unless the document names such a message. */
export function refusalIn(channel: ClientChannel, data: unknown): AuthenticationFrame | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : String(data));
  } catch {
    return undefined;
  }
  if (frame === null || typeof frame !== 'object') return undefined;
  const record = frame as Record<string, unknown>;
  if (!isAuthenticationFrame(record) || !isRefusal(record)) return undefined;
  return typeof classifyFrame(channel, record) === 'string' ? undefined : record;
}
