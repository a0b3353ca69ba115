import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Generated code imports chanx-gen/runtime; in tests that is the source, so there is one copy of it.
    alias: {
      'chanx-gen/runtime': fileURLToPath(new URL('./src/runtime/index.ts', import.meta.url)),
      'chanx-gen/client-ajv': fileURLToPath(new URL('./src/runtime/client-ajv.ts', import.meta.url)),
      'chanx-gen/client': fileURLToPath(new URL('./src/runtime/client.ts', import.meta.url)),
      'chanx-gen/testing': fileURLToPath(new URL('./src/runtime/testing.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Golden trees hold generated starter tests (node:test, consumer.test.ts): compiled, not run here.
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
