/** `PORT=0 npm start` serves generated/ as a program (compiled to build/, run by node): the path a new user takes. */
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { serve } from '../package/processes.js';
import { walkSystemEcho } from '../package/system-echo.js';

it('npm start serves the system channel on PORT and stops on SIGTERM', async () => {
  const server = await serve('npm start --silent', ROOT, 60_000);
  try {
    const client = await walkSystemEcho(server.port, expect);
    const closed = client.closed;
    process.kill(-server.child.pid!, 'SIGTERM');
    expect((await closed)[0]).toBe(1001);
  } finally {
    await server.stop();
  }
}, 90_000);
