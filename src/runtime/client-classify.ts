/** Which server-to-client message a frame is, by the precompiled validators: a name, or why none. */
import type { ClientChannel } from './client-types.js';

export function classifyFrame(channel: ClientChannel, frame: Record<string, unknown>): string | { problem: string } {
  if (channel.receiveField !== null) {
    const name = frame[channel.receiveField];
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(channel.receives, name)) {
      return { problem: `'${channel.receiveField}' is ${JSON.stringify(name)}, which is none of ${Object.keys(channel.receives).map((n) => `'${n}'`).join(', ') || 'nothing (this channel sends no messages)'}` };
    }
    const validate = channel.receives[name]!;
    return validate(frame) ? name : { problem: `${name}: ${explain(validate.errors)}` };
  }
  const matches = Object.entries(channel.receives).filter(([, validate]) => validate(frame));
  if (matches.length === 1) return matches[0]![0];
  return { problem: matches.length === 0 ? 'it matches no message of the channel' : `it matches several messages: ${matches.map(([n]) => n).join(', ')}` };
}

function explain(errors: { instancePath: string; message?: string }[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ') || 'invalid';
}
