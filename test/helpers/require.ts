/**
 * Tests that need something this machine may lack (../shared, redis-server, Chromium): skipped,
 * visibly, on a developer's machine without it; under CI (`CI` set) a failure, never a pass by
 * skipping. Use as `describe.skipIf(requireOrSkip('redis-server', hasRedis))(...)`.
 */
export function requireOrSkip(what: string, available: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (available) return false;
  if (ciRequiresEverything(env)) throw new Error(`${what} is required when CI is set, and is missing (a test must fail rather than skip in CI)`);
  return true;
}

/** CI as the usual services set it: any value but empty, 0 or false. */
export function ciRequiresEverything(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
