/**
 * Model artifacts in TensorFlow.js's own weights format: `model.json`
 * (`format`, `modelTopology` holding our `ModelConfig`, and a
 * `weightsManifest` pointing at `weights.bin`), `weights.bin` written by
 * `tf.io.encodeWeights`, and `history.json` with per-epoch metrics. The
 * standard `tf.io` handlers and `tf.io.decodeWeights` read the weights.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../engine/index.js';
import { configProblems, type ModelConfig } from './config.js';
import { SequentialModel } from './model.js';
import type { Recommender } from './recommender.js';
import type { EpochRecord } from './history.js';

/** Value of `format` in `model.json`. */
export const MODEL_FORMAT = 'distillery-sasrec';

/** Version of the artifact layout, bumped when it changes. */
export const MODEL_FORMAT_VERSION = 1;

/** The parsed `model.json`. */
export interface ModelJson {
  format: string;
  formatVersion: number;
  generatedBy: string;
  modelTopology: ModelConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** Writes `model.json`, `weights.bin` and `history.json` into `dir`. */
export async function saveModel(
  dir: string,
  model: SequentialModel,
  history: EpochRecord[],
): Promise<void> {
  const named = [
    ...model.variables.entries(),
    ...model.constants.entries(),
  ].map(([name, tensor]) => ({ name, tensor: tensor as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    generatedBy: `distillery (tfjs-core ${tf.version_core})`,
    modelTopology: model.config,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  const bytes = Array.isArray(data)
    ? Buffer.concat(data.map((d) => Buffer.from(d)))
    : Buffer.from(data);
  await writeFile(join(dir, 'weights.bin'), bytes);
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 2));
  await writeFile(
    join(dir, 'history.json'),
    JSON.stringify(history.map(withoutTimings), null, 2),
  );
}

// Wall-clock fields differ between runs with identical weights, so they
// stay out of the artifact's files (the node summary keeps them) and
// equal training gives an equal artifact digest.
function withoutTimings(record: EpochRecord): Partial<EpochRecord> {
  const { trainSeconds: _seconds, sequencesPerS: _rate, ...rest } = record;
  return rest;
}

/** Reads `model.json` in `dir` and checks its format. */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const path = join(dir, 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8')) as ModelJson;
  if (json.format !== MODEL_FORMAT) {
    throw new Error(
      `\`${path}\` has format \`${json.format}\`, expected ` +
        `\`${MODEL_FORMAT}\`: pass a model artifact from a training node.`,
    );
  }
  if (json.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `\`${path}\` has format version ${json.formatVersion}, this build ` +
        `reads version ${MODEL_FORMAT_VERSION}: re-run the training node.`,
    );
  }
  const problems = configProblems(json.modelTopology);
  if (problems.length > 0) {
    throw new Error(
      `\`${path}\` has an invalid model config: ${problems.join(' ')}`,
    );
  }
  return json;
}

/** Loads a model artifact as a trainable `SequentialModel`. */
export async function loadModel(dir: string): Promise<SequentialModel> {
  const json = await readModelJson(dir);
  const values = new Map<string, Float32Array>();
  for (const group of json.weightsManifest) {
    const buffers = await Promise.all(
      group.paths.map((path) => readFile(join(dir, path))),
    );
    const bytes = Buffer.concat(buffers);
    // decodeWeights needs an ArrayBuffer of exactly the file's bytes.
    const data = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    );
    const tensors = tf.io.decodeWeights(data, group.weights);
    for (const [name, tensor] of Object.entries(tensors)) {
      const data = tensor.dataSync();
      values.set(
        name,
        data instanceof Float32Array ? data : Float32Array.from(data),
      );
      tensor.dispose();
    }
  }
  return new SequentialModel(json.modelTopology, values);
}

/**
 * Loads any model artifact (student, teacher or distilled student) for
 * scoring. The caller disposes the returned recommender.
 */
export async function loadRecommender(dir: string): Promise<Recommender> {
  return loadModel(dir);
}
