/** specs/system.yaml grown by a `time` request with a `time_reply`: a handler the document gains. */

const GROWN_MESSAGES = `
    time_message:
      payload:
        type: object
        properties:
          action: { type: string, const: time, default: time }
          payload: { type: 'null', default: null }
    time_reply:
      payload:
        type: object
        properties:
          action: { type: string, const: time_reply, default: time_reply }
          payload: { type: object, properties: { now: { type: string } }, required: [now] }
        required: [payload]
`;

export function grow(spec: string): string {
  return spec
    .replace(
      '      user_message:\n        $ref',
      "      time_message:\n        $ref: '#/components/messages/time_message'\n      time_reply:\n        $ref: '#/components/messages/time_reply'\n      user_message:\n        $ref",
    )
    .replace(
      'operations:\n',
      "operations:\n  handle_time:\n    action: receive\n    channel:\n      $ref: '#/channels/system'\n    summary: Tell the time\n    messages:\n      - $ref: '#/channels/system/messages/time_message'\n    reply:\n      channel:\n        $ref: '#/channels/system'\n      messages:\n        - $ref: '#/channels/system/messages/time_reply'\n",
    )
    .replace('components:\n  messages:\n', `components:\n  messages:${GROWN_MESSAGES}`);
}
