/** Generates the scale-out test app (test/redis/app/spec.yaml) into a scratch folder, with its consumer filled in. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT, scratch } from '../helpers/cli.js';

const APP = path.join(ROOT, 'test/redis/app');

/** Returns the scratch folder; its generated/ holds the app (app-process.ts builds and runs it as `npm start` does). */
export async function buildApp(): Promise<string> {
  const dir = scratch();
  copyFileSync(path.join(APP, 'spec.yaml'), path.join(dir, 'spec.yaml'));
  const run = await cli(['spec.yaml'], dir);
  if (run.code !== 0) throw new Error(`chanx-gen failed: ${run.stderr}`);
  copyFileSync(path.join(APP, 'room-consumer.ts'), path.join(dir, 'generated/room/consumer.ts'));
  copyFileSync(path.join(APP, 'typed-events.ts'), path.join(dir, 'generated/typed-events.ts'));
  return dir;
}
