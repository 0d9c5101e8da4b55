/**
 * Debian's `chromium`, driven by playwright-core (whose own browser downloads cannot work offline): the
 * fleet report page is tested in the browser operators open it in. Headless, as root with `--no-sandbox`.
 */
import { type Browser, chromium } from 'playwright-core';
import { requireBinary } from './peerProcess.ts';

/** Launches the system chromium; fails with the `apt-get install` line when it is absent. */
export function launchChromium(): Promise<Browser> {
  const executablePath = requireBinary('chromium', 'chromium');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    timeout: 60_000,
  });
}
