/**
 * The `pretrain-student` node type: trains the SASRec student on a
 * dataset's training split, with early stopping on validation NDCG@10.
 */
import { defineNodeType } from '../node-type.js';
import { SequentialModel } from '../../models/model.js';
import { trainingSplit } from '../../models/split.js';
import { train } from '../../models/train.js';
import type { Activation, ModelConfig } from '../../models/config.js';
import {
  finishTraining,
  readDatasetInput,
  trainContext,
} from '../../models/node-support.js';
import {
  fraction,
  integer,
  lossKind,
  lossParam,
  MAX_WIDTH,
  trainingParamSchema,
  trainOptionsFrom,
  type TrainingParams,
} from '../../models/node-params.js';

/** Parameters of `pretrain-student`. */
export interface PretrainStudentParams extends TrainingParams {
  hiddenSize: number;
  blocks: number;
  heads: number;
  maxLength: number;
  dropout: number;
  ffnMultiplier: number;
  activation: Activation;
  loss: string;
}

/** The `pretrain-student` node type. */
export const pretrainStudentNodeType = defineNodeType<PretrainStudentParams>({
  name: 'pretrain-student',
  version: '1',
  description: 'Trains the SASRec student on the training split of a dataset.',
  module: import.meta.url,
  usesEngine: true,
  output: 'model',
  inputs: {
    dataset: { kind: 'dataset', description: 'The dataset from `load-data`.' },
  },
  params: {
    hiddenSize: integer(
      'Hidden and item-embedding size d. Default 64: the SASRec paper used ' +
        '50 on MovieLens-1M; 64 is a multiple of the heads and doubles ' +
        'evenly into the default teacher width 128.',
      64,
      1,
      MAX_WIDTH,
    ),
    blocks: integer(
      'Self-attention blocks. Default 2, as in the SASRec paper.',
      2,
      1,
      64,
    ),
    heads: integer(
      'Attention heads; must divide hiddenSize. Default 1, as in the SASRec paper.',
      1,
      1,
      64,
    ),
    maxLength: integer(
      'Latest items of a history the model reads. Default 200, as the ' +
        'SASRec paper used on MovieLens-1M; MovieLens-100K histories ' +
        'average about 106 items, so most fit whole.',
      200,
      1,
      10_000,
    ),
    dropout: fraction(
      'Dropout rate. Default 0.2, as in the SASRec paper for MovieLens-1M.',
      0.2,
    ),
    ffnMultiplier: {
      type: 'number',
      description:
        'FFN inner width as a multiple of hiddenSize. Default 1, as in SASRec.',
      default: 1,
      exclusiveMin: 0,
      max: 64,
    },
    activation: {
      type: 'enum',
      values: ['relu', 'gelu'],
      default: 'relu',
      description: 'FFN activation. Default `relu`, as in SASRec.',
    },
    loss: lossParam,
    ...trainingParamSchema({ epochs: 200, learningRate: 0.001, patience: 10 }),
  },
  async run(context) {
    const { params } = context;
    const dataset = await readDatasetInput(context);
    const config: ModelConfig = {
      role: 'student',
      numItems: dataset.numItems,
      maxLength: params.maxLength,
      embeddingSize: params.hiddenSize,
      hiddenSize: params.hiddenSize,
      blocks: params.blocks,
      heads: params.heads,
      ffnMultiplier: params.ffnMultiplier,
      activation: params.activation,
      dropout: params.dropout,
      head: 'tied',
    };
    const model = SequentialModel.create(config, params.seed);
    try {
      const result = await train(
        model,
        trainingSplit(dataset),
        {
          loss: lossKind(params.loss),
          lossWeight: 1,
          chunkSize: params.chunkSize,
        },
        trainOptionsFrom(params),
        trainContext(context),
      );
      return await finishTraining(context, model, result);
    } finally {
      model.dispose();
    }
  },
});
