import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type ElementHandle, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Rejects with `what` if `promise` has not settled within `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts headless Chromium with a fresh profile in `profileDir` and returns its first page. Fails
 * (never skips) when Chromium is missing. Requests leave for 127.0.0.1 only: the editor's calls to
 * the internet (the palette catalogue) fail at once instead of waiting on DNS.
 */
export async function launchChromium(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, and the editor test drives it: install Debian's ` +
        `package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1400, height: 900 },
    timeout: 20_000,
  });
  context.setDefaultTimeout(5000);
  await context.route(/^[a-z]+:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * Node-RED 4.1 greets a new user directory with popovers over a shade that blocks the editor: the
 * update-notification question (a dialog), then the welcome tour. Answers them as a new user would
 * ("No", then close) until none has shown for `quietMs`; returns their first lines.
 */
export async function dismissFirstRunPopovers(page: Page, firstMs = 3000, quietMs = 1000, timeoutMs = 15_000): Promise<string[]> {
  const popover = page.locator('.red-ui-popover.red-ui-dialog:visible, .red-ui-tourGuide-popover:visible');
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const wait = seen.length === 0 ? firstMs : quietMs;
    if (Date.now() + wait > deadline) throw new Error(`first-run popovers still coming after ${timeoutMs} ms: ${seen.join(' | ')}`);
    let shown: ElementHandle | null;
    try {
      await popover.first().waitFor({ timeout: wait });
      shown = await popover.first().elementHandle();
    } catch {
      break;
    }
    if (!shown) continue;
    seen.push((await shown.innerText()).split('\n').map((line) => line.trim()).find(Boolean) ?? '');
    const button = (await shown.$('button:has-text("do not enable")')) ?? (await shown.$('button:has(.fa-times)')) ?? (await shown.$('button'));
    if (!button) throw new Error(`no button to close the popover "${seen.at(-1)}"`);
    await button.click();
    await shown.waitForElementState('hidden');
  }
  const shades = page.locator('.red-ui-shade:visible, .red-ui-tourGuide-shade:visible');
  for (const until = Date.now() + 5000; (await shades.count()) > 0; await page.waitForTimeout(50)) {
    if (Date.now() > until) throw new Error('a shade still covers the editor after the first-run popovers');
  }
  return seen;
}
