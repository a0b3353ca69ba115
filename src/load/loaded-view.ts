import type { Diagnostic } from './diagnostics.js';
import type { DocumentView } from './document-view.js';
import type { SourceFile } from './source-files.js';

/** What loading gives the model: the parser's reading of the document, and the files it came from. */
export interface LoadedView {
  view: DocumentView;
  files: SourceFile[];
  inputHash: string;
  warnings: Diagnostic[];
}
