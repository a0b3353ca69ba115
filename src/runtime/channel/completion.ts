/**
 * Chanx's completion frames (SEND_COMPLETION), one gate for all three: `complete` after a client's
 * frame was handled, `group_complete` after each group broadcast a connection receives,
 * `event_complete` after the frames an event produced. On a plain channel they carry no `ref`,
 * topic or other key (Chanx's CompleteMessage, GroupCompleteMessage, EventCompleteMessage).
 */
export const COMPLETE = '{"action":"complete","payload":null}';
export const GROUP_COMPLETE = '{"action":"group_complete","payload":null}';
export const EVENT_COMPLETE = '{"action":"event_complete","payload":null}';
