import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium (CHROMIUM_PATH, /usr/bin/chromium by default), headless: playwright's own
 * browser downloads are not reachable where the tests run. Without a sandbox, as root in CI.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}
