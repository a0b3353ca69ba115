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
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
