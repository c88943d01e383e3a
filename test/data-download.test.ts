import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { ensureNamedDataset } from '../src/data/download.js';
import { namedDatasets } from '../src/data/named-datasets.js';
import { loadDataset } from '../src/data/load.js';
import { catchDataError, dataRoot } from './data-helpers.js';

const ml100k = namedDatasets['ml-100k'];

// Archives served by the loopback server, by request path.
const archives = new Map<string, Uint8Array>();
const requests: string[] = [];
let server: Server;
let baseUrl: string;

async function realFile(name: string): Promise<Uint8Array> {
  return readFile(path.join(dataRoot, 'ml-100k', name));
}

async function buildArchive(
  replace: Record<string, Uint8Array> = {},
): Promise<Uint8Array> {
  const entries: Record<string, Uint8Array> = {
    'ml-100k/README': new TextEncoder().encode('test archive\n'),
    'ml-100k/../escaped.txt': new TextEncoder().encode('outside\n'),
    'other/ignored.txt': new TextEncoder().encode('elsewhere\n'),
  };
  for (const name of Object.keys(ml100k.pins)) {
    entries[`ml-100k/${name}`] = replace[name] ?? (await realFile(name));
  }

  return zipSync(entries);
}

beforeAll(async () => {
  archives.set('/good.zip', await buildArchive());
  const data = Buffer.from(await realFile('u.data'));
  data[0] = '9'.charCodeAt(0);
  archives.set('/tampered.zip', await buildArchive({ 'u.data': data }));
  archives.set('/not-a.zip', new TextEncoder().encode('<html>moved</html>'));
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = archives.get(request.url ?? '');
    response.statusCode = body ? 200 : 404;
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
});

const scratchDirs: string[] = [];

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(
    scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'distillery-download-'));
  scratchDirs.push(dir);
  return dir;
}

describe('dataset download', () => {
  it('downloads, verifies and extracts', async () => {
    const dataDir = await freshDataDir();
    const logs: string[] = [];
    const folder = await ensureNamedDataset(ml100k, dataDir, {
      url: `${baseUrl}/good.zip`,
      log: (message) => logs.push(message),
    });
    expect(folder).toBe(path.join(dataDir, 'ml-100k'));
    expect((await readdir(folder)).sort()).toEqual([
      'README',
      'u.data',
      'u.genre',
      'u.item',
    ]);
    expect(await readdir(dataDir)).toEqual(['ml-100k']);
    expect(logs[0]).toContain(`${baseUrl}/good.zip`);
  });

  it('skips entries outside the dataset folder', async () => {
    const dataDir = await freshDataDir();
    await ensureNamedDataset(ml100k, dataDir, { url: `${baseUrl}/good.zip` });
    const escaped = await stat(path.join(dataDir, 'escaped.txt')).catch(
      () => undefined,
    );
    expect(escaped).toBeUndefined();
  });

  it('reuses the extracted copy', async () => {
    const dataDir = await freshDataDir();
    const url = `${baseUrl}/good.zip`;
    const before = requests.length;
    await ensureNamedDataset(ml100k, dataDir, { url });
    await ensureNamedDataset(ml100k, dataDir, { url });
    expect(requests.length - before).toBe(1);
  });

  it('loads a downloaded dataset', async () => {
    const dataDir = await freshDataDir();
    const dataset = await loadDataset(
      { dataset: 'ml-100k', dataDir, url: `${baseUrl}/good.zip` },
      { sliceUsers: 10 },
    );
    expect(dataset.userIds).toHaveLength(10);
    expect(dataset.userIds[9]).toBe('10');
  });

  it('rejects an archive with a wrong checksum', async () => {
    const dataDir = await freshDataDir();
    const error = await catchDataError(
      ensureNamedDataset(ml100k, dataDir, { url: `${baseUrl}/tampered.zip` }),
    );
    expect(error.reason).toBe('checksum-mismatch');
    expect(error.message).toContain(ml100k.pins['u.data']);
    expect(path.basename(error.file!)).toBe('u.data');
    // Neither the dataset folder nor the temporary folder is left behind.
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('accepts a changed archive without verification', async () => {
    const dataDir = await freshDataDir();
    const folder = await ensureNamedDataset(ml100k, dataDir, {
      url: `${baseUrl}/tampered.zip`,
      verifyChecksum: false,
    });
    const data = await readFile(path.join(folder, 'u.data'), 'latin1');
    expect(data.startsWith('996\t')).toBe(true);
  });

  it('reports an HTTP error', async () => {
    const dataDir = await freshDataDir();
    const url = `${baseUrl}/missing.zip`;
    const error = await catchDataError(
      ensureNamedDataset(ml100k, dataDir, { url }),
    );
    expect(error.reason).toBe('download-failed');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain(url);
    expect(error.message).toContain(path.join(dataDir, 'ml-100k'));
  });

  it('reports a body that is not a zip', async () => {
    const dataDir = await freshDataDir();
    const error = await catchDataError(
      ensureNamedDataset(ml100k, dataDir, { url: `${baseUrl}/not-a.zip` }),
    );
    expect(error.reason).toBe('invalid-archive');
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe('local copy verification', () => {
  it('accepts the published files', async () => {
    const folder = await ensureNamedDataset(ml100k, dataRoot);
    expect(folder).toBe(path.join(dataRoot, 'ml-100k'));
  });

  it('accepts published ml-latest-small files', async () => {
    const named = namedDatasets['ml-latest-small'];
    const folder = await ensureNamedDataset(named, dataRoot);
    expect(folder).toBe(path.join(dataRoot, 'ml-latest-small'));
  });

  it('rejects a modified local copy', async () => {
    const dataDir = await freshDataDir();
    const folder = path.join(dataDir, 'ml-100k');
    await cp(path.join(dataRoot, 'ml-100k'), folder, { recursive: true });
    const item = path.join(folder, 'u.item');
    await writeFile(
      item,
      Buffer.concat([await readFile(item), Buffer.from('\n')]),
    );
    const error = await catchDataError(ensureNamedDataset(ml100k, dataDir));
    expect(error.reason).toBe('checksum-mismatch');
    expect(error.file).toBe(item);
    expect(error.message).toContain('`verifyChecksum: false`');
    expect(error.message.startsWith(`${item}: SHA-256 mismatch`)).toBe(true);
  });

  it('accepts a modified copy without verification', async () => {
    const dataDir = await freshDataDir();
    const folder = path.join(dataDir, 'ml-100k');
    await cp(path.join(dataRoot, 'ml-100k'), folder, { recursive: true });
    await writeFile(path.join(folder, 'u.data'), '1\t1\t5\t1\n');
    const found = await ensureNamedDataset(ml100k, dataDir, {
      verifyChecksum: false,
    });
    expect(found).toBe(folder);
  });
});
