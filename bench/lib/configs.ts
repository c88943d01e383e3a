/** The student and teacher architectures the benchmark trains. */
import type { SasrecConfig } from './sasrec.js';

/** Benchmark batch size, as in the background measurements. */
export const BATCH_SIZE = 128;

/**
 * Student: SASRec d 64, 2 blocks, 1 head, length 200. Teacher: d 128,
 * 4 blocks, 2 heads, reading the student-width (64) item table through an
 * input projection and scoring through an embedding head.
 */
export function modelConfig(role: 'student' | 'teacher', numItems: number): SasrecConfig {
  const dropout = Number(process.env.BENCH_DROPOUT ?? 0.2);
  if (role === 'student') {
    return { numItems, maxLength: 200, embeddingSize: 64, hiddenSize: 64, blocks: 2, heads: 1, dropout };
  }
  return { numItems, maxLength: 200, embeddingSize: 64, hiddenSize: 128, blocks: 4, heads: 2, dropout };
}
