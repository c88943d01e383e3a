/**
 * Run record files: `<store>/runs/<run-id>.json`, kept with lowdb through
 * an adapter that writes durably, because a crash must never leave a
 * record that gc or `plan` cannot read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from '../store/atomic-write.js';
import { listEntries } from '../store/verify.js';
import type { Store } from '../store/store.js';
import type { RunRecord } from './run-record.js';

/**
 * A lowdb adapter for one JSON file whose writes go to a temporary file,
 * are flushed, renamed into place and the folder flushed. lowdb's own
 * `JSONFile` (lowdb 7, steno 4) renames but never flushes.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly path: string) {}

  /** Reads the file; `null` when it does not exist. */
  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Replaces the file with `data`, durably. */
  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(data, null, 2) + '\n');
  }
}

/**
 * The run record of the current run. Writes are serialised, so the file
 * ends up with the latest state even when nodes change state together.
 */
export class RunRecordWriter {
  private readonly db: Low<RunRecord>;
  private pending: Promise<void> = Promise.resolve();

  constructor(store: Store, record: RunRecord) {
    const path = join(store.layout.runs, `${record.id}.json`);
    this.db = new Low(new DurableJsonFile<RunRecord>(path), record);
  }

  /** The record as last changed (not necessarily written yet). */
  get record(): RunRecord {
    return this.db.data;
  }

  /** Applies `change` to the record and queues a write. */
  update(change: (record: RunRecord) => void): Promise<void> {
    change(this.db.data);
    this.pending = this.pending.then(() => this.db.write());
    return this.pending;
  }

  /** Waits until every queued write is on disk. */
  flush(): Promise<void> {
    return this.pending;
  }
}

/** Reads every run record of a store, newest first. */
export async function readRunRecords(store: Store): Promise<RunRecord[]> {
  const names = await listEntries(store.layout.runs);
  const records: RunRecord[] = [];
  for (const name of names
    .filter((entry) => entry.endsWith('.json'))
    .reverse()) {
    const record = await new DurableJsonFile<RunRecord>(
      join(store.layout.runs, name),
    ).read();
    if (record) records.push(record);
  }

  return records;
}

/**
 * Reads one run record by id, or by a unique prefix of an id; `latest`
 * names the newest run. Returns `undefined` when nothing matches.
 */
export async function readRunRecord(
  store: Store,
  idOrPrefix: string,
): Promise<RunRecord | undefined> {
  const records = await readRunRecords(store);
  if (idOrPrefix === 'latest') return records[0];

  const exact = records.find((record) => record.id === idOrPrefix);
  if (exact) return exact;

  const matches = records.filter((record) => record.id.startsWith(idOrPrefix));
  return matches.length === 1 ? matches[0] : undefined;
}
