import type { ApiModel } from '../model/types.js';
import { commentText } from './escape.js';
import { GENERATED_MARKER } from './generated-file.js';

/** The first lines of every generated file: what made it, from what, and a hash of the inputs. */
export function header(model: ApiModel): string {
  return `${GENERATED_MARKER} from ${commentText(model.specPath).replace(/\n/g, ' ')}. Do not edit.\n// Inputs sha256: ${model.inputHash}\n`;
}

/** The header's first line, as `header` writes it. */
const FIRST_LINE = new RegExp(`^${GENERATED_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} from (.+)\\. Do not edit\\.$`);

/** The spec path the header of a generated file's `content` names (as written there), if it has one. */
export function specInHeader(content: string): string | undefined {
  const end = content.indexOf('\n');
  return FIRST_LINE.exec(end === -1 ? content : content.slice(0, end))?.[1];
}
