/**
 * What a stub's class declares, as the TypeScript parser sees it: the one answer to "does the class
 * already have this method?". Never a text match: `onTime: 0,` inside a field's initialiser is not a
 * method, and only a parse can tell. Answers are remembered by a hash of the class name and the
 * file's bytes, in this process and (through check-cache.ts) across runs, so that an unchanged stub
 * is not parsed again and `--check` can vouch for it without loading the compiler.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ClassDeclaration, SourceFile } from 'typescript';

const require = createRequire(import.meta.url);

/** The member names of the class, or null when the file has no class of that name. */
export type Members = readonly string[] | null;

const known = new Map<string, Members>();

/** The key an answer is remembered under: the class's name and the file's exact bytes. */
export function membersKey(text: string, className: string): string {
  return createHash('sha256').update(className).update('\0').update(text).digest('hex');
}

/** What an earlier parse of exactly these bytes found, without parsing (undefined: never parsed). */
export function knownMembers(text: string, className: string): Members | undefined {
  return known.get(membersKey(text, className));
}

/** Records what a parse of `text` found (or what is known by construction, for a fresh stub). */
export function learnMembers(text: string, className: string, members: Members): void {
  known.set(membersKey(text, className), members);
}

/** Answers remembered from an earlier run (keys as membersKey gives them). */
export function seedMembers(entries: Iterable<[string, Members]>): void {
  for (const [key, members] of entries) if (!known.has(key)) known.set(key, members);
}

export interface ParsedClass {
  source: SourceFile;
  cls: ClassDeclaration | undefined;
  members: Members;
}

/** Parses `text` and finds the class: always a real parse, and remembered. */
export function parseClass(text: string, className: string): ParsedClass {
  const ts = require('typescript') as typeof import('typescript');
  const source = ts.createSourceFile('consumer.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cls = source.statements.find((s): s is ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className);
  let members: Members = null;
  if (cls !== undefined) {
    const names: string[] = [];
    for (const member of cls.members) {
      const name = member.name;
      if (name === undefined) continue;
      if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) names.push(name.text);
      // ['onPing']() and [`onPing`]() declare onPing too; [Symbol.iterator]() names nothing we generate.
      else if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) names.push(name.expression.text);
    }
    members = names;
  }
  learnMembers(text, className, members);
  return { source, cls, members };
}

/** The class's members: remembered when these bytes were seen before, else parsed. */
export function classMembers(text: string, className: string): Members {
  const remembered = knownMembers(text, className);
  return remembered !== undefined ? remembered : parseClass(text, className).members;
}

/**
 * The names a file binds at its top level (imports, classes, functions, variables, types) and where
 * an import line goes: after the last import (`after`), else at the start of the first statement.
 */
export function topLevelNames(text: string): { names: Set<string>; importsEnd: { at: number; after: boolean } } {
  const ts = require('typescript') as typeof import('typescript');
  const source = ts.createSourceFile('consumer.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  let lastImport: import('typescript').ImportDeclaration | undefined;
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s)) {
      lastImport = s;
      const clause = s.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings !== undefined) for (const e of bindings.elements) names.add(e.name.text);
    } else if (
      (ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) &&
      s.name !== undefined
    ) {
      names.add(s.name.text);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    }
  }
  const first = source.statements[0];
  const importsEnd =
    lastImport !== undefined ? { at: lastImport.end, after: true } : { at: first === undefined ? text.length : first.getStart(source), after: false };
  return { names, importsEnd };
}
