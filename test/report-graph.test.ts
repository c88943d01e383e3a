import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/runner/run-record.js';
import { graphFromRecords, graphSvg } from '../src/report/graph-svg.js';
import { variantName, writeRun } from './report-fixtures.js';

let root: string;
let record: RunRecord;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'distillery-report-graph-'));
  record = await writeRun(
    root,
    path.join(root, 'p.yaml'),
    'run-1',
    '2026-01-01T00:00:00.000Z',
    [
      { seed: 1, init: 'random' },
      { seed: 2, init: 'random', evaluateStatus: 'failed' },
    ],
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('report graph', () => {
  it('links inputs by artifact digest', () => {
    const graph = graphFromRecords([record]);
    const sorted = (edges: string[][]) => edges.map((e) => e.join('>')).sort();
    expect(sorted(graph.edges)).toEqual(
      sorted([
        ['data', 'student'],
        ['student', 'teacher'],
        ['data', 'teacher'],
        ['teacher', 'refined'],
        ['refined', 'distilled'],
        ['student', 'evaluate'],
        ['refined', 'evaluate'],
        ['distilled', 'evaluate'],
      ]),
    );
  });

  it('assigns longest-path depths', () => {
    const depths = Object.fromEntries(
      graphFromRecords([record]).nodes.map((n) => [n.name, n.depth]),
    );
    expect(depths).toEqual({
      data: 0,
      student: 1,
      teacher: 2,
      refined: 3,
      distilled: 4,
      evaluate: 5,
    });
  });

  it('counts statuses per node name', () => {
    const graph = graphFromRecords([record]);
    const evaluate = graph.nodes.find((n) => n.name === 'evaluate');
    expect(evaluate?.statusCounts).toEqual({ ran: 1, failed: 1 });
  });

  it('keeps only selected variants', () => {
    const graph = graphFromRecords(
      [record],
      [{ runId: 'run-1', variant: variantName(1, 'random') }],
    );
    const evaluate = graph.nodes.find((n) => n.name === 'evaluate');
    expect(evaluate?.statusCounts).toEqual({ ran: 1 });
  });

  it('adds declared edges between known nodes', () => {
    const graph = graphFromRecords([record], undefined, [
      ['data', 'evaluate'],
      ['elsewhere', 'evaluate'],
    ]);
    expect(graph.edges).toContainEqual(['data', 'evaluate']);
    expect(graph.edges).not.toContainEqual(['elsewhere', 'evaluate']);
  });

  it('draws failed nodes in red', () => {
    const svg = graphSvg(graphFromRecords([record]));
    expect(svg.match(/<g class="node">/g)).toHaveLength(6);
    expect(svg).toMatch(/<rect[^>]*fill="#f4c7c3"[^>]*\/><text[^>]*>evaluate</);
    expect(svg).toMatch(/<rect[^>]*fill="#c8e6c9"[^>]*\/><text[^>]*>data</);
  });
});
