/**
 * Launches headless Chromium for browser tests: Debian's `chromium` package (which `.ci/run`
 * installs) driven by the npm package `playwright-core` (no browser download: `executablePath`).
 *
 * ```ts
 * const browser = await launchChromium();
 * try { ... } finally { await browser.close(); }
 * ```
 *
 * The binary is `CHROMIUM_PATH` when set, else `/usr/bin/chromium`. A missing binary is an error,
 * not a skip: a browser test that silently did not run would look like a pass. As root (CI
 * containers), Chromium only starts with `--no-sandbox`.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the Chromium binary is looked for. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Starts headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${executablePath}: the browser tests need it. ` +
        'Install it with `apt-get install chromium` (Debian; .ci/run installs it), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  const args = ['--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath, headless: true, args, timeout: 30_000 });
}
