// Created by chanx-gen from specs/system.yaml. This file is yours: chanx-gen never rewrites it.
// When the document gains a handler, regenerating appends a stub method to the class below.
import type { SystemContext, SystemHandlers } from './handlers.js';
import type * as M from './messages.js';

/**
 * Handles channel system (/ws/system); one instance per connection.
 *
 * System Messages Consumer - Direct WebSocket without channel layers
 */
export class SystemConsumer implements SystemHandlers {
  /** Greets the client as soon as it connects (Chanx's post_authentication). */
  onConnect(ctx: SystemContext): void {
    ctx.send({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
  }

  /**
   * Handle ping requests
   *
   * Simple ping-pong for connectivity testing
   */
  onPing(_message: M.PingMessage, _ctx: SystemContext): M.PongMessage {
    return { action: 'pong', payload: null };
  }

  /**
   * Handle message user send to system
   *
   * Echo system messages back directly without using channel layers
   */
  onUserMessage(message: M.UserMessage, _ctx: SystemContext): M.SystemEchoMessage {
    return { action: 'system_echo', payload: { message: `🔧 System Echo: ${message.payload.message}` } };
  }
}
