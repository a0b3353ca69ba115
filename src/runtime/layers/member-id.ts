/**
 * Connection ids, unique across processes: a random tag for this process, then a counter. The
 * Redis layer routes `sendToMember` by the tag (each process listens on its own inbox).
 */
import { randomBytes } from 'node:crypto';

export const PROCESS_TAG = randomBytes(6).toString('base64url');

let next = 0;

export function nextMemberId(): string {
  return `${PROCESS_TAG}.${(++next).toString(36)}`;
}

/** The process tag of a member id, or undefined when the id is not one of ours. */
export function processTagOf(id: string): string | undefined {
  const dot = id.lastIndexOf('.');
  return dot > 0 ? id.slice(0, dot) : undefined;
}
