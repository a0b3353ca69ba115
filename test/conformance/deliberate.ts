/**
 * Where our server answers differently from Chanx 2.10 on purpose (DESIGN §4), each with its reason
 * and an exact rule: a difference is deliberate only when our answer is precisely what the rule
 * says given Chanx's. Anything else is a defect.
 */
import type { Observation, WireCase } from './replay.js';
import { isDeepStrictEqual } from 'node:util';

export interface DeliberateDifference {
  reason: string;
  /** Does our observation differ from Chanx's in exactly this way? */
  explains(c: WireCase, chanx: Observation, ours: Observation): boolean;
}

const sentText = (c: WireCase): string | undefined => (typeof c.sent === 'string' ? c.sent : undefined);

/** The `ref` of the frame a case sent, when it is a JSON object with a string ref. */
function sentRef(c: WireCase): string | undefined {
  const text = sentText(c);
  if (text === undefined) return undefined;
  try {
    const frame = JSON.parse(text) as Record<string, unknown>;
    return typeof frame['ref'] === 'string' ? frame['ref'] : undefined;
  } catch {
    return undefined;
  }
}

export const DELIBERATE: DeliberateDifference[] = [
  {
    reason:
      'Chanx drops the connection (1006) on a frame it cannot decode (not JSON, empty, whitespace, trailing garbage, a BOM, a binary frame); ' +
      'we answer json_invalid and keep the connection (DESIGN §4: a bad frame gets an error frame, the connection keeps working)',
    explains(_c, chanx, ours) {
      if (chanx.closed?.code !== 1006 || (chanx.received?.length ?? 0) !== 0) return false;
      if (ours.closed !== undefined || !isDeepStrictEqual(ours.welcome, chanx.welcome)) return false;
      const [only, ...rest] = ours.received ?? [];
      const item = (only as { action?: unknown; payload?: { type?: unknown; loc?: unknown; msg?: unknown }[] } | undefined)?.payload?.[0];
      return (
        rest.length === 0 &&
        (only as { action?: unknown } | undefined)?.action === 'error' &&
        item?.type === 'json_invalid' &&
        isDeepStrictEqual(item.loc, []) &&
        String(item.msg).startsWith('Invalid JSON: ')
      );
    },
  },
  {
    reason:
      "we copy the request's ref onto every frame that answers it, so clients can match replies to requests (DESIGN §4; Chanx does so on topic frames only, and Chanx clients ignore the extra key)",
    explains(c, chanx, ours) {
      const ref = sentRef(c);
      if (ref === undefined || chanx.received === undefined || ours.closed !== undefined || chanx.closed !== undefined) return false;
      const stamped = chanx.received.map((frame) => ({ ...(frame as object), ref }));
      return isDeepStrictEqual(ours.welcome, chanx.welcome) && isDeepStrictEqual(ours.received, stamped);
    },
  },
  {
    reason: 'frames over the 1 MiB default limit close the connection with 1009, as ws does (DESIGN §4); Chanx under uvicorn takes up to 16 MiB',
    explains(c, chanx, ours) {
      const s = c.sent as { length_bytes?: number } | null;
      return (
        typeof s?.length_bytes === 'number' &&
        s.length_bytes > 1024 * 1024 &&
        chanx.closed === undefined &&
        ours.closed?.code === 1009 &&
        isDeepStrictEqual(ours.received, []) &&
        isDeepStrictEqual(ours.welcome, chanx.welcome)
      );
    },
  },
  {
    reason: 'an unknown path is refused with 404 before the upgrade (DESIGN §4); Chanx answers 403',
    explains(_c, chanx, ours) {
      return chanx.http_status === 403 && ours.http_status === 404;
    },
  },
];
