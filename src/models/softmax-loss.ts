/**
 * Full-softmax cross-entropy over all items, optionally combined with a
 * temperature-scaled KL divergence to a fixed reference model, computed in
 * chunks of positions with a hand-written gradient.
 *
 * Memory: for P scored positions, N items and chunk size c, one chunk's
 * logits are c * N float32 values (4cN bytes). The forward pass holds
 * about three such arrays at a time (logits, their exponentials and the
 * reference's softmax) and the backward pass about five, because it
 * recomputes the logits chunk by chunk instead of keeping them. With
 * c = 1024 and N = 10,000 that is about 40 MB per array, 200 MB at peak,
 * whatever P is. Autograd over unchunked ops would keep every chunk's
 * logits until the backward pass: at batch 128 and 200 positions, P is up
 * to 25,600, so 1 GB per array and several GB in all.
 */
import {
  fusedItemSoftmaxAvailable,
  fusedItemSoftmaxLoss,
  tf,
} from '../engine/index.js';

/** A fixed model whose softened distribution the trained one is pulled to. */
export interface KlReference {
  /** Reference states in its item space at the same positions, `[P, r]`. */
  hidden: tf.Tensor2D;
  /** Reference item table without the padding row, `[N, r]`. */
  table: tf.Tensor2D;
  /** Weight of the `T^2 * KL` term. */
  weight: number;
  /** Softmax temperature T, applied to both models' logits. */
  temperature: number;
}

/** Options of `softmaxLoss`. */
export interface SoftmaxLossOptions {
  /** Target item ids (1..N) per position, `[P]` int32. */
  targets: tf.Tensor1D;
  /** Weight of the cross-entropy term. Default 1. */
  crossEntropyWeight?: number;
  /** KL term; none when absent. */
  reference?: KlReference;
  /** Positions per chunk; see the file comment for the memory it takes. */
  chunkSize: number;
}

/**
 * Returns the mean over positions of
 * `w_ce * CE(target, softmax(z)) + w_kl * T^2 * KL(p_ref,T || p_T)`, where
 * `z = hidden · table^T` and `p_T = softmax(z / T)`.
 *
 * The KL direction is KL(reference || trained): the reference's softened
 * distribution is the target, as in Hinton et al.'s soft-label loss, and
 * its gradient with respect to the trained logits is `(p_T - p_ref,T)/T`.
 * The T^2 factor keeps that gradient's scale independent of T.
 *
 * `hidden` `[P, e]` and `table` `[N, e]` (item table without the padding
 * row) receive gradients. `targets` and the reference are constants that
 * must stay alive until the backward pass has run, so create them outside
 * the function given to `tf.variableGrads`.
 */
export function softmaxLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  options: SoftmaxLossOptions,
): tf.Scalar {
  if (fusedItemSoftmaxAvailable()) {
    // The same loss on native BLAS, with its gradients computed in the
    // forward pass: several times faster than the tensor ops below.
    return fusedItemSoftmaxLoss(
      hidden,
      table,
      tf.sub(options.targets, tf.scalar(1, 'int32')) as tf.Tensor1D,
      {
        crossEntropyWeight: options.crossEntropyWeight ?? 1,
        reference: options.reference,
        chunkRows: options.chunkSize,
      },
    );
  }
  const lossOp = tf.customGrad(
    // customGrad passes the inputs, then the save function, as one list.
    (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [h, t, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      save([h, t]);
      return {
        value: forwardLoss(h as tf.Tensor2D, t as tf.Tensor2D, options),
        gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) =>
          backwardLoss(
            dy,
            saved[0] as tf.Tensor2D,
            saved[1] as tf.Tensor2D,
            options,
          ),
      };
    },
  );
  return lossOp(hidden, table) as tf.Scalar;
}

interface Chunk {
  start: number;
  size: number;
}

function chunksOf(positions: number, chunkSize: number): Chunk[] {
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) {
    throw new Error(
      `\`chunkSize\` must be a positive integer, got ${chunkSize}.`,
    );
  }
  const chunks: Chunk[] = [];
  for (let start = 0; start < positions; start += chunkSize) {
    chunks.push({ start, size: Math.min(chunkSize, positions - start) });
  }
  return chunks;
}

function rows<T extends tf.Tensor>(x: T, chunk: Chunk): T {
  return tf.slice(x, chunk.start, chunk.size) as T;
}

// Sum over positions of the loss, divided by P at the end.
function forwardLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  options: SoftmaxLossOptions,
): tf.Scalar {
  const positions = hidden.shape[0];
  let total = tf.scalar(0);
  for (const chunk of chunksOf(positions, options.chunkSize)) {
    const next = tf.tidy(
      () =>
        tf.add(total, chunkLossSum(hidden, table, options, chunk)) as tf.Scalar,
    );
    total.dispose();
    total = next;
  }
  const mean = tf.div(total, Math.max(positions, 1)) as tf.Scalar;
  total.dispose();
  return mean;
}

function chunkLossSum(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  options: SoftmaxLossOptions,
  chunk: Chunk,
): tf.Scalar {
  const numItems = table.shape[0];
  // [c, N]
  const logits = tf.matMul(rows(hidden, chunk), table, false, true);
  const targets = tf.sub(
    rows(options.targets, chunk),
    tf.scalar(1, 'int32'),
  ) as tf.Tensor1D;
  const oneHot = tf.oneHot(targets, numItems);
  const targetLogit = tf.sum(tf.mul(logits, oneHot), 1);
  const crossEntropy = tf.sub(tf.logSumExp(logits, 1), targetLogit);
  let sum = tf.mul(tf.sum(crossEntropy), options.crossEntropyWeight ?? 1);

  const reference = options.reference;
  if (reference) {
    const T = reference.temperature;
    const refLogProbs = referenceLogProbs(reference, chunk);
    const logProbs = tf.logSoftmax(tf.div(logits, T));
    // KL(p_ref || p) = sum p_ref * (log p_ref - log p), per position.
    const kl = tf.sum(
      tf.mul(tf.exp(refLogProbs), tf.sub(refLogProbs, logProbs)),
    );
    sum = tf.add(sum, tf.mul(kl, reference.weight * T * T));
  }
  return sum as tf.Scalar;
}

function referenceLogProbs(reference: KlReference, chunk: Chunk): tf.Tensor2D {
  const logits = tf.matMul(
    rows(reference.hidden, chunk),
    reference.table,
    false,
    true,
  );
  return tf.logSoftmax(tf.div(logits, reference.temperature)) as tf.Tensor2D;
}

// Gradient of the mean loss: per chunk, dL/dz = w_ce * (softmax(z) -
// onehot) + w_kl * T * (softmax(z/T) - p_ref), divided by P.
function backwardLoss(
  dy: tf.Scalar,
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  options: SoftmaxLossOptions,
): tf.Tensor[] {
  const positions = hidden.shape[0];
  const scale = tf.div(dy, Math.max(positions, 1));
  const hiddenGrads: tf.Tensor[] = [];
  let tableGrad: tf.Tensor = tf.zerosLike(table);

  for (const chunk of chunksOf(positions, options.chunkSize)) {
    const [hiddenGrad, nextTableGrad] = tf.tidy(() => {
      const h = rows(hidden, chunk);
      const logitGrad = tf.mul(chunkLogitGrad(h, table, options, chunk), scale);
      return [
        tf.matMul(logitGrad, table),
        tf.add(tableGrad, tf.matMul(logitGrad, h, true, false)),
      ];
    });
    hiddenGrads.push(hiddenGrad);
    tableGrad.dispose();
    tableGrad = nextTableGrad;
  }
  scale.dispose();

  const hiddenGrad =
    hiddenGrads.length === 0 ? tf.zerosLike(hidden) : tf.concat(hiddenGrads, 0);
  if (hiddenGrads.length > 0) tf.dispose(hiddenGrads);
  return [hiddenGrad, tableGrad];
}

function chunkLogitGrad(
  h: tf.Tensor2D,
  table: tf.Tensor2D,
  options: SoftmaxLossOptions,
  chunk: Chunk,
): tf.Tensor2D {
  const numItems = table.shape[0];
  const logits = tf.matMul(h, table, false, true);
  const targets = tf.sub(
    rows(options.targets, chunk),
    tf.scalar(1, 'int32'),
  ) as tf.Tensor1D;
  let grad = tf.mul(
    tf.sub(tf.softmax(logits), tf.oneHot(targets, numItems)),
    options.crossEntropyWeight ?? 1,
  );
  const reference = options.reference;
  if (reference) {
    const T = reference.temperature;
    const softened = tf.softmax(tf.div(logits, T));
    const refProbs = tf.exp(referenceLogProbs(reference, chunk));
    grad = tf.add(
      grad,
      tf.mul(tf.sub(softened, refProbs), reference.weight * T),
    );
  }
  return grad as tf.Tensor2D;
}
