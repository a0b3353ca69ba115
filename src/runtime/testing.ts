/** chanx-gen/testing: test a project's handlers over a real connection, with no test runner assumed (testing/). */
export { startTestServer, type Connector, type TestApp, type TestServer, type TestServerOptions } from './testing/test-server.js';
export { ChanxTestError } from './testing/frame-log.js';
export type { Captured, CapturedBroadcast, CapturedEvent } from './testing/capture.js';
export type {
  AuthenticationFrame,
  CompletionAction,
  CompletionFrame,
  ConnectFunction,
  ConnectFunctionWithParams,
  GeneratedClient,
  Named,
  NameOf,
  ReceiveAllOptions,
  Received,
  ReceivedName,
  ReceiveOptions,
  Sendable,
  TestClient,
  TestConnectArgs,
  TestConnectExtras,
  TestConnectOptions,
  TestHelpers,
} from './testing/types.js';
