/**
 * The models: SASRec student, teacher with an embedding head, growth,
 * losses, the shared training loop and the model artifact format.
 */
export {
  loadModel,
  loadRecommender,
  saveModel,
  MODEL_FORMAT,
} from './artifact.js';
export type { ModelConfig, ModelRole, HeadType, Activation } from './config.js';
export { SequentialModel } from './model.js';
export type { Recommender } from './recommender.js';
export {
  initTeacher,
  type TeacherInit,
  type TeacherOptions,
} from './teacher.js';
export { train } from './train.js';
export type {
  TrainOptions,
  TrainResult,
  TrainContext,
} from './train-options.js';
export type { EpochRecord } from './history.js';
