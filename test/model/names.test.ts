import { describe, expect, it } from 'vitest';
import { camelCase, folderName, NameAllocator, pascalCase, typeName } from '../../src/model/names.js';

describe('identifiers from document keys', () => {
  it.each([
    ['user_message', 'UserMessage'],
    ['userMessage', 'UserMessage'],
    ['HTTPServer-status', 'HTTPServerStatus'],
    ['2fast', '_2fast'],
    ['ünïcödé key', 'UnicodeKey'],
    ['', 'Unnamed'],
    ['***', 'Unnamed'],
  ])('pascalCase(%j) = %j', (input, want) => expect(pascalCase(input)).toBe(want));

  it.each([
    ['on_user_message', 'onUserMessage'],
    ['delete', 'delete_'],
    ['class', 'class_'],
    ['9lives', '_9lives'],
  ])('camelCase(%j) = %j', (input, want) => expect(camelCase(input)).toBe(want));

  it.each([
    ['String', 'String'],
    ['object', 'Object'],
    ['never', 'Never'],
  ])('typeName(%j) = %j', (input, want) => expect(typeName(input)).toBe(want));

  it.each([
    ['system', 'system'],
    ['room_chat', 'room_chat'],
    ['/user/{id}/signedup', 'user-id-signedup'],
    ['smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured', 'smartylighting-streetlights-1-0-event-streetlight-id-lighting-measured'],
  ])('folderName(%j) = %j', (input, want) => expect(folderName(input)).toBe(want));

  it('disambiguates clashes in call order, never by position in the document', () => {
    const names = new NameAllocator(['onConnect']);
    expect(['A', 'A', 'onConnect', 'A'].map((n) => names.allocate(n))).toEqual(['A', 'A2', 'onConnect2', 'A3']);
  });
});
