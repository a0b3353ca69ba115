/**
 * The files of one channel's folder: messages.ts, validators.ts, handlers.ts, router.ts and
 * the consumer.ts stub. Views are computed here; templates only lay them out.
 */
import type { ApiModel, ChannelModel } from '../model/types.js';
import { reachableSchemas } from '../model/schema-registry.js';
import { jsDoc, stringLiteral } from './escape.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';
import { declareType } from './schema-to-ts.js';
import { consumerClassName, stubMethod, stubImports } from './stub-methods.js';
import { render } from './templates.js';
import { validatorsSource } from './validators.js';
import { clientFiles } from './client-files.js';
import { camelCase, isIdentifier } from '../model/names.js';
import { modelTitles, titlesLiteral } from './model-titles.js';
import { routerUnions, unionsLiteral } from './tagged-unions.js';
import { isTopic, routerTopicView, topicHandlers, topicStub } from './topic-files.js';
import { runtimeImports } from './runtime-names.js';
import { defaultsFiller } from './defaults.js';
import { starterTest } from './starter-test.js';

export function channelNames(channel: ChannelModel) {
  const t = channel.typeName;
  return {
    toServer: `${t}ToServer`,
    toClient: `${t}ToClient`,
    handlers: `${t}Handlers`,
    context: `${t}Context`,
    params: `${t}Params`,
    routeFn: camelCase(`route_${t}`),
    channelConst: camelCase(`${t}_channel`),
    consumerClass: consumerClassName(channel),
  };
}

export function channelFiles(model: ApiModel, channel: ChannelModel, warn: (message: string) => void): GeneratedFile[] {
  const names = channelNames(channel);
  const head = header(model);
  const dir = channel.folder;
  const channelLiteral = stringLiteral(channel.key);
  const addressLiteral = stringLiteral(channel.address);
  const all = [...channel.incoming, ...channel.outgoing, ...channel.unused];
  const envelopes = new Set(all.map((m) => m.typeName));
  const sent = new Set([...channel.outgoing, ...channel.unused].map((m) => m.typeName));
  const tags = new Map<string, { field: string; value: string }>();
  for (const m of channel.incoming) if (channel.discriminator !== null && m.tag !== null) tags.set(m.typeName, { field: channel.discriminator, value: m.tag });
  const union = (types: string[]) => (types.length === 0 ? 'never' : [...new Set(types)].sort().join(' | '));

  const messages = render('messages.ts', {
    header: head,
    declarations: reachableSchemas([...envelopes].sort(), model.schemas).map((name) => {
      const tag = tags.get(name);
      const renamed = Object.hasOwn(model.renamed, name) ? model.renamed[name] : undefined;
      return declareType(name, model.schemas[name] ?? true, {
        ...(envelopes.has(name) ? { literalsRequired: sent.has(name) ? ('always' as const) : ('defaulted' as const) } : {}),
        ...(tag !== undefined ? { tag } : {}),
        ...(renamed !== undefined ? { renamedFrom: renamed } : {}),
      });
    }),
    channelLiteral,
    toServer: names.toServer,
    toServerUnion: union(channel.incoming.map((m) => m.typeName)),
    toClient: names.toClient,
    toClientUnion: union(channel.outgoing.map((m) => m.typeName)),
  });

  // A topic's twin (the same topic on another route) is typed here and implemented in the twin's folder.
  if (channel.topic !== undefined && channel.topic.implementedBy !== channel.key) {
    // A dedicated route's client needs no envelope: it is a channel client (client-files.ts).
    return [{ kind: 'generated', path: `${dir}/messages.ts`, content: messages }, ...(channel.topicOf === undefined ? clientFiles(model, channel, warn) : [])];
  }

  const incomingTypes = [...new Set(channel.incoming.map((m) => m.typeName))].sort();
  const validatorImport = runtimeImports(['type Validator'], incomingTypes, true);
  const validators = render('validators.ts', {
    header: head,
    runtimeImports: validatorImport.clause,
    typeImports: incomingTypes.join(', '),
    validators: channel.incoming.length > 0,
    code: validatorsSource(
      channel,
      model.schemas,
      model.specPath,
      (message) => warn(`channel '${channel.key}': ${message}`),
      validatorImport.local['Validator']!,
    ),
  });

  const handlerTypes = [...new Set([...incomingTypes, ...channel.incoming.flatMap((m) => m.handler.replies), names.toClient])].sort();
  const handlerResult = channel.incoming.some((m) => m.handler.replies.length > 0);
  const handlerImports = runtimeImports(
    [
      'type AuthRefusal',
      'type ConnectionContext',
      'type EventResult',
      ...(handlerResult ? ['type HandlerResult'] : []),
      'type MaybePromise',
      'type UpgradeRequest',
    ],
    [...handlerTypes, ...Object.values(names)],
    true,
  );
  const handlers = isTopic(channel)
    ? topicHandlers(model, channel, handlerTypes)
    : render('handlers.ts', {
        header: head,
        runtimeImports: handlerImports.clause,
        rt: handlerImports.local,
        typeImports: handlerTypes.join(', '),
        addressLiteral,
        channelLiteral,
        paramsDeclaration:
          channel.params.length === 0
            ? `type ${names.params} = Record<string, never>;`
            : `interface ${names.params} {\n${channel.params.map((p) => `${jsDoc([p.description], '  ')}  readonly ${isIdentifier(p.name) ? p.name : stringLiteral(p.name)}: ${p.enum === undefined ? 'string' : p.enum.map(stringLiteral).join(' | ')};`).join('\n')}\n}`,
        context: names.context,
        toClient: names.toClient,
        params: names.params,
        handlers: names.handlers,
        doc: jsDoc([`Handlers of channel ${channel.key} (${channel.address}).`, channel.description]),
        methods: channel.incoming.map((m) => ({
          doc: jsDoc([m.handler.summary, m.handler.description, m.description && m.description !== m.handler.description ? m.description : undefined], '  '),
          name: m.handler.method,
          message: m.typeName,
          // A handler may answer by other means (a broadcast) and return nothing, as Chanx's may return None.
          returns:
            m.handler.replies.length === 0
              ? `${handlerImports.local['MaybePromise']}<void>`
              : `${handlerImports.local['HandlerResult']}<${m.handler.replies.join(' | ')}>`,
        })),
      });

  const mode = channel.incoming.length === 0 ? 'none' : channel.discriminator !== null ? 'byTag' : channel.incoming.length === 1 ? 'single' : 'byTrial';
  const titles = titlesLiteral(modelTitles(incomingTypes, model.schemas));
  const unions = routerUnions(channel.incoming, model.schemas);
  const topicView = routerTopicView(channel);
  const routerValues = {
    byTag: ['rejectInvalid', 'rejectTag'],
    single: ['rejectInvalid'],
    byTrial: ['rejectAmbiguous', 'rejectUnmatched'],
    none: ['rejectUnmatched'],
  }[mode];
  const routerTypes = [...new Set([names.toClient, ...(mode === 'byTag' ? [names.toServer] : []), ...(mode === 'byTrial' ? incomingTypes : [])])].sort();
  const routerImports = runtimeImports(
    [...routerValues, `type ${topicView.definitionType}`, ...(titles !== '' ? ['type ModelTitles'] : []), ...(unions.size > 0 ? ['type TaggedUnions'] : [])],
    [...routerTypes, ...Object.values(names)],
  );
  // Decided now: no function (and no cost per frame) when nothing the channel sends declares a default.
  const filler = defaultsFiller(camelCase(`fill_${channel.typeName}_defaults`), channel.outgoing, channel.discriminator ?? 'action', model.schemas);
  const router = render('router.ts', {
    fillCode: filler?.code ?? false,
    fillName: filler?.name ?? false,
    header: head,
    runtimeImports: routerImports.clause,
    rt: {
      ChannelDefinition: 'ChannelDefinition',
      TopicDefinition: 'TopicDefinition',
      ModelTitles: 'ModelTitles',
      TaggedUnions: 'TaggedUnions',
      ...routerImports.local,
    },
    context: names.context,
    handlers: names.handlers,
    params: names.params,
    typeImports: routerTypes.join(', '),
    validatorImports: channel.incoming.map((m) => m.validatorName).join(', ') || '',
    titles,
    unions: unionsLiteral(unions),
    byTag: mode === 'byTag',
    single: mode === 'single',
    byTrial: mode === 'byTrial',
    none: mode === 'none',
    tagList: channel.incoming.map((m) => stringLiteral(m.tag ?? '')).join(', '),
    nameList: channel.incoming.map((m) => stringLiteral(m.key)).join(', '),
    unmatchedList: channel.incoming.map((m) => `[${stringLiteral(m.key)}, ${m.validatorName}.errors]`).join(', '),
    fieldLiteral: stringLiteral(channel.discriminator ?? ''),
    discriminatorLiteral: channel.discriminator === null ? 'null' : stringLiteral(channel.discriminator),
    paramValues: channel.params
      .filter((p) => p.enum !== undefined)
      .map((p) => `${isIdentifier(p.name) ? p.name : stringLiteral(p.name)}: [${p.enum!.map(stringLiteral).join(', ')}]`)
      .join(', '),
    routeFn: names.routeFn,
    ...topicView,
    channelConst: names.channelConst,
    channelLiteral,
    addressLiteral,
    toServer: names.toServer,
    toClient: names.toClient,
    cases: channel.incoming.map((m) => ({
      tag: stringLiteral(m.tag ?? ''),
      validator: m.validatorName,
      method: m.handler.method,
      type: m.typeName,
      unions: unions.has(m.validatorName) ? `, UNIONS.${m.validatorName}` : '',
    })),
  });

  const methods = channel.incoming.map((m) => ({ name: m.handler.method, text: stubMethod(channel, m, model.schemas) }));
  const consumer = render('consumer.ts', {
    specPath: model.specPath.replace(/\n/g, ' '),
    context: names.context,
    handlers: names.handlers,
    className: names.consumerClass,
    doc: jsDoc([`Handles channel ${channel.key} (${channel.address}); one instance per connection.`, channel.description]),
    methods: methods.map((m) => m.text).join('\n\n'),
  });

  const files: GeneratedFile[] = [
    { kind: 'generated', path: `${dir}/messages.ts`, content: messages },
    { kind: 'generated', path: `${dir}/validators.ts`, content: validators },
    { kind: 'generated', path: `${dir}/handlers.ts`, content: handlers },
    { kind: 'generated', path: `${dir}/router.ts`, content: router },
    isTopic(channel)
      ? topicStub(model, channel)
      : { kind: 'stub', path: `${dir}/consumer.ts`, content: consumer, className: names.consumerClass, methods, imports: stubImports(names.context) },
    // Created with the stub, then the user's; a channel reached through its host (a topic) has no client to test with.
    ...(isTopic(channel) || channel.topicOf !== undefined ? [] : [starterTest(model, channel)]),
    // A hosted topic is reached through its host's connection, not with a client of its own.
    ...(channel.topicOf === undefined ? clientFiles(model, channel, warn) : []),
  ];
  return files;
}
