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

describe('names that must not clash (issue 21)', () => {
  it('keeps folders apart that differ only by case, and never takes a device name', () => {
    const folders = new NameAllocator(['con'], { ignoreCase: true });
    expect(['channelEvents', 'ChannelEvents', 'CON', 'Con'].map((n) => folders.allocate(n))).toEqual(['channelEvents', 'ChannelEvents2', 'CON2', 'Con3']);
  });

  it('gives a reserved name its suffix, and remembers what was asked for', () => {
    const methods = new NameAllocator(['onEvent']);
    expect(methods.allocate('onEvent', 'Message')).toBe('onEventMessage');
    expect(methods.allocate('onEvent', 'Message')).toBe('onEventMessage2');
    expect(methods.allocate('onPing', 'Message')).toBe('onPing');
    expect(methods.allocate('onPing', 'Message')).toBe('onPing2');
    expect([methods.original('onEventMessage'), methods.original('onPing2'), methods.original('onPing')]).toEqual(['onEvent', 'onPing', undefined]);
  });

  it('cuts a very long folder name, keeping cut names apart by a hash of the whole key', () => {
    const a = folderName(`${'a'.repeat(300)}/x`);
    const b = folderName(`${'a'.repeat(300)}/y`);
    expect(a.length).toBeLessThanOrEqual(120);
    expect(a).not.toBe(b);
    expect(folderName(`${'a'.repeat(300)}/x`)).toBe(a);
  });
});
