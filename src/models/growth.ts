/**
 * Function-preserving growth of a student into a wider, deeper teacher,
 * in the manner of Net2Net (Chen et al., ICLR 2016) and bert2BERT (Chen et
 * al., ACL 2022):
 *
 * - Width: the teacher's hidden state is the student's repeated k times
 *   (d_teacher = k * d_student). A dense layer reading a repeated input
 *   divides its input rows by k, and one writing a repeated output copies
 *   its columns, so every layer computes the repeated student activation.
 *   LayerNorm over k equal copies has the student's mean and variance, so
 *   repeating gain and offset preserves it exactly. Attention heads keep
 *   the student's head size (heads_teacher = k * heads_student), so each
 *   teacher head is a copy of one student head.
 * - FFN: the first student-inner-width neurons copy the student's; extra
 *   neurons get random input weights and zero output weights.
 * - Depth: blocks beyond the student's get random attention and FFN input
 *   weights but zero attention-output and FFN-output weights, so each
 *   starts as the identity (pre-LN residual blocks).
 * - Head: the embedding head maps the repeated final state back to the
 *   student's width (rows divided by k) and scores against the student's
 *   item table.
 *
 * The untrained teacher therefore scores items exactly as the student,
 * up to float rounding. Random parts break the symmetry between the
 * copies once training starts.
 */
import { ffnSize, type ModelConfig } from './config.js';
import { blockWeightNames, WEIGHT } from './weights.js';

/** Problems that rule out function-preserving growth, as messages. */
export function growthProblems(
  student: ModelConfig,
  teacher: ModelConfig,
): string[] {
  const problems: string[] = [];
  const k = teacher.hiddenSize / student.hiddenSize;
  if (!Number.isInteger(k)) {
    problems.push(
      `Teacher \`hiddenSize\` (${teacher.hiddenSize}) must be a multiple of ` +
        `the student's (${student.hiddenSize}) for \`init: function-preserving\`.`,
    );
    return problems;
  }
  if (teacher.heads !== k * student.heads) {
    problems.push(
      `Teacher \`heads\` must be ${k * student.heads} (the student's ` +
        `${student.heads} heads times the width ratio ${k}) for ` +
        `\`init: function-preserving\`, got ${teacher.heads}.`,
    );
  }
  if (teacher.blocks < student.blocks) {
    problems.push(
      `Teacher \`blocks\` (${teacher.blocks}) must be at least the ` +
        `student's (${student.blocks}) for \`init: function-preserving\`.`,
    );
  }
  if (ffnSize(teacher) < ffnSize(student)) {
    problems.push(
      `The teacher's FFN width (${ffnSize(teacher)}) must be at least the ` +
        `student's (${ffnSize(student)}): raise \`ffnMultiplier\`.`,
    );
  }
  if (student.embeddingSize !== student.hiddenSize) {
    problems.push(
      'Function-preserving growth needs a student without an input ' +
        'projection (`embeddingSize` equal to `hiddenSize`).',
    );
  }
  if (teacher.activation !== student.activation) {
    problems.push(
      `Teacher \`activation\` must match the student's ` +
        `(\`${student.activation}\`) for \`init: function-preserving\`.`,
    );
  }
  return problems;
}

/**
 * Builds the grown teacher's weights. `random` contains seeded random values
 * for every teacher weight, and the parts growth does not set are taken from
 * it. Call `growthProblems` first.
 */
export function growWeights(
  student: ModelConfig,
  studentValues: Map<string, Float32Array>,
  teacher: ModelConfig,
  random: Map<string, Float32Array>,
): Map<string, Float32Array> {
  const k = teacher.hiddenSize / student.hiddenSize;
  const d = student.hiddenSize;
  const get = (name: string) => required(studentValues, name);
  const out = new Map(random);

  out.set(WEIGHT.itemEmbedding, get(WEIGHT.itemEmbedding));
  if (k > 1) out.set(WEIGHT.inputProjection, repeatedIdentity(d, k, 1, false));
  out.set(
    WEIGHT.positionEmbedding,
    repeat(get(WEIGHT.positionEmbedding), student.maxLength, d, 1, k, 1),
  );
  for (let i = 0; i < student.blocks; i++) {
    growBlock(i, student, teacher, get, out);
  }
  for (let i = student.blocks; i < teacher.blocks; i++) {
    silenceBlock(i, teacher, out);
  }
  out.set(WEIGHT.finalGamma, repeatVector(get(WEIGHT.finalGamma), k));
  out.set(WEIGHT.finalBeta, repeatVector(get(WEIGHT.finalBeta), k));
  growHead(student, studentValues, k, out);
  return out;
}

function growHead(
  student: ModelConfig,
  values: Map<string, Float32Array>,
  k: number,
  out: Map<string, Float32Array>,
): void {
  const d = student.hiddenSize;
  const e = student.embeddingSize;
  if (student.head === 'tied') {
    out.set(WEIGHT.headKernel, repeatedIdentity(d, k, 1 / k, true));
    out.set(WEIGHT.headBias, new Float32Array(e));
    out.set(WEIGHT.outputItemEmbedding, required(values, WEIGHT.itemEmbedding));
    return;
  }
  const kernel = required(values, WEIGHT.headKernel);
  out.set(WEIGHT.headKernel, repeat(kernel, d, e, k, 1, 1 / k));
  out.set(WEIGHT.headBias, required(values, WEIGHT.headBias));
  out.set(
    WEIGHT.outputItemEmbedding,
    required(values, WEIGHT.outputItemEmbedding),
  );
}

function growBlock(
  i: number,
  student: ModelConfig,
  teacher: ModelConfig,
  get: (name: string) => Float32Array,
  out: Map<string, Float32Array>,
): void {
  const k = teacher.hiddenSize / student.hiddenSize;
  const d = student.hiddenSize;
  const n = blockWeightNames(i);
  for (const name of [
    n.attentionGamma,
    n.attentionBeta,
    n.ffnGamma,
    n.ffnBeta,
  ]) {
    out.set(name, repeatVector(get(name), k));
  }
  for (const kind of ['query', 'key', 'value', 'output'] as const) {
    const kernel = n[`${kind}Kernel`];
    const bias = n[`${kind}Bias`];
    out.set(kernel, repeat(get(kernel), d, d, k, k, 1 / k));
    out.set(bias, repeatVector(get(bias), k));
  }
  growFfn(n, ffnSize(student), ffnSize(teacher), d, k, get, out);
}

// Teacher neurons [0, innerS) copy the student's; the rest keep their
// random input weights and get zero output weights.
function growFfn(
  n: Record<string, string>,
  innerS: number,
  innerT: number,
  d: number,
  k: number,
  get: (name: string) => Float32Array,
  out: Map<string, Float32Array>,
): void {
  const inner = required(out, n.innerKernel).slice();
  const studentInner = get(n.innerKernel);
  for (let copy = 0; copy < k; copy++) {
    for (let a = 0; a < d; a++) {
      for (let j = 0; j < innerS; j++) {
        inner[(copy * d + a) * innerT + j] = studentInner[a * innerS + j] / k;
      }
    }
  }
  out.set(n.innerKernel, inner);
  const innerBias = new Float32Array(innerT);
  innerBias.set(get(n.innerBias));
  out.set(n.innerBias, innerBias);

  const outer = new Float32Array(innerT * d * k);
  const studentOuter = get(n.outerKernel);
  for (let j = 0; j < innerS; j++) {
    for (let copy = 0; copy < k; copy++) {
      outer.set(
        studentOuter.subarray(j * d, (j + 1) * d),
        j * d * k + copy * d,
      );
    }
  }
  out.set(n.outerKernel, outer);
  out.set(n.outerBias, repeatVector(get(n.outerBias), k));
}

function silenceBlock(
  i: number,
  teacher: ModelConfig,
  out: Map<string, Float32Array>,
): void {
  const n = blockWeightNames(i);
  const d = teacher.hiddenSize;
  out.set(n.outputKernel, new Float32Array(d * d));
  out.set(n.outputBias, new Float32Array(d));
  out.set(n.outerKernel, new Float32Array(ffnSize(teacher) * d));
  out.set(n.outerBias, new Float32Array(d));
}

/**
 * Tiles a row-major `[rows, cols]` matrix `rowCopies` times down and
 * `colCopies` times across, multiplying every value by `scale`.
 */
export function repeat(
  values: Float32Array,
  rows: number,
  cols: number,
  rowCopies: number,
  colCopies: number,
  scale: number,
): Float32Array {
  const width = cols * colCopies;
  const out = new Float32Array(rows * rowCopies * width);
  for (let rc = 0; rc < rowCopies; rc++) {
    for (let r = 0; r < rows; r++) {
      for (let cc = 0; cc < colCopies; cc++) {
        for (let c = 0; c < cols; c++) {
          out[(rc * rows + r) * width + cc * cols + c] =
            values[r * cols + c] * scale;
        }
      }
    }
  }
  return out;
}

function repeatVector(values: Float32Array, k: number): Float32Array {
  return repeat(values, 1, values.length, 1, k, 1);
}

// `[d, k*d]` (or `[k*d, d]` when `down`) made of k identity blocks times
// `scale`: it writes (or reads back) a state repeated k times.
function repeatedIdentity(
  d: number,
  k: number,
  scale: number,
  down: boolean,
): Float32Array {
  const identity = new Float32Array(d * d);
  for (let a = 0; a < d; a++) identity[a * d + a] = 1;
  return down
    ? repeat(identity, d, d, k, 1, scale)
    : repeat(identity, d, d, 1, k, scale);
}

function required(
  values: Map<string, Float32Array>,
  name: string,
): Float32Array {
  const value = values.get(name);
  if (!value) throw new Error(`Internal error: weight \`${name}\` is missing.`);
  return value;
}
