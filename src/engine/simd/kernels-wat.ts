/**
 * The WebAssembly text of the SIMD row kernels (four float32 lanes): the
 * softmax passes of the full item loss, LayerNorm forward and backward,
 * and the dropout mask. The same loops in JavaScript are scalar and
 * bounds-checked, so these run several times faster on one core.
 *
 * The text is generated because V8 (Node 20) does not inline WebAssembly
 * calls: the exponential is written out in each loop that needs it, and
 * the item loops take two vectors per iteration with separate sums. The
 * text is compiled into kernels.wasm by `npm run build:wasm`.
 *
 * Pointers are byte offsets into the module's memory. Rows of the item
 * kernels are `ld` floats apart, where `ld` is a multiple of 4 and at
 * least `items`. Lanes past `items` are masked, so the padding may
 * contain anything.
 */
import { FIXED_KERNELS } from './fixed-kernels-wat.js';

const splat = (value: number) =>
  `(v128.const f32x4 ${value} ${value} ${value} ${value})`;

/**
 * Coefficients of p in e^f = 1 + f + f^2 p(f), highest degree first: the
 * float32 exponential of the Cephes library, as Eigen quotes it.
 */
const EXP_POLYNOMIAL = [
  1.987569150e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
  1.6666665459e-1, 5.0000001201e-1,
];
/** 1.5 * 2^23: adding it rounds a float below 2^22 to an integer. */
const ROUNDING = 12582912;

/** Locals that `exp` of slot `s` uses. */
function expLocals(s: string): string {
  return ['k', 'ki', 'f', 'p']
    .map((name) => `(local $${name}${s} v128)`)
    .join(' ');
}

/**
 * Returns statements that set local `out` to e^x for each lane of local
 * `x`, within 3e-7 relative error for x in [-87, 0] (a test checks it).
 * An x below -87 counts as -87, whose e^x is near the smallest normal
 * float, and NaN stays NaN. With x = k ln2 + f and |f| <= ln2 / 2, the
 * factor 2^k is built in the exponent bits.
 */
function exp(out: string, x: string, s: string): string {
  const [k, ki, f, p] = [`$k${s}`, `$ki${s}`, `$f${s}`, `$p${s}`];
  const [first, ...rest] = EXP_POLYNOMIAL;
  const horner = rest.map(
    (c) => `(local.set ${p} (f32x4.add
      (f32x4.mul (local.get ${p}) (local.get ${f})) ${splat(c)}))`,
  );
  return `
    (local.set ${x} (f32x4.pmax (local.get ${x}) ${splat(-87)}))
    (local.set ${k} (f32x4.add
      (f32x4.mul (local.get ${x}) ${splat(1.44269504)}) ${splat(ROUNDING)}))
    (local.set ${ki} (i32x4.sub (local.get ${k}) ${splat(ROUNDING)}))
    (local.set ${k} (f32x4.sub (local.get ${k}) ${splat(ROUNDING)}))
    ;; ln 2 in two parts, so that k * ln2_hi is exact.
    (local.set ${f} (f32x4.sub
      (f32x4.sub (local.get ${x})
        (f32x4.mul (local.get ${k}) ${splat(0.693359375)}))
      (f32x4.mul (local.get ${k}) ${splat(-2.1219444e-4)})))
    (local.set ${p} ${splat(first!)})
    ${horner.join('\n    ')}
    (local.set ${out} (f32x4.mul
      (f32x4.add
        (f32x4.add
          (f32x4.mul (f32x4.mul (local.get ${p}) (local.get ${f}))
            (local.get ${f}))
          (local.get ${f}))
        ${splat(1)})
      (i32x4.shl
        (i32x4.add (local.get ${ki}) (v128.const i32x4 127 127 127 127))
        (i32.const 23))))`;
}

const add = (acc: string, value: string) =>
  `(local.set ${acc} (f32x4.add (local.get ${acc}) ${value}))`;

/** Sum of the four lanes of local `v` as a float64. */
const sumLanes = (v: string) => `(f64.add
      (f64.add
        (f64.promote_f32 (f32x4.extract_lane 0 (local.get ${v})))
        (f64.promote_f32 (f32x4.extract_lane 1 (local.get ${v}))))
      (f64.add
        (f64.promote_f32 (f32x4.extract_lane 2 (local.get ${v})))
        (f64.promote_f32 (f32x4.extract_lane 3 (local.get ${v})))))`;

/**
 * Returns a loop over the bytes of the row at `$row`, `$p` pointing at the
 * current vector: two vectors per iteration while a full pair remains,
 * then single vectors with `$mask` set to the lanes inside the row.
 * `pair(offset, s)` gives the statements for the vector at `$p + offset`
 * with the locals of slot `s`, and `single()` those for a masked vector
 * at `$p`.
 */
function rowLoop(
  pair: (offset: number, s: string) => string,
  single: () => string,
): string {
  return `
    (local.set $p (local.get $row))
    (local.set $pairsEnd (i32.add (local.get $row)
      (i32.shl (i32.and (local.get $items) (i32.const -8)) (i32.const 2))))
    (local.set $end (i32.add (local.get $row)
      (i32.shl (local.get $items) (i32.const 2))))
    (block $pairsDone
      (loop $nextPair
        (br_if $pairsDone (i32.ge_u (local.get $p) (local.get $pairsEnd)))
        ${pair(0, '0')}
        ${pair(16, '1')}
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $nextPair)))
    (block $singlesDone
      (loop $nextSingle
        (br_if $singlesDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3)
          (i32x4.splat (i32.shr_u
            (i32.sub (local.get $end) (local.get $p)) (i32.const 2)))))
        ${single()}
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $nextSingle)))`;
}

const ROW_MAX = `
  ;; Maximum of the $items values of the row at $row.
  (func $rowMax (param $row i32) (param $items i32) (result f32)
    (local $end i32) (local $m v128)
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $end (i32.add (local.get $row)
      (i32.shl (i32.and (local.get $items) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $m (f32x4.pmax (local.get $m) (v128.load (local.get $row))))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $items) (i32.const 3))
      (then
        (local.set $m (f32x4.pmax (local.get $m)
          (v128.bitselect (v128.load (local.get $row))
            (v128.const f32x4 -inf -inf -inf -inf)
            (i32x4.lt_s (v128.const i32x4 0 1 2 3)
              (i32x4.splat (i32.and (local.get $items) (i32.const 3)))))))))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m))
        (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m))
        (f32x4.extract_lane 3 (local.get $m)))))`;

/**
 * Returns the address `offset` bytes past the current vector `$p` of z,
 * or past the same place in the block at distance `$y` or `$soft` from z.
 */
const at = (block: '$z' | '$y' | '$soft', offset: number) => {
  const inZ = `(i32.add (local.get $p) (i32.const ${offset}))`;
  return block === '$z' ? inZ : `(i32.add (local.get ${block}) ${inZ})`;
};

function softmaxRows(): string {
  const step = (offset: number, s: string, masked: boolean) => `
        (local.set $x${s} (f32x4.sub
          (v128.load offset=${offset} (local.get $p)) (local.get $shift)))
        ${exp(`$e${s}`, `$x${s}`, s)}
        ${masked ? `(local.set $e${s} (v128.and (local.get $e${s}) (local.get $mask)))` : ''}
        (v128.store offset=${offset} (local.get $p) (local.get $e${s}))
        ${add(`$sum${s}`, `(local.get $e${s})`)}`;
  return `
  ;; For each row at $z: the maximum m, then e_j = exp(z_j - m) in place
  ;; of z_j and their sum. Writes m and the sum as two float64 per row at
  ;; $stats.
  (func (export "softmaxRows")
    (param $z i32) (param $rows i32) (param $items i32) (param $ld i32)
    (param $stats i32)
    (local $r i32) (local $row i32) (local $p i32) (local $pairsEnd i32)
    (local $end i32) (local $max f32) (local $shift v128) (local $mask v128)
    (local $x0 v128) (local $x1 v128) (local $e0 v128) (local $e1 v128)
    (local $sum0 v128) (local $sum1 v128) ${expLocals('0')} ${expLocals('1')}
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $z)
          (i32.shl (i32.mul (local.get $r) (local.get $ld)) (i32.const 2))))
        (local.set $max (call $rowMax (local.get $row) (local.get $items)))
        (local.set $shift (f32x4.splat (local.get $max)))
        (local.set $sum0 (v128.const f32x4 0 0 0 0))
        (local.set $sum1 (v128.const f32x4 0 0 0 0))
        ${rowLoop((offset, s) => step(offset, s, false), () => step(0, '0', true))}
        (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $sum1)))
        (f64.store (local.get $stats) (f64.promote_f32 (local.get $max)))
        (f64.store offset=8 (local.get $stats) ${sumLanes('$sum0')})
        (local.set $stats (i32.add (local.get $stats) (i32.const 16)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))`;
}

/**
 * The source of e_j = e^(z_j - max z) in a distillation kernel, given
 * soft_j = e^d_j: soft_j itself at T = 1, its square at T = 2, and its own
 * exponential at any other temperature.
 */
export type TemperatureMode = 'one' | 'two' | 'any';

/** Export name of the distillation kernel for each temperature mode. */
export const DISTILL_KERNELS = {
  one: 'distillRowsT1',
  two: 'distillRowsT2',
  any: 'distillRows',
} as const satisfies Record<TemperatureMode, string>;

/** Sums of `distillRows`, in the order they are stored. */
const DISTILL_SUMS = ['sumE', 'sumSoft', 'sumQ', 'sumQcd'];

function distillStep(
  mode: TemperatureMode, offset: number, s: string, masked: boolean,
): string {
  const e = `$e${s}`;
  const soft = `$soft${s}`;
  const eOf = {
    one: `(local.set ${e} (local.get ${soft}))`,
    two: `(local.set ${e} (f32x4.mul (local.get ${soft}) (local.get ${soft})))`,
    any: exp(e, `$x${s}`, s),
  }[mode];
  const maskAll = masked
    ? ['$soft', '$e', '$q', '$cd']
        .map((v) => `(local.set ${v}${s}
          (v128.and (local.get ${v}${s}) (local.get $mask)))`)
        .join('\n        ')
    : '';
  return `
        (local.set $x${s} (f32x4.sub (v128.load ${at('$z', offset)})
          (local.get $shiftZ)))
        (local.set $d${s} (f32x4.mul (local.get $x${s}) (local.get $invT)))
        (local.set $c${s} (f32x4.mul (local.get $invT)
          (f32x4.sub (v128.load ${at('$y', offset)}) (local.get $shiftY))))
        (local.set $cd${s} (f32x4.sub (local.get $c${s}) (local.get $d${s})))
        ${exp(soft, `$d${s}`, s)}
        ${eOf}
        ${exp(`$q${s}`, `$c${s}`, s)}
        (local.set $cd${s} (f32x4.mul (local.get $q${s}) (local.get $cd${s})))
        ${maskAll}
        (v128.store ${at('$z', offset)} (local.get ${e}))
        (v128.store ${at('$soft', offset)} (local.get ${soft}))
        (v128.store ${at('$y', offset)} (local.get $q${s}))
        ${add(`$sumE${s}`, `(local.get ${e})`)}
        ${add(`$sumSoft${s}`, `(local.get ${soft})`)}
        ${add(`$sumQ${s}`, `(local.get $q${s})`)}
        ${add(`$sumQcd${s}`, `(local.get $cd${s})`)}`;
}

function distillRows(mode: TemperatureMode): string {
  const gradient = `
        (v128.store ${at('$z', 0)} (f32x4.sub
          (f32x4.add
            (f32x4.mul (local.get $ceF) (v128.load ${at('$z', 0)}))
            (f32x4.mul (local.get $softF) (v128.load ${at('$soft', 0)})))
          (f32x4.mul (local.get $qF) (v128.load ${at('$y', 0)}))))`;

  const slotLocals = (s: string) =>
    ['x', 'd', 'c', 'cd', 'e', 'soft', 'q', ...DISTILL_SUMS]
      .map((v) => `(local $${v}${s} v128)`)
      .join(' ');

  const zero = '(v128.const f32x4 0 0 0 0)';
  const resetSums = DISTILL_SUMS.flatMap((v) => [
    `(local.set $${v}0 ${zero})`, `(local.set $${v}1 ${zero})`,
  ]).join('\n        ');
  const foldSums = DISTILL_SUMS.map(
    (v) => `(local.set $${v}0 (f32x4.add (local.get $${v}0) (local.get $${v}1)))`,
  ).join('\n        ');
  const storeSums = DISTILL_SUMS.map(
    (v, i) => `(f64.store offset=${16 + 8 * i} (local.get $stats)
          ${sumLanes(`$${v}0`)})`,
  ).join('\n        ');

  const factor = (scale: string, offset: number) =>
    `(f32x4.splat (f32.demote_f64 (f64.div
          (local.get ${scale}) (f64.load offset=${offset} (local.get $stats)))))`;
  return `
  ;; The cross-entropy plus KL rows of the distillation loss. For each row
  ;; of the trained logits z and the reference's y, with
  ;; d_j = (z_j - max z) / T and c_j = (y_j - max y) / T:
  ;;   soft_j = e^d_j, e_j = e^(z_j - max z), q_j = e^c_j,
  ;; then z_j = e_j * ceScale / sum e + soft_j * klScale / sum soft
  ;;          - q_j * klScale / sum q,
  ;; the gradient of the loss for z without the target's -ceScale. Writes
  ;; per row eight float64 at $stats: max z, max y, sum e, sum soft,
  ;; sum q, sum q (c - d), and two zeros.
  (func (export "${DISTILL_KERNELS[mode]}")
    (param $z i32) (param $y i32) (param $soft i32) (param $rows i32)
    (param $items i32) (param $ld i32) (param $inverseT f32)
    (param $ceScale f64) (param $klScale f64) (param $stats i32)
    (local $r i32) (local $row i32) (local $p i32) (local $pairsEnd i32)
    (local $end i32) (local $mask v128) (local $invT v128)
    (local $maxZ f32) (local $maxY f32) (local $shiftZ v128)
    (local $shiftY v128) (local $ceF v128) (local $softF v128) (local $qF v128)
    ${slotLocals('0')} ${slotLocals('1')} ${expLocals('0')} ${expLocals('1')}
    (local.set $invT (f32x4.splat (local.get $inverseT)))
    ;; $p walks the rows of z; $y and $soft become the distances from z
    ;; to the other two blocks, so one address serves all three.
    (local.set $y (i32.sub (local.get $y) (local.get $z)))
    (local.set $soft (i32.sub (local.get $soft) (local.get $z)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $z)
          (i32.shl (i32.mul (local.get $r) (local.get $ld)) (i32.const 2))))
        (local.set $maxZ (call $rowMax (local.get $row) (local.get $items)))
        (local.set $maxY (call $rowMax
          (i32.add (local.get $y) (local.get $row)) (local.get $items)))
        (local.set $shiftZ (f32x4.splat (local.get $maxZ)))
        (local.set $shiftY (f32x4.splat (local.get $maxY)))
        ${resetSums}
        ${rowLoop(
          (offset, s) => distillStep(mode, offset, s, false),
          () => distillStep(mode, 0, '0', true),
        )}
        ${foldSums}
        (f64.store (local.get $stats) (f64.promote_f32 (local.get $maxZ)))
        (f64.store offset=8 (local.get $stats)
          (f64.promote_f32 (local.get $maxY)))
        ${storeSums}
        (f64.store offset=48 (local.get $stats) (f64.const 0))
        (f64.store offset=56 (local.get $stats) (f64.const 0))
        (local.set $ceF ${factor('$ceScale', 16)})
        (local.set $softF ${factor('$klScale', 24)})
        (local.set $qF ${factor('$klScale', 32)})
        ;; The masked lanes hold zeros now, so whole vectors are safe.
        (local.set $p (local.get $row))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            ${gradient}
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $next)))
        (local.set $stats (i32.add (local.get $stats) (i32.const 64)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))`;
}

/** Returns the text of the whole module. */
export function kernelsWat(): string {
  return `(module
  (memory (export "memory") 1)
${ROW_MAX}
${softmaxRows()}
${distillRows('one')}
${distillRows('two')}
${distillRows('any')}

${FIXED_KERNELS})
`;
}
