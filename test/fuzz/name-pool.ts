/**
 * Names a document may bring that the generated code also uses (issue 21 item 2): every export of
 * chanx-gen/runtime and chanx-gen/client, read from the built .d.ts (so a new export is covered
 * without touching this file), TypeScript's and Node's globals and the keywords, as the compiler
 * itself lists them, and the handlers' hooks.
 */
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/cli.js';

export const HOOK_NAMES = [
  'authenticate',
  'onConnect',
  'onDisconnect',
  'onEvent',
  'authorize',
  'onSubscribe',
  'onUnsubscribe',
  'Connect',
  'Disconnect',
  'Event',
  'Subscribe',
  'Unsubscribe',
  'Authenticate',
];

export interface NamePool {
  runtimeExports: string[];
  globals: string[];
  keywords: string[];
}

let pool: NamePool | undefined;

export function namePool(): NamePool {
  if (pool !== undefined) return pool;
  const entries = ['dist/runtime/index.d.ts', 'dist/runtime/client.d.ts'].map((f) => path.join(ROOT, f));
  const probe = path.join(ROOT, 'test/fuzz/name-pool.ts');
  const program = ts.createProgram([...entries, probe], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const runtimeExports = entries.flatMap((f) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(f)!)!).map((s) => s.name));
  // Globals in scope of an ordinary module, as the compiler sees them (lib es2022 and @types/node).
  const scope = checker.getSymbolsInScope(program.getSourceFile(probe)!.statements[0]!, ts.SymbolFlags.Type | ts.SymbolFlags.Value);
  const globals = scope.map((s) => s.name).filter((n) => /^[A-Za-z]/.test(n) && !runtimeExports.includes(n));
  const keywords: string[] = [];
  for (let k = ts.SyntaxKind.FirstKeyword; k <= ts.SyntaxKind.LastKeyword; k++) keywords.push(ts.tokenToString(k)!);
  pool = { runtimeExports: [...new Set(runtimeExports)].sort(), globals: [...new Set(globals)].sort(), keywords };
  return pool;
}
