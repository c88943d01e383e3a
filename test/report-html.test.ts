import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportCommand } from '../src/report/commands.js';
import {
  createSweepStore,
  writeRun,
  type FixtureStore,
} from './report-fixtures.js';
import { deadPid } from './store-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Limit of the setup: writing the fixture store and importing the node
 * types that load the pipeline file take seconds on a busy machine.
 */
const SETUP_TIMEOUT_MS = 60_000;

let fixture: FixtureStore;
let outDir: string;
let reportFile: string;
let html: string;

beforeAll(async () => {
  fixture = await createSweepStore();
  outDir = await mkdtemp(path.join(tmpdir(), 'distillery-report-html-'));
  reportFile = await runReportCommand({
    target: fixture.pipelineFile,
    store: fixture.store,
    out: path.join(outDir, 'nested', 'report.html'),
    baseline: 'init=random',
  });
  html = await readFile(reportFile, 'utf8');
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await fixture.cleanup();
  await rm(outDir, { recursive: true, force: true });
});

describe('report html file', () => {
  it('is written where --out says', () => {
    expect(reportFile).toBe(path.join(outDir, 'nested', 'report.html'));
  });

  it('needs no script or remote resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/url\((?!#)/i);
  });

  it('contains the metrics table', () => {
    expect(html).toContain('<table class="metrics">');
    expect(html).toContain('0.2200 ± 0.0497');
    expect(html).toContain('<strong>+0.1000*</strong>');
    expect(html).toContain('run-a (succeeded), run-b (succeeded)');
    // run-c contributes nothing: its one variant is older in run-a.
    expect(html).not.toContain('run-c (failed)');
  });

  it('summarises convergence per setting', () => {
    // Embedding head: 0.18, 0.21, 0.22, 0.22; 95% of 0.22 is reached at
    // epoch 2. Random: 0.04, 0.08, 0.11, 0.13; best and 95% at epoch 4.
    const cells = (label: string) =>
      new RegExp(
        `<td>refined \\(refine-teacher\\)</td><td>${label}</td>` +
          '((?:<td class="number">[^<]*</td>){5})',
      ).exec(html)?.[1];
    expect(cells('init=embedding-head')).toBe(
      ['3', '0.1800', '0.2200', '3.0', '2.0'].map(numberCell).join(''),
    );
    expect(cells('init=random')).toBe(
      ['3', '0.0400', '0.1300', '4.0', '4.0'].map(numberCell).join(''),
    );
  });

  it('shows the graph of an unevaluated run', async () => {
    const file = await runReportCommand({
      target: 'run-c',
      store: fixture.store,
      out: path.join(outDir, 'failed.html'),
    });
    const failed = await readFile(file, 'utf8');
    expect(failed).toContain('No variant has a finished evaluate node.');
    // The training nodes of the failed variant finished, so they are charted.
    expect(failed).toContain('<h3>Training loss per epoch</h3>');
    expect(failed).toContain(
      '<td>refined (refine-teacher)</td><td>seed=2,init=random</td>',
    );
    expect(failed).toContain(
      '<svg xmlns="http://www.w3.org/2000/svg" class="graph"',
    );
    expect(failed).toContain('1 failed');
    expect(failed.match(/<path class="edge"/g)).toHaveLength(DECLARED_EDGES);
  });

  it('names overrides and interrupted runs', async () => {
    const store = path.join(outDir, 'overridden-store');
    const record = await writeRun(
      store,
      fixture.pipelineFile,
      'tweaked',
      '2026-05-01T00:00:00.000Z',
      [{ seed: 1, init: 'random' }],
    );
    const dead = { status: 'running' as const, pid: deadPid() };
    Object.assign(record, dead, { host: hostname(), overrides: ['a.b=1'] });
    await writeFile(
      path.join(store, 'runs', 'tweaked.json'),
      JSON.stringify(record),
    );
    const file = await runReportCommand({
      target: 'tweaked',
      store,
      out: path.join(outDir, 'tweaked.html'),
    });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('tweaked (interrupted, --set a.b=1)');
  });

  it('defaults the file into the store', async () => {
    const file = await runReportCommand({
      target: 'run-b',
      store: fixture.store,
    });
    expect(file).toBe(
      path.join(fixture.store, 'reports', 'teacher-init-sweep-run-b.html'),
    );
    expect((await stat(file)).size).toBeGreaterThan(1000);
  });
});

/**
 * Inputs in the fixture's pipeline file: student 1, teacher 2, refined 3,
 * distilled 3 and evaluate 4.
 */
const DECLARED_EDGES = 13;

function numberCell(text: string): string {
  return `<td class="number">${text}</td>`;
}

const browserMissing = !existsSync(CHROMIUM);

const browserSuite = browserMissing
  ? `report in chromium (skipped: ${CHROMIUM} missing, apt-get install chromium)`
  : 'report in headless chromium';

describe.skipIf(browserMissing)(browserSuite, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(reportFile).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders graph and four charts', async () => {
    expect(await page.locator('svg.graph').count()).toBe(1);
    expect(await page.locator('figure.chart > svg').count()).toBe(4);
    const titles = await page.locator('figure.chart h3').allTextContents();
    expect(titles).toEqual([
      'Training loss per epoch',
      'Validation NDCG@10 per epoch',
      'Final test.hr@10',
      'Final test.ndcg@10',
    ]);
  });

  it('draws the chosen variants in the graph', async () => {
    expect(await page.locator('svg.graph g.node').count()).toBe(6);
    const edges = page.locator('svg.graph path.edge');
    expect(await edges.count()).toBe(DECLARED_EDGES);
    const text = await page.locator('svg.graph').textContent();
    expect(text).toContain('6 ran');
  });

  it('draws one line per trained artifact', async () => {
    const chart = page.locator('figure.chart').nth(0);
    const lines = chart.locator('.mark-line.role-mark path');
    // 3 shared students, 6 refined teachers and 6 distilled students.
    expect(await lines.count()).toBe(15);
    for (const line of await lines.all()) {
      expect(await line.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
    }
  });

  it('draws bars with error bars', async () => {
    for (const index of [2, 3]) {
      const chart = page.locator('figure.chart').nth(index);
      // Three models, two settings each.
      const bars = chart.locator('.mark-rect.role-mark path');
      const errorBars = chart.locator('.mark-rule.role-mark line');
      expect(await bars.count()).toBe(6);
      expect(await errorBars.count()).toBe(6);
    }
  });

  it('gives every chart a visible size', async () => {
    for (const svg of await page.locator('figure.chart > svg').all()) {
      const box = await svg.boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(100);
    }
  });

  it('saves a screenshot', async () => {
    const file = path.join(outDir, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    expect((await stat(file)).size).toBeGreaterThan(20_000);
    if (process.env.DISTILLERY_REPORT_SCREENSHOT) {
      await page.screenshot({
        path: process.env.DISTILLERY_REPORT_SCREENSHOT,
        fullPage: true,
      });
    }
  });
});
