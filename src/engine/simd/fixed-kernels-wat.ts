/**
 * The WebAssembly text of the row kernels that need no exponential:
 * LayerNorm forward and backward, and the dropout masks' generator.
 * kernels-wat.ts places it after the item kernels.
 */

/**
 * Statements that add the four float32 lanes of local `value` to the
 * four float64 sums at `$wide` bytes past the array at local `sums`.
 */
function addToWideSums(sums: string, value: string): string {
  const half = (offset: number, lanes: string) => `
            (v128.store offset=${offset}
              (i32.add (local.get ${sums}) (local.get $wide))
              (f64x2.add
                (v128.load offset=${offset}
                  (i32.add (local.get ${sums}) (local.get $wide)))
                (f64x2.promote_low_f32x4 ${lanes})))`;
  const high = `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                  (local.get ${value}) (local.get ${value}))`;
  return half(0, `(local.get ${value})`) + half(16, high);
}

/** The kernels without exponentials, written out directly. */
export const FIXED_KERNELS = `
  (func $sumLanes (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v))
        (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v))
        (f32x4.extract_lane 3 (local.get $v)))))

  ;; LayerNorm forward over rows of \`width\` floats, \`width\` a multiple of
  ;; 4: normalised = (x - mean) * inverseStd, out = normalised * gamma +
  ;; beta, and inverseStd = 1 / sqrt(variance + epsilon) per row. The
  ;; float32 mean m is off by up to an ulp of the row's values, which a
  ;; row far from zero with a small spread magnifies, so the second pass
  ;; also sums v = x - m and the centred values are v - mean(v). The
  ;; variance stays mean(v^2): subtracting mean(v)^2 would give inf - inf
  ;; = NaN where the squares overflow, and it is below float32 resolution
  ;; unless the row is nearly constant.
  (func (export "layerNormForward")
    (param $x i32) (param $gamma i32) (param $beta i32) (param $out i32)
    (param $normalised i32) (param $inverseStd i32) (param $rows i32)
    (param $width i32) (param $epsilon f32)
    (local $r i32) (local $j i32) (local $bytes i32) (local $acc v128)
    (local $mean v128) (local $scale f32) (local $v v128) (local $n v128)
    (local $vSum v128) (local $correction f32)
    (local.set $bytes (i32.shl (local.get $width) (i32.const 2)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (v128.load (i32.add (local.get $x) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $next)))
        (local.set $mean
          (f32x4.splat
            (f32.div (call $sumLanes (local.get $acc))
              (f32.convert_i32_u (local.get $width)))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $vSum (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $v
              (f32x4.sub
                (v128.load (i32.add (local.get $x) (local.get $j)))
                (local.get $mean)))
            (local.set $vSum (f32x4.add (local.get $vSum) (local.get $v)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $next)))
        (local.set $correction
          (f32.div (call $sumLanes (local.get $vSum))
            (f32.convert_i32_u (local.get $width))))
        (local.set $scale
          (f32.div (f32.const 1)
            (f32.sqrt
              (f32.add
                (f32.div (call $sumLanes (local.get $acc))
                  (f32.convert_i32_u (local.get $width)))
                (local.get $epsilon)))))
        (f32.store (local.get $inverseStd) (local.get $scale))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $n
              (f32x4.mul
                (f32x4.sub
                  (f32x4.sub
                    (v128.load (i32.add (local.get $x) (local.get $j)))
                    (local.get $mean))
                  (f32x4.splat (local.get $correction)))
                (f32x4.splat (local.get $scale))))
            (v128.store (i32.add (local.get $normalised) (local.get $j))
              (local.get $n))
            (v128.store (i32.add (local.get $out) (local.get $j))
              (f32x4.add
                (f32x4.mul (local.get $n)
                  (v128.load (i32.add (local.get $gamma) (local.get $j))))
                (v128.load (i32.add (local.get $beta) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $next)))
        (local.set $x (i32.add (local.get $x) (local.get $bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $bytes)))
        (local.set $normalised
          (i32.add (local.get $normalised) (local.get $bytes)))
        (local.set $inverseStd (i32.add (local.get $inverseStd) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; LayerNorm backward: with n the normalised input and g = dy * gamma,
  ;; dx = inverseStd * (g - mean(g) - n * mean(g n)) per row. The gamma
  ;; and beta gradients, sums over rows of dy * n and dy, are added to
  ;; float64 arrays of \`width\` at \`gammaGrad\` and \`betaGrad\`.
  (func (export "layerNormBackward")
    (param $dy i32) (param $normalised i32) (param $inverseStd i32)
    (param $gamma i32) (param $dx i32) (param $gammaGrad i32)
    (param $betaGrad i32) (param $rows i32) (param $width i32)
    (local $r i32) (local $j i32) (local $bytes i32) (local $wide i32)
    (local $d v128) (local $n v128) (local $g v128) (local $dn v128)
    (local $gradSum v128) (local $gradDot v128)
    (local $meanGrad v128) (local $meanDot v128) (local $scale v128)
    (local.set $bytes (i32.shl (local.get $width) (i32.const 2)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $gradSum (v128.const f32x4 0 0 0 0))
        (local.set $gradDot (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $d (v128.load (i32.add (local.get $dy) (local.get $j))))
            (local.set $n
              (v128.load (i32.add (local.get $normalised) (local.get $j))))
            (local.set $g
              (f32x4.mul (local.get $d)
                (v128.load (i32.add (local.get $gamma) (local.get $j)))))
            (local.set $gradSum (f32x4.add (local.get $gradSum) (local.get $g)))
            (local.set $gradDot
              (f32x4.add (local.get $gradDot)
                (f32x4.mul (local.get $g) (local.get $n))))
            ;; float64 column sums: eight bytes per value.
            (local.set $wide
              (i32.shl (local.get $j) (i32.const 1)))
            (local.set $dn (f32x4.mul (local.get $d) (local.get $n)))
            ${addToWideSums('$gammaGrad', '$dn')}
            ${addToWideSums('$betaGrad', '$d')}
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $next)))
        (local.set $meanGrad
          (f32x4.splat
            (f32.div (call $sumLanes (local.get $gradSum))
              (f32.convert_i32_u (local.get $width)))))
        (local.set $meanDot
          (f32x4.splat
            (f32.div (call $sumLanes (local.get $gradDot))
              (f32.convert_i32_u (local.get $width)))))
        (local.set $scale (f32x4.splat (f32.load (local.get $inverseStd))))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
            (v128.store (i32.add (local.get $dx) (local.get $j))
              (f32x4.mul (local.get $scale)
                (f32x4.sub
                  (f32x4.sub
                    (f32x4.mul
                      (v128.load (i32.add (local.get $dy) (local.get $j)))
                      (v128.load (i32.add (local.get $gamma) (local.get $j))))
                    (local.get $meanGrad))
                  (f32x4.mul
                    (v128.load
                      (i32.add (local.get $normalised) (local.get $j)))
                    (local.get $meanDot)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $next)))
        (local.set $dy (i32.add (local.get $dy) (local.get $bytes)))
        (local.set $normalised
          (i32.add (local.get $normalised) (local.get $bytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $bytes)))
        (local.set $inverseStd (i32.add (local.get $inverseStd) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Dropout mask from xoshiro128** whose four state words are at $state:
  ;; \`count\` floats at $out, each \`scale\` where its 32-bit draw is below
  ;; \`threshold\` (unsigned) and 0 otherwise. The same stream as
  ;; Prng.nextUint32, one draw per float; the state is written back.
  (func (export "fillMask")
    (param $state i32) (param $out i32) (param $count i32)
    (param $threshold i32) (param $scale f32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t i32) (local $draw i32) (local $end i32)
    (local.set $s0 (i32.load (local.get $state)))
    (local.set $s1 (i32.load offset=4 (local.get $state)))
    (local.set $s2 (i32.load offset=8 (local.get $state)))
    (local.set $s3 (i32.load offset=12 (local.get $state)))
    (local.set $end
      (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $draw
          (i32.mul
            (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7))
            (i32.const 9)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (f32.store (local.get $out)
          (select (local.get $scale) (f32.const 0)
            (i32.lt_u (local.get $draw) (local.get $threshold))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next)))
    (i32.store (local.get $state) (local.get $s0))
    (i32.store offset=4 (local.get $state) (local.get $s1))
    (i32.store offset=8 (local.get $state) (local.get $s2))
    (i32.store offset=12 (local.get $state) (local.get $s3)))
`;
