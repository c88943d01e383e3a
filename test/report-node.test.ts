import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ArtifactDigest,
  ArtifactRef,
  CacheKey,
  NodeContext,
} from '../src/nodes/node-type.js';
import type { NodeEmittedEvent } from '../src/events/events.js';
import { createRegistry } from '../src/nodes/registry.js';
import {
  REPORT_FILE,
  reportNodeType,
  runReport,
  type ReportParams,
} from '../src/nodes/builtin/report.js';
import { createSweepStore, type FixtureStore } from './report-fixtures.js';

let fixture: FixtureStore;
let outDir: string;

beforeAll(async () => {
  fixture = await createSweepStore();
  outDir = await mkdtemp(path.join(tmpdir(), 'distillery-report-node-'));
}, 60_000);

afterAll(async () => {
  await fixture.cleanup();
  await rm(outDir, { recursive: true, force: true });
});

async function artifact(
  key: string,
  producer: string,
  kind: string,
): Promise<ArtifactRef> {
  const dir = path.join(fixture.store, 'objects', key);
  const result = JSON.parse(
    await readFile(path.join(dir, 'result.json'), 'utf8'),
  );
  return {
    key: key as CacheKey,
    digest: `digest-${key}` as ArtifactDigest,
    dir,
    kind,
    producer,
    summary: result.summary ?? {},
  };
}

function contextFor(
  inputs: NodeContext['inputs'],
  params: Partial<ReportParams> = {},
): { context: NodeContext<ReportParams>; events: NodeEmittedEvent[] } {
  const events: NodeEmittedEvent[] = [];
  const context: NodeContext<ReportParams> = {
    params: { title: '', metrics: [], baseline: '', ...params },
    inputs,
    outDir,
    workDir: outDir,
    dataDir: outDir,
    pipelineDir: outDir,
    nodeName: 'summary-report',
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  };
  return { context, events };
}

describe('report node type', () => {
  it('is registered as a built-in', () => {
    const type = createRegistry().get('report');
    expect(type).toBe(reportNodeType);
    expect(type?.output).toBe('report');
    expect(type?.inputs.metrics.multiple).toBe(true);
    expect(type?.inputs.models.optional).toBe(true);
  });

  it('writes report.html from its inputs', async () => {
    const { context, events } = contextFor(
      {
        metrics: [
          await artifact(
            'key-evaluate-s1-embedding-head-run-a',
            'head',
            'metrics',
          ),
          await artifact('key-evaluate-s1-random-run-b', 'scratch', 'metrics'),
        ],
        models: [
          await artifact('key-student-s1', 'student', 'model'),
          await artifact(
            'key-refined-s1-embedding-head-run-a',
            'refined',
            'model',
          ),
        ],
      },
      { baseline: 'scratch', metrics: ['test.ndcg@10'] },
    );
    const result = await runReport(context);

    expect(result.summary).toEqual({ file: REPORT_FILE, rows: 2, charts: 3 });
    expect(events).toContainEqual({
      kind: 'progress',
      phase: 'rendering charts',
    });
    const html = await readFile(path.join(outDir, REPORT_FILE), 'utf8');
    expect(html).toContain('<title>Distillery report: summary-report</title>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('class="graph"');
    // Two curve charts (loss, validation NDCG@10) and one bar chart.
    expect(html.match(/<figure class="chart">/g)).toHaveLength(3);
    expect(html.match(/class="mark-line role-mark/g)?.length).toBeGreaterThan(
      0,
    );
    // The embedding-head row: refined NDCG@10 0.20 against 0.10.
    expect(html).toMatch(
      /<th scope="row">head<\/th><td class="number">0\.0600<\/td><td class="number" title="p = 1\.00">0\.0000<\/td><td class="number">0\.2000<\/td>/,
    );
    expect(html).toContain('<strong>+0.1000*</strong>');
  });

  it('charts one bar per input and model', async () => {
    const { context } = contextFor({
      metrics: [
        await artifact(
          'key-evaluate-s2-embedding-head-run-a',
          'evaluate',
          'metrics',
        ),
      ],
    });
    const result = await runReport(context);
    expect(result.summary).toEqual({ file: REPORT_FILE, rows: 1, charts: 2 });
    const html = await readFile(path.join(outDir, REPORT_FILE), 'utf8');
    expect(html).toContain('No node of these runs kept a per-epoch history.');
    // Error bars come from the per-user values: three models times two
    // metrics.
    expect(html.match(/class="mark-rule role-mark/g)).toHaveLength(6);
  });
});
