import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineModel } from '../../agents/models/offline-model.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { silentLogger } from '../../core/logger.ts';
import { type Dashboard, startDashboard } from '../../scenarios/livestream/dashboard/dashboard-server.ts';
import { liveOfflineAnswer } from '../../scenarios/livestream/offline-answers.ts';
import { runLivestream } from '../../scenarios/livestream/run-livestream.ts';

const CHROMIUM = process.env.EDDY_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = 'test-artifacts/livestream-dashboard.png';

describe('the live dashboard in headless Chromium', () => {
  const log = new MemoryLog();
  const store = new PgliteStore();
  afterAll(async () => {
    await log.close();
    await store.close();
  });

  it('draws the minutes and updates them in place as results arrive', async () => {
    await store.migrate();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    let dashboard: Dashboard | undefined;
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const model = offlineModel({
        name: 'livestream',
        answer: liveOfflineAnswer,
        logger: silentLogger,
        stderr: { write: () => true },
      });
      let seenLive = 0;
      let opened: () => void = () => {};
      const live = new Promise<void>((resolve) => {
        opened = resolve;
      });
      const run = runLivestream({
        events: 900,
        rate: 90,
        earlyFiringMs: 1_000,
        log,
        store,
        db: store.db,
        model,
        onStarted: async (subjects) => {
          dashboard = await startDashboard({ log, subjects, port: 0, pollMs: 100 });
          await page.goto(dashboard.url);
          await page.waitForFunction("document.getElementById('status').textContent === 'live'");
          opened();
        },
      });
      await Promise.race([live, run]);
      // Two updates while the run is going: pushed to the open page, not read at load.
      await page.waitForFunction(
        "Number(document.getElementById('updates').dataset.updates) >= 2",
        undefined,
        {
          timeout: 30_000,
        },
      );
      seenLive = Number(await page.getAttribute('#updates', 'data-updates'));
      const summary = await run;
      await page.waitForFunction(
        `document.querySelectorAll('#feedback li').length >= ${summary.minutes}`,
        undefined,
        {
          timeout: 10_000,
        },
      );
      expect(seenLive).toBeGreaterThanOrEqual(2);
      expect(summary.partialResults).toBeGreaterThan(0);
      expect(await page.textContent('#kpi-comments')).toMatch(/^\d+$/);
      const bars = await page.evaluate(() => {
        const chart = (
          globalThis as unknown as { Chart: { getChart(id: string): { data: { labels: string[] } } } }
        ).Chart;
        return chart.getChart('sentiment').data.labels;
      });
      expect(bars.length).toBe(summary.minutes);
      expect(bars.every((l) => /^\d\d:\d\d$/.test(l))).toBe(true);
      expect(errors).toEqual([]);
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await dashboard?.close();
      await browser.close();
    }
  }, 90_000);
});
