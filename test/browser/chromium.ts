/**
 * Debian's Chromium driven by playwright-core. Where it is missing the browser tests are skipped,
 * except under CI, where they fail (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { requireOrSkip } from '../helpers/require.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Run the browser tests where Chromium is; without it, skip them, or fail them under CI. */
export const runBrowserTests = !requireOrSkip(`Chromium (${CHROMIUM})`, hasChromium);

export function launch(): Promise<Browser> {
  if (!hasChromium) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); browser tests cannot run`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
