;; numnet's float64 GEMM kernel, WebAssembly SIMD (f64x2).
;;
;; gemm(m, n, k, a, rsA, csA, b, c, accumulate): C[m×n] = A·B (or C += A·B when accumulate ≠ 0:
;; the running sums start at C's values, as in the JS loops, so both give identical bits),
;; with A(i, p) at byte a + i·rsA + p·csA (so one kernel serves A and Aᵀ: row-major A has
;; rsA = 8k, csA = 8; a stored-transposed A has rsA = 8, csA = 8m), B row-major k×n at byte b,
;; C row-major m×n at byte c. Register-blocked 4 rows × 4 columns (8 f64x2 accumulators); the
;; rows and columns left over are done 1 × 4 and one at a time.

(module
  (memory (export "memory") 1)

  (func (export "gemm")
    (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $rs i32) (param $cs i32)
    (param $b i32) (param $c i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $rowB i32) (local $pb i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32)
    (local $pc i32) (local $rowC i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $s f64) (local $n4 i32) (local $m4 i32)

    (local.set $rowB (i32.shl (local.get $n) (i32.const 3)))
    (local.set $rowC (local.get $rowB))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))

    ;; ---- column blocks of 4
    (local.set $j (i32.const 0))
    (block $done_j
      (loop $loop_j
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $n4)))

        ;; -- row blocks of 4
        (local.set $i (i32.const 0))
        (block $done_i
          (loop $loop_i
            (br_if $done_i (i32.ge_s (local.get $i) (local.get $m4)))
            ;; the accumulators start at 0, or at C's values when accumulating (a running sum)
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
            (if (local.get $accumulate)
              (then
                (local.set $c00 (v128.load (local.get $pc)))
                (local.set $c01 (v128.load offset=16 (local.get $pc)))
                (local.set $c10 (v128.load (i32.add (local.get $pc) (local.get $rowC))))
                (local.set $c11 (v128.load offset=16 (i32.add (local.get $pc) (local.get $rowC))))
                (local.set $c20 (v128.load (i32.add (local.get $pc) (i32.shl (local.get $rowC) (i32.const 1)))))
                (local.set $c21 (v128.load offset=16 (i32.add (local.get $pc) (i32.shl (local.get $rowC) (i32.const 1)))))
                (local.set $c30 (v128.load (i32.add (local.get $pc) (i32.mul (local.get $rowC) (i32.const 3)))))
                (local.set $c31 (v128.load offset=16 (i32.add (local.get $pc) (i32.mul (local.get $rowC) (i32.const 3))))))
              (else
                (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))
                (local.set $c10 (v128.const f64x2 0 0)) (local.set $c11 (v128.const f64x2 0 0))
                (local.set $c20 (v128.const f64x2 0 0)) (local.set $c21 (v128.const f64x2 0 0))
                (local.set $c30 (v128.const f64x2 0 0)) (local.set $c31 (v128.const f64x2 0 0))))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $rs)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $rs)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $rs)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_p
              (loop $loop_p
                (br_if $done_p (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (f64x2.splat (f64.load (local.get $pa0))))
                (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load (local.get $pa1))))
                (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load (local.get $pa2))))
                (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load (local.get $pa3))))
                (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $cs)))
                (local.set $pa1 (i32.add (local.get $pa1) (local.get $cs)))
                (local.set $pa2 (i32.add (local.get $pa2) (local.get $cs)))
                (local.set $pa3 (i32.add (local.get $pa3) (local.get $cs)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $loop_p)))
            ;; store the 4×4 block
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $loop_i)))

        ;; -- rows left over: 1 × 4
        (block $done_r
          (loop $loop_r
            (br_if $done_r (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
            (if (local.get $accumulate)
              (then
                (local.set $c00 (v128.load (local.get $pc)))
                (local.set $c01 (v128.load offset=16 (local.get $pc))))
              (else
                (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_p1
              (loop $loop_p1
                (br_if $done_p1 (i32.eqz (local.get $p)))
                (local.set $x (f64x2.splat (f64.load (local.get $pa0))))
                (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (v128.load (local.get $pb)))))
                (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $cs)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $loop_p1)))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $loop_r)))

        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $loop_j)))

    ;; ---- columns left over: one at a time, every row
    (block $done_jt
      (loop $loop_jt
        (br_if $done_jt (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $done_it
          (loop $loop_it
            (br_if $done_it (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
            (local.set $s (f64.const 0))
            (if (local.get $accumulate) (then (local.set $s (f64.load (local.get $pc)))))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_pt
              (loop $loop_pt
                (br_if $done_pt (i32.eqz (local.get $p)))
                (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pa0)) (f64.load (local.get $pb)))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $cs)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $loop_pt)))
            (f64.store (local.get $pc) (local.get $s))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $loop_it)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $loop_jt)))
  )
)
