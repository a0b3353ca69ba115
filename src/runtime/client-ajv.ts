/** chanx-gen/client-ajv: ajv's run-time helpers as static imports, for client validators (client/ajv.ts). */
export * from './client/ajv.js';
