/**
 * Debian's Chromium driven by playwright-core. Where it is missing the browser tests are skipped,
 * except under CI, where they fail (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Run the browser tests: Chromium is there, or CI is set (and then a missing one fails them). */
export const runBrowserTests = hasChromium || process.env['CI'] !== undefined;

export function launch(): Promise<Browser> {
  if (!hasChromium) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); browser tests cannot run`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
