import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { createRandomMariaModel } from '@maria-ts/fusion-head/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMariaEngine } from '../engine/maria-engine.js';
import { infillResponseSchema } from '../response-schemas.js';
import { createServer, type MariaServer } from '../server.js';
import { startTestServer, tinyTokenizer, type TestServer } from '../testing/test-server.js';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
const CHROMIUM = process.env.MARIA_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`playground browser test skipped: no Chromium at ${CHROMIUM} (install Debian's package: apt-get install -y chromium)`);

/** Where the screenshots go: MARIA_SCREENSHOT_DIR, else a temp folder. */
const SCREENSHOTS = process.env.MARIA_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'maria-serve-playground');

let server: MariaServer;
let url: string;
let browser: Browser;

describe.skipIf(!hasChromium)('the playground in headless Chromium', () => {
  beforeAll(async () => {
    await initEngine({ engine: 'wasm', threads: 1 });
    const model = createRandomMariaModel({ tokenizer: await tinyTokenizer(), seed: 11 });
    server = await createServer({ engine: createMariaEngine(model, { name: 'random' }), seed: 0 });
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.shutdown({ graceMs: 0, lingerMs: 20 });
  });

  it('streams the fills into the page, highlighted, using the temperature slider', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) external.push(request.url());
    });
    await page.goto(url);
    // Record every status line, to see the fills arrive one by one rather than all at the end.
    // Read each mutation record's added text, not the element's current text: the observer runs
    // once per task, and two events parsed from one network chunk set the status twice in it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statusLog: string[] }).statusLog = seen;
      const status = document.getElementById('status') as HTMLElement;
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'characterData') seen.push(record.target.textContent ?? '');
          for (const node of Array.from(record.addedNodes)) seen.push(node.textContent ?? '');
        }
      }).observe(status, { childList: true, characterData: true, subtree: true });
    });
    const text = 'The [MASK] sat on the [MASK] and looked at the [MASK].';
    await page.locator('#text').fill(text);
    await page.locator('#tokens-per-mask').fill('2');
    await page.locator('#temperature').fill('0');
    await expect.poll(() => page.locator('#temperature-value').textContent()).toBe('0.00');
    await page.locator('#fill').click();
    await page.locator('#status', { hasText: 'Done' }).waitFor({ timeout: 30_000 });

    const marks = page.locator('#output mark.fill');
    expect(await marks.count()).toBe(6);
    const statusLog = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
    expect(statusLog).toContain('Filled 1 of 6…');
    expect(statusLog.indexOf('Filled 1 of 6…')).toBeLessThan(statusLog.findIndex((line) => line.startsWith('Done')));
    // Temperature 0 is greedy: the page must show exactly what the API gives for greedy decoding.
    const api = infillResponseSchema.parse(await (await fetch(`${url}/v1/infill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, tokensPerMask: 2, temperature: 0, topP: 0.9 }) })).json());
    expect(await page.locator('#output').getAttribute('data-text')).toBe(api.text);
    expect(await page.locator('#output').textContent()).toBe(api.text);
    expect(await marks.evaluateAll((elements) => elements.map((element) => getComputedStyle(element).backgroundColor))).not.toContain('rgba(0, 0, 0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-infill.png') });
    expect(external).toEqual([]);
    await page.close();
  });

  it('runs an annealed generation from its button and shows the iterations', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    await page.goto(url);
    await page.locator('#generation-settings summary').click();
    await page.locator('#length').fill('16');
    await page.locator('#iterations').fill('3');
    await page.locator('#seed').fill('4');
    await page.locator('#generate').click();
    await page.locator('#status', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#status').textContent()).toBe('Done: 16 tokens after 3 iterations (seed 4).');
    expect((await page.locator('#output').textContent())?.length).toBeGreaterThan(0);
    expect(await page.locator('#progress').evaluate((element) => (element as HTMLProgressElement).value)).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-generate.png') });
    await page.close();
  });

  it('streams accented, CJK and emoji text whole, even when the filled tokens are single bytes of a character', { timeout: 60_000 }, async () => {
    const tokenizer = await tinyTokenizer();
    // The fake engine fills the 7 positions of one [MASK] with the 7 tokens of " 東京" (a space,
    // then 3 + 3 bytes): no filled token decodes to text on its own.
    const fillIds = tokenizer.encode(' 東京');
    expect(fillIds).toHaveLength(7);
    const before = tokenizer.encode('Le café').length;
    const fake: TestServer = await startTestServer({ fake: { tokenDelayMs: 30, fillWith: (index) => fillIds[index - before] as number } });
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    try {
      await page.goto(fake.url);
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { outputLog: string[] }).outputLog = seen;
        const output = document.getElementById('output') as HTMLElement;
        new MutationObserver(() => seen.push(output.textContent ?? '')).observe(output, { childList: true, characterData: true, subtree: true });
      });
      await page.locator('#text').fill('Le café [MASK] Zürich, 🐱.');
      await page.locator('#tokens-per-mask').fill('7');
      await page.locator('#fill').click();
      await page.locator('#status', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#output').textContent()).toBe('Le café 東京 Zürich, 🐱.');
      expect(await page.locator('#output mark.fill').count()).toBe(7);
      expect((await page.locator('#output mark.fill').allTextContents()).join('')).toBe(' 東京');
      const outputLog = await page.evaluate(() => (window as unknown as { outputLog: string[] }).outputLog);
      // Every state the page went through (how many depends on how the events were chunked) is text.
      expect(outputLog.length).toBeGreaterThan(1);
      expect(outputLog.filter((shown) => shown.includes('\uFFFD'))).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-infill-unicode.png') });
    } finally {
      await page.close();
      await fake.close();
    }
  });
});
