/**
 * What a stub's class declares, as the parser sees it, and how answers are remembered: an answer
 * counts only for the same class name and the same bytes, and a fresh parse is never overridden by
 * a note from an earlier run.
 */
import { describe, expect, it } from 'vitest';
import { classMembers, knownMembers, learnMembers, parseClass, seedMembers, membersKey } from '../../src/write/class-members.js';

describe('parseClass', () => {
  it('names every named member: fields, #private, quoted and computed-literal methods, accessors, arrow properties', () => {
    const text = [
      'export default class {}',
      'export class C {',
      '  static x = 1;',
      '  #secret = 2;',
      '  private y?: number;',
      '  [key: string]: unknown;',
      '  constructor() {}',
      "  'quoted'(): void {}",
      '  [Symbol.iterator](): void {}',
      "  ['computed'](): void {}",
      '  [`template`](): void {}',
      '  1(): void {}',
      '  static {}',
      '  ;',
      '  get value(): number { return 1; }',
      '  onPing = (): void => {};',
      '}',
      '',
    ].join('\n');
    expect(parseClass(text, 'C').members).toEqual(['x', '#secret', 'y', 'quoted', 'computed', 'template', 'value', 'onPing']);
  });

  it('finds the class among others, and answers null when there is none of that name', () => {
    const text = 'class A {\n  onA(): void {}\n}\nexport class C {}\n';
    expect(parseClass(text, 'C').members).toEqual([]);
    expect(parseClass(text, 'A').members).toEqual(['onA']);
    expect(parseClass(text, 'B')).toMatchObject({ cls: undefined, members: null });
  });

  it('remembers what it found for exactly those bytes', () => {
    const text = 'export class C {\n  onRemembered(): void {}\n}\n';
    expect(knownMembers(text, 'C')).toBeUndefined();
    parseClass(text, 'C');
    expect(knownMembers(text, 'C')).toEqual(['onRemembered']);
    expect(knownMembers(`${text} `, 'C')).toBeUndefined();
  });
});

describe('remembered answers', () => {
  it('count only for the same class name and bytes, even when name and text join to the same string', () => {
    learnMembers('Bfile {}', 'A', ['onA']);
    expect(knownMembers('Bfile {}', 'A')).toEqual(['onA']);
    expect(knownMembers('file {}', 'AB')).toBeUndefined();
    expect(membersKey('Bfile {}', 'A')).not.toBe(membersKey('file {}', 'AB'));
  });

  it('are what classMembers answers, without a parse; unseen bytes are parsed', () => {
    const text = 'export class C {\n  onParsed(): void {}\n}\n';
    learnMembers(text, 'C', ['onNoted']);
    expect(classMembers(text, 'C')).toEqual(['onNoted']);
    expect(classMembers(`${text}\n`, 'C')).toEqual(['onParsed']);
  });

  it('from an earlier run fill in what this run has not parsed, and never override a parse', () => {
    const parsed = 'export class C {\n  onHere(): void {}\n}\n';
    const unseen = 'export class C {\n  onThere(): void {}\n}\n// unseen\n';
    parseClass(parsed, 'C');
    seedMembers([
      [membersKey(parsed, 'C'), ['onStale']],
      [membersKey(unseen, 'C'), ['onThere']],
    ]);
    expect(knownMembers(parsed, 'C')).toEqual(['onHere']);
    expect(knownMembers(unseen, 'C')).toEqual(['onThere']);
  });
});
