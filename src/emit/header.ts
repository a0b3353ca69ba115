import type { ApiModel } from '../model/types.js';
import { commentText } from './escape.js';
import { GENERATED_MARKER } from './generated-file.js';

/** The first lines of every generated file: what made it, from what, and a hash of the inputs. */
export function header(model: ApiModel): string {
  return `${GENERATED_MARKER} from ${commentText(model.specPath).replace(/\n/g, ' ')}. Do not edit.\n// Inputs sha256: ${model.inputHash}\n`;
}
