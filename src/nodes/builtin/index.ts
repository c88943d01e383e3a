/** The built-in node types, in the order of the research workflow. */
import type { NodeType } from '../node-type.js';
import { loadDataNodeType } from './load-data.js';
import { evaluateNodeType } from './evaluate.js';
import { pretrainStudentNodeType } from './pretrain-student.js';
import { initTeacherNodeType } from './init-teacher.js';
import { refineTeacherNodeType } from './refine-teacher.js';
import { distillBackNodeType } from './distill-back.js';
import { commandNodeType } from './command.js';
import { reportNodeType } from './report.js';

export const builtinNodeTypes: NodeType[] = [
  loadDataNodeType,
  pretrainStudentNodeType,
  initTeacherNodeType,
  refineTeacherNodeType,
  distillBackNodeType,
  evaluateNodeType,
  commandNodeType,
  reportNodeType,
];
