/** Topics in the model (DESIGN §10): parents, patterns, dedicated routes, one implementation per topic. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { compileTopicPattern } from '../../src/runtime/topics/topic.js';
import { ROOT } from '../helpers/cli.js';
import { modelOf } from '../helpers/model.js';

const SPEC = readFileSync(path.join(ROOT, 'test/fixtures/topics/spec.yaml'), 'utf8');
const edit = (from: string, to: string): string => {
  expect(SPEC).toContain(from);
  return SPEC.replace(from, to);
};

describe('x-topic channels', () => {
  it('are topics of the channel at their address, or served on their own route; a twin reuses the hosted implementation', async () => {
    const { model, warnings } = await modelOf(SPEC);
    const byKey = Object.fromEntries(model.channels.map((c) => [c.key, c]));
    expect(byKey['hub']!.topics).toEqual(['hub_discussion', 'hub_ticker']);
    expect(byKey['hub']!.topic).toBeUndefined();
    expect(byKey['hub_discussion']!.topic).toEqual({
      name: 'discussion_topic',
      pattern: 'discussion:{pk}',
      params: ['pk'],
      parent: 'hub',
      implementedBy: 'hub_discussion',
      className: 'DiscussionTopic',
      definition: 'discussionTopic',
    });
    expect(byKey['hub_discussion']!.topicOf).toEqual({ parent: 'hub', name: 'discussion_topic', pattern: 'discussion:{pk}' });
    expect(byKey['hub_ticker']!.topic).toMatchObject({ params: ['market', 'symbol'], parent: 'hub', className: 'TickerTopic' });
    expect(byKey['discussion']!.topic).toMatchObject({
      parent: null,
      implementedBy: 'hub_discussion',
      className: 'DiscussionTopic',
      definition: 'discussionTopic',
    });
    expect(byKey['discussion']!.topicOf).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('gives a dedicated route its own implementation when its messages differ from the hosted topic of that name', async () => {
    const spec = edit(
      "  discussion_push_new_reply:\n    action: send\n    channel: { $ref: '#/channels/discussion' }",
      "  discussion_push_new_reply:\n    action: receive\n    channel: { $ref: '#/channels/discussion' }",
    );
    const { model } = await modelOf(spec);
    const dedicated = model.channels.find((c) => c.key === 'discussion')!;
    expect(dedicated.topic).toMatchObject({ parent: null, implementedBy: 'discussion', className: 'DiscussionTopic2', definition: 'discussionTopic2' });
  });

  it('refuses a dedicated route whose address cannot fill the pattern, with its location', async () => {
    const err = await modelOf(
      edit('address: /ws/discussion/{pk}', 'address: /ws/discussion/{id}').replace(
        "pk: { description: The discussion's key. }",
        "id: { description: The discussion's key. }",
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const [d] = (err as InputError).diagnostics;
    expect(d).toMatchObject({ severity: 'error', file: 'spec.yaml', line: 30 });
    expect(d!.message).toContain('has no {pk} to fill the pattern with');
  });

  it('refuses a topic message that takes an action the topic protocol reserves', async () => {
    const err = await modelOf(edit('action: { type: string, const: reply }, payload', 'action: { type: string, const: subscribe }, payload')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).diagnostics.map((d) => d.message)).toContain(
      "message 'reply' of topic channel 'discussion' uses the action 'subscribe', which the topic protocol reserves for itself",
    );
  });

  it('serves an x-topic without a pattern as a plain channel, with a located warning', async () => {
    const { model, warnings } = await modelOf(edit("x-topic: { name: ticker_topic, pattern: 'ticker:{market}:{symbol}' }", 'x-topic: { name: ticker_topic }'));
    expect(model.channels.find((c) => c.key === 'hub_ticker')!.topic).toBeUndefined();
    expect(model.channels.find((c) => c.key === 'hub')!.topics).toEqual(['hub_discussion']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file: 'spec.yaml', line: 23 });
    // Served as a plain channel, it shares the hub's address, where the hub is mounted: said too.
    expect(warnings[1]!.message).toMatch(/^channel 'hub_ticker' has the address of channel 'hub' \(\/ws\/hub\): the server mounts 'hub' there/);
  });
});

describe('topic patterns', () => {
  it.each([
    ['discussion:{pk}', 'discussion:5', { pk: '5' }],
    ['discussion:{pk}', 'discussion:', undefined],
    ['discussion:{pk}', 'discussion:5:6', undefined],
    ['ticker:{market}:{symbol}', 'ticker:nyse:ACME', { market: 'nyse', symbol: 'ACME' }],
    ['a.b+{x}', 'a.b+1', { x: '1' }],
    ['a.b+{x}', 'aXb+1', undefined],
    ['fixed', 'fixed', {}],
  ])('%s matches %s as Chanx does', (pattern, topic, params) => {
    const compiled = compileTopicPattern(pattern);
    expect(compiled.match(topic)).toEqual(params);
    if (params !== undefined) expect(compiled.fill(params)).toBe(topic);
  });
});
