/**
 * The package's public surface, listed by name (values and types alike, read from the built .d.ts
 * with the compiler), so that moving a file can never drop an export unnoticed. A new export is
 * added here on purpose.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

const SURFACE: Record<string, readonly string[]> = {
  'chanx-gen/runtime': [
    'AuthRefusal',
    'BroadcastOptions',
    'ChannelDefinition',
    'ChannelEvents',
    'ChanxMetrics',
    'ChanxMetricsOptions',
    'ChanxServer',
    'ConnectionContext',
    'DispatchOptions',
    'ENVELOPE_VERSION',
    'EntryConsole',
    'EntryProcess',
    'Envelope',
    'ErrorItem',
    'EventHook',
    'EventOf',
    'EventResult',
    'FailureReporter',
    'FrameOutcome',
    'Frames',
    'GroupLayer',
    'HandlerResult',
    'HostedTopic',
    'LayerMember',
    'LayerObserver',
    'LogSettings',
    'Logger',
    'MaybePromise',
    'MemoryLayer',
    'MetricsServer',
    'ModelTitles',
    'NO_ENVELOPE',
    'OriginRule',
    'Outcome',
    'RateLimit',
    'RedisLayer',
    'RedisLayerOptions',
    'RedisLayerStats',
    'Rejection',
    'RejectionType',
    'Route',
    'ServedContent',
    'ServerOptions',
    'TaggedUnion',
    'TaggedUnions',
    'TopicBroadcastOptions',
    'TopicContext',
    'TopicDefinition',
    'TopicEnvelope',
    'TopicErrorReason',
    'TopicHooks',
    'TopicMount',
    'TopicPattern',
    'TopicRouteOptions',
    'TopicRouter',
    'TopicSendOptions',
    'TopicSession',
    'UpgradeRequest',
    'Validator',
    'ValidatorError',
    'ajvRuntime',
    'answerWithoutTopics',
    'channelEvents',
    'compileTopicPattern',
    'createChanxServer',
    'createRequestHandler',
    'dispatchFrame',
    'hostTopic',
    'isEntryPoint',
    'loggerFromEnv',
    'mount',
    'mountTopicRoute',
    'optionsFromEnv',
    'parseRateLimit',
    'publishTopic',
    'refuse',
    'rejectAmbiguous',
    'rejectInvalid',
    'rejectTag',
    'rejectUnmatched',
    'sendFrames',
    'serveFromEnv',
    'serveMetrics',
    'takeEnvelope',
    'topicError',
    'topicFrame',
    'topicGroup',
  ],
  'chanx-gen/client': [
    'AuthenticationFrame',
    'ChanxClient',
    'ChanxClosedError',
    'ChanxFrameError',
    'ChanxTimeoutError',
    'ClientChannel',
    'ClientMessages',
    'ClientOptions',
    'ClientTopic',
    'ClientValidator',
    'ErrorFrame',
    'ErrorItem',
    'ReconnectOptions',
    'ReopenHook',
    'RequestOptions',
    'TopicHandle',
    'Unsubscribe',
    'WebSocketConstructor',
    'WebSocketLike',
    'channelUrl',
    'isErrorFrame',
  ],
  'chanx-gen/client-ajv': ['ajvRuntime'],
  'chanx-gen/testing': [
    'AuthenticationFrame',
    'Captured',
    'CapturedBroadcast',
    'CapturedEvent',
    'ChanxTestError',
    'CompletionAction',
    'CompletionFrame',
    'ConnectFunction',
    'ConnectFunctionWithParams',
    'Connector',
    'GeneratedClient',
    'NameOf',
    'Named',
    'ReceiveAllOptions',
    'ReceiveOptions',
    'Received',
    'ReceivedName',
    'Sendable',
    'TestApp',
    'TestClient',
    'TestConnectArgs',
    'TestConnectExtras',
    'TestConnectOptions',
    'TestHelpers',
    'TestServer',
    'TestServerOptions',
    'startTestServer',
  ],
};

const TYPES_OF: Record<string, string> = {
  'chanx-gen/runtime': 'dist/runtime/index.d.ts',
  'chanx-gen/client': 'dist/runtime/client.d.ts',
  'chanx-gen/client-ajv': 'dist/runtime/client-ajv.d.ts',
  'chanx-gen/testing': 'dist/runtime/testing.d.ts',
};

// One program over every entry point's .d.ts (each is a module: one cannot change what another exports).
let program: ts.Program | undefined;

function exportedNames(dts: string): string[] {
  const file = path.join(ROOT, dts);
  program ??= ts.createProgram(
    Object.values(TYPES_OF).map((f) => path.join(ROOT, f)),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true },
  );
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!);
  return checker
    .getExportsOfModule(symbol!)
    .map((s) => s.name)
    .sort();
}

describe('the public surface', () => {
  it('package.json maps each entry point to the .d.ts read here', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { exports: Record<string, { types: string }> };
    for (const [entry, dts] of Object.entries(TYPES_OF)) expect(pkg.exports[entry.replace('chanx-gen', '.')]?.types).toBe(`./${dts}`);
  });

  it.each(Object.keys(SURFACE))('%s exports exactly its listed names', (entry) => {
    expect(exportedNames(TYPES_OF[entry]!)).toEqual([...SURFACE[entry]!].sort());
  });

  it('each value export of chanx-gen/runtime, chanx-gen/client and chanx-gen/testing is there at run time too', async () => {
    const runtime = await import('../../dist/runtime/index.js');
    const client = await import('../../dist/runtime/client.js');
    const testing = await import('../../dist/runtime/testing.js');
    for (const name of ['startTestServer', 'ChanxTestError']) expect(typeof (testing as Record<string, unknown>)[name], name).not.toBe('undefined');
    for (const name of ['createChanxServer', 'mount', 'RedisLayer', 'MemoryLayer', 'dispatchFrame', 'ajvRuntime', 'mountTopicRoute'])
      expect(typeof (runtime as Record<string, unknown>)[name], name).not.toBe('undefined');
    for (const name of ['ChanxClient', 'channelUrl', 'isErrorFrame', 'TopicHandle'])
      expect(typeof (client as Record<string, unknown>)[name], name).not.toBe('undefined');
  });
});
