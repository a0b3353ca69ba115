/** chanx-gen/client: the typed client's runtime, for browsers and Node (client/). */
export * from './client/client.js';
