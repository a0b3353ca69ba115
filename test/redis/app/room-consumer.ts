// The test app's room consumer (copied over the generated stub by test/redis/app.ts). It joins
// room:<name> on connect, broadcasts what is said, and handles events before its client sees them.
import type { RoomContext, RoomHandlers } from './handlers.js';
import type * as M from './messages.js';
import type { RoomToClient } from './messages.js';

export class RoomConsumer implements RoomHandlers {
  onConnect(ctx: RoomContext): void {
    ctx.join(`room:${ctx.params.room}`);
    ctx.send({ action: 'joined', payload: { id: ctx.id } });
  }

  onSay(message: M.Say, ctx: RoomContext): void {
    ctx.broadcast({ action: 'said', payload: { text: message.payload.text, from: ctx.id } }, { excludeSelf: message.payload.others === true });
  }

  onEnter(message: M.Enter, ctx: RoomContext): void {
    ctx.join(message.payload.group);
  }

  /** Answers how many groups it reached, except for a `quiet` text: then the broadcast is the only answer (Chanx's return None). */
  onAnnounce(message: M.Announce, ctx: RoomContext): M.Announced | undefined {
    const groups = message.payload.groups;
    ctx.broadcast({ action: 'said', payload: { text: message.payload.text, from: ctx.id } }, { groups, excludeSelf: message.payload.others === true });
    if (message.payload.text === 'quiet') return undefined;
    return { action: 'announced', payload: { groups: groups.length } };
  }

  onLeave(_message: M.Leave, ctx: RoomContext): M.Left {
    ctx.leave(`room:${ctx.params.room}`);
    return { action: 'left', payload: null };
  }

  /**
   * Events whose text starts with drop are dropped, fail throws, shout is upper-cased, answer is
   * acknowledged, slow waits, twice comes twice, echo is broadcast to the room as well.
   */
  async onEvent(event: RoomToClient, ctx: RoomContext): Promise<RoomToClient | RoomToClient[] | undefined> {
    if (event.action !== 'notice') return event;
    const text = event.payload.text;
    if (text.startsWith('drop')) return undefined;
    if (text.startsWith('fail')) throw new Error('the hook failed');
    if (text.startsWith('shout')) return { action: 'notice', payload: { text: text.toUpperCase() } };
    if (text.startsWith('answer')) ctx.send({ action: 'said', payload: { text: `ack ${text}`, from: 'hook' } });
    if (text.startsWith('slow')) await new Promise((resolve) => setTimeout(resolve, 30));
    if (text.startsWith('twice')) return [event, event];
    if (text.startsWith('echo')) ctx.broadcast({ action: 'said', payload: { text, from: ctx.id } });
    return event;
  }
}
