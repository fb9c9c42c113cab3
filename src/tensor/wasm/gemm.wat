;; numnet's float64 GEMM kernel, WebAssembly SIMD (f64x2): packed, cache-blocked, 4×4 register tile.
;;
;; gemm(m, n, k, a, rsA, csA, b, rsB, csB, c, acc, mcb, kcb, ncb, packA, packB, tile) computes
;; C[m×n] = op(A)·op(B), or C += op(A)·op(B) when acc ≠ 0, where (addresses and strides in bytes)
;;   op(A)(i, p) = the f64 at a + i·rsA + p·csA   (row-major A: rsA = 8k, csA = 8; A stored k×m: rsA = 8, csA = 8m)
;;   op(B)(p, j) = the f64 at b + p·rsB + j·csB   (row-major B: rsB = 8n, csB = 8; B stored n×k: rsB = 8, csB = 8k)
;;   C(i, j)     = the f64 at c + 8(i·n + j)      (row-major m×n)
;; The operands are used as the caller stores them: the transposes are absorbed by the packing,
;; which reads by strides. mcb, kcb, ncb are the cache-block sizes (mcb and ncb multiples of 4;
;; gemm.ts chooses them), packA and packB the work areas (mcb·kcb and kcb·ncb doubles) and tile a
;; 4×4 scratch tile (16 doubles).
;;
;; THE CONTRACT (shared with the JS loops of kernels.ts; it is what makes the two kernels give
;; identical bits, and training results identical whichever runs): every C(i, j) is one running sum
;;     s = (acc ? C(i, j) : +0);   for p = 0, 1, …, k−1:   s = s + op(A)(i, p)·op(B)(p, j)
;; in p order, each step a rounded multiply then a rounded add. There is no fused multiply-add in
;; WebAssembly SIMD and none is used; nothing is reassociated. A SIMD lane only ever holds one
;; element's sum, so vectorising across j changes nothing either.
;;
;; BLOCKING (the Goto/BLIS loop nest):
;;   for jc over n, ncb columns at a time
;;     for pc over k, kcb at a time, in increasing order     ← k is cut into consecutive ranges
;;       for ic over m, mcb rows at a time
;;         pack op(A)[ic : ic+mc, pc : pc+kc] into packA (4-row panels)
;;         for jr over the block's columns, 4 at a time
;;           (while ic = 0: pack op(B)[pc : pc+kc, jc+jr : jc+jr+4] into its place in packB, just
;;            before its first use while it is hot in L1; later row blocks reuse it)
;;           for ir over the block's rows, 4 at a time: kernel(kc, A panel ir, B panel jr, C tile)
;; The kernel starts each of its 16 sums at C(i, j) — which holds the running sum over p < pc that
;; the previous k-block stored (an f64, i.e. exactly the value s had), or the caller's C when acc —
;; or at +0 for the first k-block without acc; adds the products for p = pc … pc+kc−1 in order; and
;; stores the sums back. Splitting k therefore only stores and reloads the same running sum between
;; two consecutive p: each element still gets s = ((s0 + a0·b0) + a1·b1) + … in p order, whatever
;; the block sizes are (the tests compare against a plain triple loop bit for bit).
;;
;; PACKING: a B panel holds, for p = 0 … kc−1, op(B)(p, j … j+3) — 32 bytes, which the kernel reads
;; with two v128.load; an A panel holds, for each p, op(A)(i … i+3, p) — 32 bytes, which it reads
;; with four v128.load64_splat (a broadcast load, no separate shuffle). Both panels are read strictly
;; sequentially, so the power-of-two row strides of the caller's arrays (512, 1024 …) no longer
;; alias in L1. One routine packs both: A's rows and B's columns are its "lanes"; when the four lanes
;; of one p are adjacent (row-major B, stored-transposed A) it copies two v128 per p, when each lane
;; is contiguous in p (row-major A, stored-transposed B) it transposes 2×2 blocks with i8x16.shuffle,
;; two p at a time. Edge panels (m % 4 rows, n % 4 columns) are padded with zeros; their tiles go
;; through the scratch tile — filled first with C's values where C has them — and only the real
;; elements are copied back, so edge elements get the same kernel and the same order, and the
;; padding lanes (which may hold anything, even NaN from 0·∞) are never stored.
;;
;; IN-PLACE A (directA ≠ 0; gemm.ts decides: a row-major A in a product of at most 32 columns, or
;; a stored-transposed A of at most 16 rows times at most 16 columns): a full row panel is read
;; where A lies instead of being packed — a packed panel is copied once and read once per 4 columns
;; of C, so packing pays only when C is wide. Lane r of p is at pa + r·rsA + p·csA: the four values
;; of one p are adjacent (rsA = 8) in a stored-transposed A, read by $kernel with the A stride $sa
;; = csA instead of the packed panel's 32 bytes; a row-major A's four rows are rsA apart and read by
;; $kernelRows (the same kernel with the lane stride $la). The same loads of the same values, the
;; same products and sums, so the same bits; only a partial last row panel is packed.

;; THE TILE, 4×4: 8 f64x2 accumulators + 2 for the B row + 4 broadcast A values + 1 product = 15
;; xmm registers, exactly what V8's TurboFan allocates on x86-64 (xmm15 is its scratch register).
;; Per p: 6 loads, 8 f64x2.mul, 8 f64x2.add. A 5×4 tile (10 accumulators) was measured and
;; rejected: TurboFan (V8 11.3, Node 20) schedules all of one iteration's loads first, so 5×4
;; needs 10 + 2 + 5 + 1 = 18 registers and spills three accumulators to the stack every iteration
;; (store-to-load forwarding in each of their dependency chains), running at about 60% of the 4×4
;; tile's speed; likewise 4×4 unrolled twice. The 4×4 tile is compute-bound (6 loads per 16 vector
;; flops), so the larger tile had nothing else to win.
;;
;; BLOCK SIZES (gemm.ts): kc ≤ 256 (a B panel, 8 KiB, stays in L1 while the A panels of the block
;; stream past it), mc ≤ 128 rows (the packed A block, ≤ 256 KiB, stays in L2), nc ≤ 2048 columns
;; (the packed B block, ≤ 4 MiB, in L3). Each is split evenly (784 = 4 × 196, not 3 × 256 + 16).

(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------- the 4×4 micro-kernel
  ;; The 4×4 tile of C at pc (row stride ldc bytes) = (load ? that tile : 0) + Σ_p a(p) ⊗ b(p), p in
  ;; order, where a(p) is the A panel's 4 values for p (at pa + 32p) and b(p) the B panel's (at
  ;; pb + 32p); kc ≥ 1. Accumulator cRV holds C(row R, columns 2V, 2V+1).
  (func $kernel
    (param $kc i32) (param $pa i32) (param $sa i32) (param $pb i32) (param $pc i32) (param $ldc i32) (param $load i32)
    (param $bp i32)
    (local $r i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    ;; v128 locals start at zero (+0): only the accumulating case loads
    (if (i32.and (local.get $load) (i32.const 1))
      (then
        (local.set $r (local.get $pc))
        (local.set $c00 (v128.load (local.get $r)))
        (local.set $c01 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c10 (v128.load (local.get $r)))
        (local.set $c11 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c20 (v128.load (local.get $r)))
        (local.set $c21 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c30 (v128.load (local.get $r)))
        (local.set $c31 (v128.load offset=16 (local.get $r))))
      (else
        (if (i32.and (local.get $load) (i32.const 2))
          (then
            ;; every row's sums start at the bias of its four columns
            (local.set $c00 (v128.load (local.get $bp)))
            (local.set $c01 (v128.load offset=16 (local.get $bp)))
            (local.set $c10 (local.get $c00))
            (local.set $c11 (local.get $c01))
            (local.set $c20 (local.get $c00))
            (local.set $c21 (local.get $c01))
            (local.set $c30 (local.get $c00))
            (local.set $c31 (local.get $c01))))))
    (loop $p
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $x (v128.load64_splat (local.get $pa)))
      (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=8 (local.get $pa)))
      (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=16 (local.get $pa)))
      (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=24 (local.get $pa)))
      (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $p (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (i32.and (local.get $load) (i32.const 4))
      (then
        ;; relu on the way out: f64x2.pmax(0, c) = (0 < c ? c : 0)
        (local.set $x (v128.const f64x2 0 0))
        (local.set $c00 (f64x2.pmax (local.get $x) (local.get $c00)))
        (local.set $c01 (f64x2.pmax (local.get $x) (local.get $c01)))
        (local.set $c10 (f64x2.pmax (local.get $x) (local.get $c10)))
        (local.set $c11 (f64x2.pmax (local.get $x) (local.get $c11)))
        (local.set $c20 (f64x2.pmax (local.get $x) (local.get $c20)))
        (local.set $c21 (f64x2.pmax (local.get $x) (local.get $c21)))
        (local.set $c30 (f64x2.pmax (local.get $x) (local.get $c30)))
        (local.set $c31 (f64x2.pmax (local.get $x) (local.get $c31)))))
    (local.set $r (local.get $pc))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c10))
    (v128.store offset=16 (local.get $r) (local.get $c11))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c20))
    (v128.store offset=16 (local.get $r) (local.get $c21))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c30))
    (v128.store offset=16 (local.get $r) (local.get $c31)))

  ;; The same kernel for an A read in place with its four rows $la bytes apart (gemm's directA:
  ;; a row-major A, lanes at its row stride): a(p) lane r at pa + r·la + p·sa. The same loads of the
  ;; same values, products and sums as $kernel, so the same bits; a separate function because the
  ;; address additions cost the packed kernel 3–5% (measured) and a panel's lanes are 8 bytes apart.
  (func $kernelRows
    (param $kc i32) (param $pa i32) (param $sa i32) (param $la i32) (param $pb i32) (param $pc i32) (param $ldc i32) (param $load i32)
    (param $bp i32)
    (local $r i32) (local $la2 i32) (local $la3 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $la2 (i32.shl (local.get $la) (i32.const 1)))
    (local.set $la3 (i32.add (local.get $la2) (local.get $la)))
    ;; v128 locals start at zero (+0): only the accumulating case loads
    (if (i32.and (local.get $load) (i32.const 1))
      (then
        (local.set $r (local.get $pc))
        (local.set $c00 (v128.load (local.get $r)))
        (local.set $c01 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c10 (v128.load (local.get $r)))
        (local.set $c11 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c20 (v128.load (local.get $r)))
        (local.set $c21 (v128.load offset=16 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (local.get $ldc)))
        (local.set $c30 (v128.load (local.get $r)))
        (local.set $c31 (v128.load offset=16 (local.get $r))))
      (else
        (if (i32.and (local.get $load) (i32.const 2))
          (then
            ;; every row's sums start at the bias of its four columns
            (local.set $c00 (v128.load (local.get $bp)))
            (local.set $c01 (v128.load offset=16 (local.get $bp)))
            (local.set $c10 (local.get $c00))
            (local.set $c11 (local.get $c01))
            (local.set $c20 (local.get $c00))
            (local.set $c21 (local.get $c01))
            (local.set $c30 (local.get $c00))
            (local.set $c31 (local.get $c01))))))
    (loop $p
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $x (v128.load64_splat (local.get $pa)))
      (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $la))))
      (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $la2))))
      (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $la3))))
      (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $p (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (i32.and (local.get $load) (i32.const 4))
      (then
        ;; relu on the way out: f64x2.pmax(0, c) = (0 < c ? c : 0)
        (local.set $x (v128.const f64x2 0 0))
        (local.set $c00 (f64x2.pmax (local.get $x) (local.get $c00)))
        (local.set $c01 (f64x2.pmax (local.get $x) (local.get $c01)))
        (local.set $c10 (f64x2.pmax (local.get $x) (local.get $c10)))
        (local.set $c11 (f64x2.pmax (local.get $x) (local.get $c11)))
        (local.set $c20 (f64x2.pmax (local.get $x) (local.get $c20)))
        (local.set $c21 (f64x2.pmax (local.get $x) (local.get $c21)))
        (local.set $c30 (f64x2.pmax (local.get $x) (local.get $c30)))
        (local.set $c31 (f64x2.pmax (local.get $x) (local.get $c31)))))
    (local.set $r (local.get $pc))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c10))
    (v128.store offset=16 (local.get $r) (local.get $c11))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c20))
    (v128.store offset=16 (local.get $r) (local.get $c21))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c30))
    (v128.store offset=16 (local.get $r) (local.get $c31)))

  ;; ---------------------------------------------------------------- packing
  ;; Packs a len × kc block into panels of 4 "lanes": element (l, p) is the f64 at src + l·sl + p·sp;
  ;; panel q holds, for p = 0 … kc−1, elements (4q … 4q+3, p) at dst + q·32kc + 32p; lanes past len
  ;; are zeros. A block: lanes = rows (sl = rsA, sp = csA); B block: lanes = columns (sl = csB, sp = rsB).
  ;; The operands are dense, so one of the strides is 8: sl = 8 (the four values of one p are
  ;; adjacent: row-major B, stored-transposed A — two v128 copies per p) or else sp = 8 (each lane is
  ;; contiguous in p: row-major A, stored-transposed B — two p at a time, the 2×2 blocks transposed
  ;; by shuffles). The partial panel is copied one value at a time, which needs neither.
  (func $pack
    (param $len i32) (param $kc i32) (param $src i32) (param $sl i32) (param $sp i32) (param $dst i32)
    (local $l i32) (local $p i32) (local $lanes i32) (local $r i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $d i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $kc2 i32)
    (local.set $kc2 (i32.and (local.get $kc) (i32.const -2)))
    (local.set $l (i32.const 0))
    (block $done
      (loop $panel
        (br_if $done (i32.ge_u (local.get $l) (local.get $len)))
        (local.set $lanes (i32.sub (local.get $len) (local.get $l)))
        (local.set $s0 (i32.add (local.get $src) (i32.mul (local.get $l) (local.get $sl))))
        (local.set $d (local.get $dst))
        (if (i32.ge_u (local.get $lanes) (i32.const 4))
          (then
            (if (i32.eq (local.get $sl) (i32.const 8))
              (then
                ;; the four values of one p are adjacent
                (local.set $p (local.get $kc))
                (loop $adjacent
                  (v128.store (local.get $d) (v128.load (local.get $s0)))
                  (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s0)))
                  (local.set $s0 (i32.add (local.get $s0) (local.get $sp)))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $adjacent (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
              (else
                ;; sp = 8: four lanes, each contiguous in p; two p at a time
                (local.set $s1 (i32.add (local.get $s0) (local.get $sl)))
                (local.set $s2 (i32.add (local.get $s1) (local.get $sl)))
                (local.set $s3 (i32.add (local.get $s2) (local.get $sl)))
                (local.set $p (i32.const 0))
                (block $pairs_done
                  (loop $pairs
                    (br_if $pairs_done (i32.ge_u (local.get $p) (local.get $kc2)))
                    (local.set $v0 (v128.load (local.get $s0)))
                    (local.set $v1 (v128.load (local.get $s1)))
                    (local.set $v2 (v128.load (local.get $s2)))
                    (local.set $v3 (v128.load (local.get $s3)))
                    (v128.store (local.get $d)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
                    (v128.store offset=16 (local.get $d)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v2) (local.get $v3)))
                    (v128.store offset=32 (local.get $d)
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
                    (v128.store offset=48 (local.get $d)
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v2) (local.get $v3)))
                    (local.set $s0 (i32.add (local.get $s0) (i32.const 16)))
                    (local.set $s1 (i32.add (local.get $s1) (i32.const 16)))
                    (local.set $s2 (i32.add (local.get $s2) (i32.const 16)))
                    (local.set $s3 (i32.add (local.get $s3) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 64)))
                    (local.set $p (i32.add (local.get $p) (i32.const 2)))
                    (br $pairs)))
                (if (i32.lt_u (local.get $p) (local.get $kc))
                  (then
                    (f64.store (local.get $d) (f64.load (local.get $s0)))
                    (f64.store offset=8 (local.get $d) (f64.load (local.get $s1)))
                    (f64.store offset=16 (local.get $d) (f64.load (local.get $s2)))
                    (f64.store offset=24 (local.get $d) (f64.load (local.get $s3))))))))
          (else
            ;; the last, partial panel: the lanes there are, then zeros
            (local.set $p (local.get $kc))
            (loop $edge
              (v128.store (local.get $d) (v128.const i64x2 0 0))
              (v128.store offset=16 (local.get $d) (v128.const i64x2 0 0))
              (local.set $r (i32.const 0))
              (local.set $s1 (local.get $s0))
              (block $lanes_done
                (loop $lane
                  (br_if $lanes_done (i32.ge_u (local.get $r) (local.get $lanes)))
                  (f64.store (i32.add (local.get $d) (i32.shl (local.get $r) (i32.const 3)))
                    (f64.load (local.get $s1)))
                  (local.set $s1 (i32.add (local.get $s1) (local.get $sl)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $lane)))
              (local.set $s0 (i32.add (local.get $s0) (local.get $sp)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (br_if $edge (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
        (local.set $l (i32.add (local.get $l) (i32.const 4)))
        (br $panel))))

  ;; ---------------------------------------------------------------- edge tiles
  ;; Copies the rows × cols corner of a tile between C (row stride ldc bytes) and the 4×4 scratch
  ;; tile (row stride 32 bytes): toTile ≠ 0 copies C → tile, else tile → C.
  (func $copyTile
    (param $c i32) (param $ldc i32) (param $tile i32) (param $rows i32) (param $cols i32) (param $toTile i32)
    (local $i i32) (local $j i32) (local $pc i32) (local $pt i32)
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $pc (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $pt (i32.add (local.get $tile) (i32.shl (local.get $j) (i32.const 3))))
            (if (local.get $toTile)
              (then (f64.store (local.get $pt) (f64.load (local.get $pc))))
              (else (f64.store (local.get $pc) (f64.load (local.get $pt)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $col)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (local.set $tile (i32.add (local.get $tile) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; ---------------------------------------------------------------- the blocked product
  (func (export "gemm")
    (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $rsA i32) (param $csA i32)
    (param $b i32) (param $rsB i32) (param $csB i32)
    (param $c i32) (param $acc i32)
    (param $mcb i32) (param $kcb i32) (param $ncb i32)
    (param $packA i32) (param $packB i32) (param $tile i32) (param $directA i32)
    (param $bias i32) (param $epilogue i32)
    (local $jc i32) (local $pc i32) (local $ic i32) (local $jr i32) (local $ir i32)
    (local $nc i32) (local $kc i32) (local $mc i32) (local $mr i32) (local $nr i32)
    (local $load i32) (local $ldc i32) (local $cp i32) (local $pa i32) (local $pb i32) (local $bsrc i32)
    (local $asrc i32) (local $full i32) (local $sa i32) (local $la i32) (local $bp i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (local.set $jc (i32.const 0))
    (block $jc_done
      (loop $jc_loop
        (br_if $jc_done (i32.ge_u (local.get $jc) (local.get $n)))
        (local.set $nc (i32.sub (local.get $n) (local.get $jc)))
        (if (i32.gt_u (local.get $nc) (local.get $ncb)) (then (local.set $nc (local.get $ncb))))
        (local.set $pc (i32.const 0))
        (block $pc_done
          (loop $pc_loop
            (br_if $pc_done (i32.ge_u (local.get $pc) (local.get $k)))
            (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
            (if (i32.gt_u (local.get $kc) (local.get $kcb)) (then (local.set $kc (local.get $kcb))))
            ;; the sums start at C's values when accumulating or after the first k-block, else at +0
            (local.set $load (i32.or (local.get $acc) (i32.ne (local.get $pc) (i32.const 0))))
            ;; the kernel's mode: 1 = start at C, else 2 = start at the bias (epilogue bit 1), +4 = relu
            ;; on the way out of the last k-block (epilogue bit 2)
            (if (i32.eqz (local.get $load))
              (then (local.set $load (i32.and (local.get $epilogue) (i32.const 2)))))
            (if (i32.and (i32.ne (i32.and (local.get $epilogue) (i32.const 4)) (i32.const 0)) (i32.ge_u (i32.add (local.get $pc) (local.get $kc)) (local.get $k)))
              (then (local.set $load (i32.or (local.get $load) (i32.const 4)))))
            ;; op(B)(pc, jc): the B panels are packed during the first row block (ic = 0), each just
            ;; before its first use, while they are hot in L1; the later row blocks reuse them
            (local.set $bsrc (i32.add (local.get $b)
              (i32.add (i32.mul (local.get $pc) (local.get $rsB)) (i32.mul (local.get $jc) (local.get $csB)))))
            (local.set $ic (i32.const 0))
            (block $ic_done
              (loop $ic_loop
                (br_if $ic_done (i32.ge_u (local.get $ic) (local.get $m)))
                (local.set $mc (i32.sub (local.get $m) (local.get $ic)))
                (if (i32.gt_u (local.get $mc) (local.get $mcb)) (then (local.set $mc (local.get $mcb))))
                ;; with directA only the last, partial row panel is packed (the others are read in place)
                (local.set $asrc (i32.add (local.get $a)
                  (i32.add (i32.mul (local.get $ic) (local.get $rsA)) (i32.mul (local.get $pc) (local.get $csA)))))
                (local.set $full (i32.and (local.get $mc) (i32.const -4)))
                (if (local.get $directA)
                  (then
                    (if (i32.lt_u (local.get $full) (local.get $mc))
                      (then
                        (call $pack (i32.sub (local.get $mc) (local.get $full)) (local.get $kc)
                          (i32.add (local.get $asrc) (i32.mul (local.get $full) (local.get $rsA)))
                          (local.get $rsA) (local.get $csA)
                          (i32.add (local.get $packA) (i32.shl (i32.mul (local.get $kc) (local.get $full)) (i32.const 3)))))))
                  (else
                    (call $pack (local.get $mc) (local.get $kc) (local.get $asrc)
                      (local.get $rsA) (local.get $csA) (local.get $packA))))
                (local.set $jr (i32.const 0))
                (block $jr_done
                  (loop $jr_loop
                    (br_if $jr_done (i32.ge_u (local.get $jr) (local.get $nc)))
                    (local.set $nr (i32.sub (local.get $nc) (local.get $jr)))
                    (if (i32.gt_u (local.get $nr) (i32.const 4)) (then (local.set $nr (i32.const 4))))
                    ;; the B panel of columns jr … jr+3 (32·kc bytes per panel, so 8·kc·jr)
                    (local.set $pb (i32.add (local.get $packB)
                      (i32.shl (i32.mul (local.get $kc) (local.get $jr)) (i32.const 3))))
                    (if (i32.eqz (local.get $ic))
                      (then
                        (call $pack (local.get $nr) (local.get $kc)
                          (i32.add (local.get $bsrc) (i32.mul (local.get $jr) (local.get $csB)))
                          (local.get $csB) (local.get $rsB) (local.get $pb))))
                    (local.set $ir (i32.const 0))
                    (block $ir_done
                      (loop $ir_loop
                        (br_if $ir_done (i32.ge_u (local.get $ir) (local.get $mc)))
                        (local.set $mr (i32.sub (local.get $mc) (local.get $ir)))
                        (if (i32.gt_u (local.get $mr) (i32.const 4)) (then (local.set $mr (i32.const 4))))
                        (local.set $pa (i32.add (local.get $packA)
                          (i32.shl (i32.mul (local.get $kc) (local.get $ir)) (i32.const 3))))
                        (local.set $cp (i32.add (local.get $c)
                          (i32.shl
                            (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $n))
                              (i32.add (local.get $jc) (local.get $jr)))
                            (i32.const 3))))
                        ;; a full row panel of a stored-transposed A is read in place (directA: its four values of one p
                        ;; are adjacent, csA apart from the next p's); the others from packA. Edge tiles through the scratch tile.
                        (local.set $bp (i32.add (local.get $bias) (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 3))))
                        (local.set $sa (i32.const 32))
                        (local.set $la (i32.const 8))
                        (if (i32.and (local.get $directA) (i32.eq (local.get $mr) (i32.const 4)))
                          (then
                            (local.set $pa (i32.add (local.get $asrc) (i32.mul (local.get $ir) (local.get $rsA))))
                            (local.set $sa (local.get $csA))
                            (local.set $la (local.get $rsA))))
                        (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 4)))
                          (then
                            (if (i32.eq (local.get $la) (i32.const 8))
                              (then (call $kernel (local.get $kc) (local.get $pa) (local.get $sa) (local.get $pb)
                                (local.get $cp) (local.get $ldc) (local.get $load) (local.get $bp)))
                              (else (call $kernelRows (local.get $kc) (local.get $pa) (local.get $sa) (local.get $la) (local.get $pb)
                                (local.get $cp) (local.get $ldc) (local.get $load) (local.get $bp)))))
                          (else
                            (if (i32.and (local.get $load) (i32.const 1))
                              (then
                                (call $copyTile (local.get $cp) (local.get $ldc) (local.get $tile)
                                  (local.get $mr) (local.get $nr) (i32.const 1))))
                            (if (i32.eq (local.get $la) (i32.const 8))
                              (then (call $kernel (local.get $kc) (local.get $pa) (local.get $sa) (local.get $pb)
                                (local.get $tile) (i32.const 32) (local.get $load) (local.get $bp)))
                              (else (call $kernelRows (local.get $kc) (local.get $pa) (local.get $sa) (local.get $la) (local.get $pb)
                                (local.get $tile) (i32.const 32) (local.get $load) (local.get $bp))))
                            (call $copyTile (local.get $cp) (local.get $ldc) (local.get $tile)
                              (local.get $mr) (local.get $nr) (i32.const 0))))
                        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
                        (br $ir_loop)))
                    (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
                    (br $jr_loop)))
                (local.set $ic (i32.add (local.get $ic) (local.get $mcb)))
                (br $ic_loop)))
            (local.set $pc (i32.add (local.get $pc) (local.get $kcb)))
            (br $pc_loop)))
        (local.set $jc (i32.add (local.get $jc) (local.get $ncb)))
        (br $jc_loop))))
;; ---------------------------------------------------------------- copies and finiteness (the optimizers' transaction)
  ;; copy(dst, src, bytes): memory.copy, a native memmove — a JS copy between views of a shared memory
  ;; goes value by value with relaxed atomics (about 2.3× slower than a memcpy here).
  (func (export "copy") (param $dst i32) (param $src i32) (param $bytes i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $bytes)))

  ;; sum(a, n): a sum of the n f64 at a, in an order of its own (four f64x2 running sums, then the odd
  ;; rest): only for finiteness — a sum is finite only when every term is (a finite sum of finite
  ;; terms can still overflow: the caller then looks value by value).
  (func (export "sum") (param $a i32) (param $n i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $end i32) (local $s f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 3))))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (loop $eight
          (local.set $s0 (f64x2.add (local.get $s0) (v128.load (local.get $a))))
          (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $a))))
          (local.set $s2 (f64x2.add (local.get $s2) (v128.load offset=32 (local.get $a))))
          (local.set $s3 (f64x2.add (local.get $s3) (v128.load offset=48 (local.get $a))))
          (br_if $eight (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 64))) (local.get $end))))))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 7)) (i32.const 3))))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br $rest)))
    (local.get $s))

  ;; ---------------------------------------------------------------- the logistic sigmoid
  ;; $exp is src/math/exp.ts step by step (fdlibm's e_exp.c, the bits of V8's Math.exp): x reduced
  ;; to r = hi − lo = x − k·ln2 (k = 0 for |x| ≤ ½ln2, ±1 below 1.5 ln2, else trunc(x/ln2 ± ½)), then
  ;; c = r − t(P1 + t(P2 + t(P3 + t(P4 + t·P5)))) with t = r², and exp(x) = 2^k·(1 − ((lo − r·c/(2 − c)) − hi)).
  ;; The thresholds compare |x| with the doubles whose high 32 bits fdlibm compares.
  (func $exp (param $x f64) (result f64)
    (local $ax f64) (local $hi f64) (local $lo f64) (local $t f64) (local $c f64) (local $y f64) (local $k i32) (local $neg i32)
    (local.set $ax (f64.abs (local.get $x)))
    (if (f64.ne (local.get $x) (local.get $x)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (if (f64.ge (local.get $ax) (f64.const 0x1.62e42p+9))   ;; high word 0x40862E42: |x| ≥ 709.78…
      (then
        (if (f64.eq (local.get $ax) (f64.const inf)) (then (return (select (local.get $x) (f64.const 0) (f64.gt (local.get $x) (f64.const 0))))))
        (if (f64.gt (local.get $x) (f64.const 0x1.62e42fefa39efp+9)) (then (return (f64.const inf))))
        (if (f64.lt (local.get $x) (f64.const -0x1.74910d52d3051p+9)) (then (return (f64.const 0))))))
    (local.set $neg (f64.lt (local.get $x) (f64.const 0)))
    (if (f64.ge (local.get $ax) (f64.const 0x1.62e43p-2))   ;; high word > 0x3FD62E42: |x| > ½ln2
      (then
        (if (f64.lt (local.get $ax) (f64.const 0x1.0a2b2p+0))   ;; high word < 0x3FF0A2B2: |x| < 1.5 ln2
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 0x1.5bf0a8b145769p+1))))
            (local.set $k (select (i32.const -1) (i32.const 1) (local.get $neg))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (f64.const 0x1.71547652b82fep+0) (local.get $x))
              (select (f64.const -0.5) (f64.const 0.5) (local.get $neg)))))))
        (local.set $t (f64.convert_i32_s (local.get $k)))
        (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 0x1.62e42feep-1))))
        (local.set $lo (f64.mul (local.get $t) (f64.const 0x1.a39ef35793c76p-33)))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        (if (f64.lt (local.get $ax) (f64.const 0x1p-28)) (then (return (f64.add (f64.const 1) (local.get $x)))))
        (local.set $hi (local.get $x))))
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (local.set $c (f64.sub (local.get $x) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.555555555553ep-3) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.6c16c16bebd93p-9) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.1566aaf25de2cp-14) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.bbd41c5d26bf1p-20) (f64.mul (local.get $t) (f64.const 0x1.6376972bea4d0p-25))))))))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (f64.const 1) (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2))) (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1) (f64.sub (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c)))) (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then
        (if (i32.eq (local.get $k) (i32.const 1024)) (then (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 0x1p1023)))))
        (return (f64.mul (local.get $y) (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 1023))) (i64.const 52)))))))
    (f64.mul (f64.mul (local.get $y) (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 2023))) (i64.const 52))))
      (f64.const 0x1p-1000)))

  ;; sigmoid of one value as sigmoid() in src/math/special.ts: z ≥ 0: 1/(1 + e^{−z}), else e^z/(1 + e^z).
  (func $sigmoid1 (param $z f64) (result f64)
    (local $e f64)
    (local.set $e (call $exp (f64.neg (f64.abs (local.get $z)))))
    (f64.div (select (f64.const 1) (local.get $e) (f64.ge (local.get $z) (f64.const 0))) (f64.add (f64.const 1) (local.get $e))))

  ;; sigmoid(z, y, n): y[i] = sigmoid(z[i]) for the n f64 at z and y (bytes), two at a time where both
  ;; |z| lie in [2^-28, 708) — the reduction's ordinary range, k from −1021 to 0 for e^{−|z|} — with
  ;; $exp's operations lane by lane, one division shared by both of its formulas (a/(2 − c) is exactly
  ;; −(a/(c − 2)), and where k = 0, lo = 0 and hi = r give 1 − (r·c/(c − 2) − r)); the others one by
  ;; one through $sigmoid1. The bits of the JS loop (test/math/exp.test.ts).
  (func (export "sigmoid") (param $z i32) (param $y i32) (param $n i32)
    (local $end i32) (local $v v128) (local $a v128) (local $ax v128) (local $mid v128) (local $small v128)
    (local $t v128) (local $hi v128) (local $lo v128) (local $r v128) (local $tt v128) (local $c v128) (local $e v128)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $v (v128.load (local.get $z)))
        (local.set $ax (f64x2.abs (local.get $v)))
        (local.set $a (f64x2.neg (local.get $ax)))
        (if (v128.any_true (v128.or
              (f64x2.lt (local.get $ax) (v128.const f64x2 0x1p-28 0x1p-28))
              (v128.not (f64x2.lt (local.get $ax) (v128.const f64x2 708 708)))))   ;; NaN too
          (then
            (f64.store (local.get $y) (call $sigmoid1 (f64x2.extract_lane 0 (local.get $v))))
            (f64.store offset=8 (local.get $y) (call $sigmoid1 (f64x2.extract_lane 1 (local.get $v)))))
          (else
            ;; exp(a) for a = −|z| < 0: k = −1 below 1.5 ln2, else trunc(a/ln2 − ½); 0 at most ½ln2
            (local.set $small (f64x2.lt (local.get $ax) (v128.const f64x2 0x1.62e43p-2 0x1.62e43p-2)))
            (local.set $mid (f64x2.lt (local.get $ax) (v128.const f64x2 0x1.0a2b2p+0 0x1.0a2b2p+0)))
            (local.set $t (f64x2.trunc (f64x2.add (f64x2.mul (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0) (local.get $a))
              (v128.const f64x2 -0.5 -0.5))))
            (local.set $t (v128.bitselect (v128.const f64x2 -1 -1) (local.get $t) (local.get $mid)))
            (local.set $t (v128.andnot (local.get $t) (local.get $small)))   ;; +0 where small
            (local.set $hi (f64x2.sub (local.get $a) (f64x2.mul (local.get $t) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))))
            (local.set $lo (f64x2.mul (local.get $t) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33)))
            (local.set $hi (v128.bitselect (local.get $a) (local.get $hi) (local.get $small)))
            (local.set $lo (v128.andnot (local.get $lo) (local.get $small)))
            (local.set $r (v128.bitselect (local.get $a) (f64x2.sub (local.get $hi) (local.get $lo)) (local.get $small)))
            (local.set $tt (f64x2.mul (local.get $r) (local.get $r)))
            (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $tt)
              (f64x2.add (v128.const f64x2 0x1.555555555553ep-3 0x1.555555555553ep-3) (f64x2.mul (local.get $tt)
              (f64x2.add (v128.const f64x2 -0x1.6c16c16bebd93p-9 -0x1.6c16c16bebd93p-9) (f64x2.mul (local.get $tt)
              (f64x2.add (v128.const f64x2 0x1.1566aaf25de2cp-14 0x1.1566aaf25de2cp-14) (f64x2.mul (local.get $tt)
              (f64x2.add (v128.const f64x2 -0x1.bbd41c5d26bf1p-20 -0x1.bbd41c5d26bf1p-20)
                (f64x2.mul (local.get $tt) (v128.const f64x2 0x1.6376972bea4d0p-25 0x1.6376972bea4d0p-25))))))))))))
            ;; 1 − ((lo − r·c/(2 − c)) − hi): where small (lo = 0, hi = r) the bits of 1 − (r·c/(c − 2) − r)
            (local.set $e (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub (f64x2.sub (local.get $lo)
              (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (v128.const f64x2 2 2) (local.get $c)))) (local.get $hi))))
            ;; × 2^k (k = t: an integer, −1021 … 0)
            (local.set $e (f64x2.mul (local.get $e)
              (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))) (v128.const i64x2 1023 1023)) (i32.const 52))))
            (v128.store (local.get $y) (f64x2.div
              (v128.bitselect (v128.const f64x2 1 1) (local.get $e) (f64x2.ge (local.get $v) (v128.const f64x2 0 0)))
              (f64x2.add (v128.const f64x2 1 1) (local.get $e))))))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $y) (call $sigmoid1 (f64.load (local.get $z)))))))

  ;; ---------------------------------------------------------------- relu's backward (convolution layers)
  ;; reluBackward(y, dy, dz, m, n, db, sum): for the m×n row-major arrays at y, dy, dz (bytes),
  ;; dz = dy·[y > 0] (dy·1 or dy·0: the bits of relu's backward, written without a branch), and when
  ;; sum ≠ 0, db[j] = ((+0 + dz[0, j]) + dz[1, j]) + … in row order (the bits of sumRows), the running
  ;; sums kept in db itself, two columns per f64x2; an odd last column one value at a time.
  (func (export "reluBackward")
    (param $y i32) (param $dy i32) (param $dz i32) (param $m i32) (param $n i32) (param $db i32) (param $sum i32)
    (local $i i32) (local $j i32) (local $n2 i32) (local $v v128) (local $s f64)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (if (local.get $sum)
      (then (memory.fill (local.get $db) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $n2)))
            (local.set $v
              (f64x2.mul (v128.load (local.get $dy))
                (v128.and (f64x2.gt (v128.load (local.get $y)) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
            (v128.store (local.get $dz) (local.get $v))
            (if (local.get $sum)
              (then
                (v128.store (i32.add (local.get $db) (i32.shl (local.get $j) (i32.const 3)))
                  (f64x2.add (v128.load (i32.add (local.get $db) (i32.shl (local.get $j) (i32.const 3)))) (local.get $v)))))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $n2) (local.get $n))
          (then
            (local.set $s
              (f64.mul (f64.load (local.get $dy))
                (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (local.get $y)) (f64.const 0)))))
            (f64.store (local.get $dz) (local.get $s))
            (if (local.get $sum)
              (then
                (f64.store (i32.add (local.get $db) (i32.shl (local.get $n2) (i32.const 3)))
                  (f64.add (f64.load (i32.add (local.get $db) (i32.shl (local.get $n2) (i32.const 3)))) (local.get $s)))))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (local.set $dy (i32.add (local.get $dy) (i32.const 8)))
            (local.set $dz (i32.add (local.get $dz) (i32.const 8)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; ---------------------------------------------------------------- the small-m product
  ;; gemmSmall(m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, acc): the same C = op(A)·op(B) (C += …
  ;; when acc ≠ 0), operands and strides as for gemm but C's rows ldc bytes apart (gemm.ts hands it
  ;; slices of B and so of C's columns), for a few rows (predict on one sample or a small batch;
  ;; gemm.ts's WASM_SMALL_M says how few). Nothing is packed: at m = 1 packing B is a pass over the
  ;; whole of B for one pass of arithmetic, and a 4×4 tile would compute three empty rows. Same
  ;; contract: each C(i, j) is one running sum in p order, each step a rounded multiply then a
  ;; rounded add. m, n, k ≥ 1 (gemm.ts handles the empty products); without acc the sums start at
  ;; +0 (memory.fill, from bulk memory, which every engine with SIMD has).
  ;;   Row-major B (csB = 8): p outer, four p at a time; C's rows are the running sums, in memory,
  ;;   and for each row i: C(i, j) = (((C(i, j) + a₀·B(p, j)) + a₁·B(p+1, j)) + a₂·B(p+2, j)) + a₃·B(p+3, j)
  ;;   for all j, two j per f64x2 — B is read once, row after row, in the order it is stored.
  ;;   Stored-transposed B (rsB = 8, B(p, j) at b + 8p + j·csB: the ∂x = ∂z·Wᵀ case): each C(i, j) a
  ;;   dot product in p order, four j at a time in two f64x2 sums, two p per step (a 2×2 transpose by
  ;;   shuffles, as $pack does); the last n % 4 columns one at a time.
  (func (export "gemmSmall")
    (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $rsA i32) (param $csA i32)
    (param $b i32) (param $rsB i32) (param $csB i32)
    (param $c i32) (param $ldc i32) (param $acc i32)
    (local $i i32) (local $p i32) (local $ai i32)
    (if (i32.ne (local.get $csB) (i32.const 8))
      (then
        (local.set $i (i32.const 0))
        (loop $rows
          (call $dotRow (local.get $n) (local.get $k)
            (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsA))) (local.get $csA)
            (local.get $b) (local.get $csB)
            (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (local.get $acc))
          (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))
        (return)))
    ;; the sums start at +0 unless accumulating
    (if (i32.eqz (local.get $acc))
      (then
        (local.set $i (i32.const 0))
        (loop $zero
          (memory.fill (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc)))
            (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
          (br_if $zero (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))))
    (local.set $p (i32.const 0))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
        (local.set $i (i32.const 0))
        (loop $rows4
          (local.set $ai (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsA)))
            (i32.mul (local.get $p) (local.get $csA))))
          (call $axpy4 (local.get $n)
            (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc)))
            (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $rsB))) (local.get $rsB)
            (f64.load (local.get $ai))
            (f64.load (local.tee $ai (i32.add (local.get $ai) (local.get $csA))))
            (f64.load (local.tee $ai (i32.add (local.get $ai) (local.get $csA))))
            (f64.load (i32.add (local.get $ai) (local.get $csA))))
          (br_if $rows4 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quads)))
    ;; the last k % 4 values of p, one at a time
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $i (i32.const 0))
        (loop $rows1
          (call $axpy1 (local.get $n)
            (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc)))
            (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $rsB)))
            (f64.load (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsA)))
              (i32.mul (local.get $p) (local.get $csA)))))
          (br_if $rows1 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ones))))

  ;; C(j) = (((C(j) + x₀·B₀(j)) + x₁·B₁(j)) + x₂·B₂(j)) + x₃·B₃(j) for j < n: C the n doubles at c,
  ;; B_q the n doubles at b + q·rs; two j per f64x2, then the last (odd) j alone.
  (func $axpy4
    (param $n i32) (param $c i32) (param $b0 i32) (param $rs i32)
    (param $x0 f64) (param $x1 f64) (param $x2 f64) (param $x3 f64)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $end i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $s v128) (local $t v128)
    (local.set $b1 (i32.add (local.get $b0) (local.get $rs)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $rs)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $rs)))
    (local.set $v0 (f64x2.splat (local.get $x0)))
    (local.set $v1 (f64x2.splat (local.get $x1)))
    (local.set $v2 (f64x2.splat (local.get $x2)))
    (local.set $v3 (f64x2.splat (local.get $x3)))
    (local.set $end (i32.add (local.get $c) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $s (f64x2.add (v128.load (local.get $c)) (f64x2.mul (local.get $v0) (v128.load (local.get $b0)))))
        (local.set $t (f64x2.add (v128.load offset=16 (local.get $c)) (f64x2.mul (local.get $v0) (v128.load offset=16 (local.get $b0)))))
        (local.set $s (f64x2.add (local.get $s) (f64x2.mul (local.get $v1) (v128.load (local.get $b1)))))
        (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $v1) (v128.load offset=16 (local.get $b1)))))
        (local.set $s (f64x2.add (local.get $s) (f64x2.mul (local.get $v2) (v128.load (local.get $b2)))))
        (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $v2) (v128.load offset=16 (local.get $b2)))))
        (v128.store (local.get $c)
          (f64x2.add (local.get $s) (f64x2.mul (local.get $v3) (v128.load (local.get $b3)))))
        (v128.store offset=16 (local.get $c)
          (f64x2.add (local.get $t) (f64x2.mul (local.get $v3) (v128.load offset=16 (local.get $b3)))))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $b0 (i32.add (local.get $b0) (i32.const 32)))
        (local.set $b1 (i32.add (local.get $b1) (i32.const 32)))
        (local.set $b2 (i32.add (local.get $b2) (i32.const 32)))
        (local.set $b3 (i32.add (local.get $b3) (i32.const 32)))
        (br $quads)))
    (local.set $end (i32.add (local.get $c) (i32.shl (i32.and (local.get $n) (i32.const 2)) (i32.const 3))))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $s (f64x2.add (v128.load (local.get $c)) (f64x2.mul (local.get $v0) (v128.load (local.get $b0)))))
        (local.set $s (f64x2.add (local.get $s) (f64x2.mul (local.get $v1) (v128.load (local.get $b1)))))
        (local.set $s (f64x2.add (local.get $s) (f64x2.mul (local.get $v2) (v128.load (local.get $b2)))))
        (v128.store (local.get $c)
          (f64x2.add (local.get $s) (f64x2.mul (local.get $v3) (v128.load (local.get $b3)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $b0 (i32.add (local.get $b0) (i32.const 16)))
        (local.set $b1 (i32.add (local.get $b1) (i32.const 16)))
        (local.set $b2 (i32.add (local.get $b2) (i32.const 16)))
        (local.set $b3 (i32.add (local.get $b3) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (f64.store (local.get $c)
          (f64.add
            (f64.add
              (f64.add
                (f64.add (f64.load (local.get $c)) (f64.mul (local.get $x0) (f64.load (local.get $b0))))
                (f64.mul (local.get $x1) (f64.load (local.get $b1))))
              (f64.mul (local.get $x2) (f64.load (local.get $b2))))
            (f64.mul (local.get $x3) (f64.load (local.get $b3))))))))

  ;; C(j) = C(j) + x·B(j) for j < n (C at c, B at b), two j per f64x2, then the last (odd) j alone.
  (func $axpy1 (param $n i32) (param $c i32) (param $b i32) (param $x f64)
    (local $v v128) (local $end i32)
    (local.set $v (f64x2.splat (local.get $x)))
    (local.set $end (i32.add (local.get $c) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $c) (local.get $end)))
        (v128.store (local.get $c)
          (f64x2.add (v128.load (local.get $c)) (f64x2.mul (local.get $v) (v128.load (local.get $b)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (f64.store (local.get $c)
          (f64.add (f64.load (local.get $c)) (f64.mul (local.get $x) (f64.load (local.get $b))))))))

  ;; One row of C for stored-transposed B: C(j) = (acc ? C(j) : +0) + Σ_p A(p)·B(p, j), p in order,
  ;; with A(p) at a + p·csA, B(p, j) at b + 8p + j·csB, C(j) at c + 8j; k ≥ 1.
  (func $dotRow
    (param $n i32) (param $k i32) (param $a i32) (param $csA i32) (param $b i32) (param $csB i32)
    (param $c i32) (param $acc i32)
    (local $j i32) (local $p i32) (local $k2 i32) (local $ap i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s01 v128) (local $s23 v128) (local $x0 v128) (local $x1 v128) (local $u v128) (local $w v128)
    (local $s f64)
    (local.set $k2 (i32.and (local.get $k) (i32.const -2)))
    (local.set $j (i32.const 0))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $r0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $csB))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $csB)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $csB)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $csB)))
        (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s23 (v128.const i64x2 0 0))
        (if (local.get $acc)
          (then
            (local.set $s01 (v128.load (local.get $c)))
            (local.set $s23 (v128.load offset=16 (local.get $c)))))
        (local.set $ap (local.get $a))
        (local.set $p (i32.const 0))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_u (local.get $p) (local.get $k2)))
            (local.set $x0 (v128.load64_splat (local.get $ap)))
            (local.set $x1 (v128.load64_splat (i32.add (local.get $ap) (local.get $csA))))
            ;; columns j, j+1 at p and p+1
            (local.set $u (v128.load (local.get $r0)))
            (local.set $w (v128.load (local.get $r1)))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $w)))))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x1)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $w)))))
            ;; columns j+2, j+3
            (local.set $u (v128.load (local.get $r2)))
            (local.set $w (v128.load (local.get $r3)))
            (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $x0)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $w)))))
            (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $x1)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $w)))))
            (local.set $ap (i32.add (local.get $ap) (i32.shl (local.get $csA) (i32.const 1))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_u (local.get $p) (local.get $k))
          (then
            ;; the last p when k is odd
            (local.set $x0 (v128.load64_splat (local.get $ap)))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0)
              (v128.load64_lane 1 (local.get $r1) (v128.load64_splat (local.get $r0))))))
            (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $x0)
              (v128.load64_lane 1 (local.get $r3) (v128.load64_splat (local.get $r2))))))))
        (v128.store (local.get $c) (local.get $s01))
        (v128.store offset=16 (local.get $c) (local.get $s23))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    ;; the last n % 4 columns, one running sum each
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $r0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $csB))))
        (local.set $s (if (result f64) (local.get $acc) (then (f64.load (local.get $c))) (else (f64.const 0))))
        (local.set $ap (local.get $a))
        (local.set $p (local.get $k))
        (loop $dot
          (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $ap)) (f64.load (local.get $r0)))))
          (local.set $ap (i32.add (local.get $ap) (local.get $csA)))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
          (br_if $dot (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
        (f64.store (local.get $c) (local.get $s))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols))))
  ;; ---------------------------------------------------------------- im2col / col2im (convolution layers)
  ;; The geometry of a convolution over channels-last images, in an area of 14 i32 at $geo:
  ;; inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft (13 values; the 14th unused).
  ;; im2col(x, geo, rows, cols): for the output positions r < rows (r = (n·outH + i)·outW + j), row r
  ;; of cols (kh·kw·inC values) is the patch under (n, i, j) in (a, b, c) order, zeros outside the
  ;; image — what conv.ts's im2col writes. A kernel row inside the image with dilation 1 along the
  ;; width is kw·inC contiguous values, copied two at a time.
  (func $copyRun (param $src i32) (param $dst i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.load (local.get $src))))))

  ;; dst[t] += src[t] for t < len, two at a time (each element's one addition)
  (func $addRun (param $src i32) (param $dst i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst)) (f64.load (local.get $src)))))))

  ;; One output row of positions whose patches lie inside the image (dilation 1 along the width, no
  ;; left padding, the last window inside the row): for each kernel row a, the outW runs of kwc values
  ;; at line + a·rowStep + j·step, copied to (add = 0) or added from (add = 1) the patch rows at o + j·P8
  ;; + 8a·kwc. A cell of x is reached by one a only within an output row (its image row is i·sh + a·dh),
  ;; so walking a, then j, adds into each cell in the order of positions: the bits of the walk below.
  ;; Runs of 3 (a 3×3 kernel on one channel) are copied inline, without a call.
  (func $patchRow (param $line i32) (param $o i32) (param $kh i32) (param $kwc i32) (param $P8 i32)
    (param $rowStep i32) (param $step i32) (param $outW i32) (param $add i32)
    (local $a i32) (local $s i32) (local $d i32) (local $j i32)
    (block $rows_done
      (loop $krow
        (br_if $rows_done (i32.ge_u (local.get $a) (local.get $kh)))
        (local.set $s (i32.add (local.get $line) (i32.mul (local.get $a) (local.get $rowStep))))
        (local.set $d (i32.add (local.get $o) (i32.shl (i32.mul (local.get $a) (local.get $kwc)) (i32.const 3))))
        (local.set $j (local.get $outW))
        (if (local.get $add)
          (then
            (loop $adds
              (call $addRun (local.get $d) (local.get $s) (local.get $kwc))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (local.get $P8)))
              (br_if $adds (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
          (else
            (if (i32.eq (local.get $kwc) (i32.const 3))
              (then
                (loop $threes
                  (v128.store (local.get $d) (v128.load (local.get $s)))
                  (f64.store offset=16 (local.get $d) (f64.load offset=16 (local.get $s)))
                  (local.set $s (i32.add (local.get $s) (local.get $step)))
                  (local.set $d (i32.add (local.get $d) (local.get $P8)))
                  (br_if $threes (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
              (else
                (loop $copies
                  (call $copyRun (local.get $s) (local.get $d) (local.get $kwc))
                  (local.set $s (i32.add (local.get $s) (local.get $step)))
                  (local.set $d (i32.add (local.get $d) (local.get $P8)))
                  (br_if $copies (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $krow))))

  ;; The patch walk shared by im2col (add = 0: cols ← x, zeros outside) and col2im (add = 1:
  ;; dx += cols inside the image, in r order, each r's cells once). A whole output row inside the
  ;; image goes through $patchRow.
  (func (export "patches") (param $x i32) (param $geo i32) (param $rows i32) (param $cols i32) (param $add i32)
    (local $inH i32) (local $inW i32) (local $inC i32) (local $outH i32) (local $outW i32)
    (local $kh i32) (local $kw i32) (local $sh i32) (local $sw i32) (local $dh i32) (local $dw i32)
    (local $padTop i32) (local $padLeft i32)
    (local $r i32) (local $n i32) (local $i i32) (local $j i32) (local $a i32) (local $b i32)
    (local $y i32) (local $x0 i32) (local $xx i32) (local $kwc i32) (local $o i32) (local $line i32) (local $whole i32)
    (local $across i32) (local $P8 i32)
    (local.set $inH (i32.load (local.get $geo)))
    (local.set $inW (i32.load offset=4 (local.get $geo)))
    (local.set $inC (i32.load offset=8 (local.get $geo)))
    (local.set $outH (i32.load offset=12 (local.get $geo)))
    (local.set $outW (i32.load offset=16 (local.get $geo)))
    (local.set $kh (i32.load offset=20 (local.get $geo)))
    (local.set $kw (i32.load offset=24 (local.get $geo)))
    (local.set $sh (i32.load offset=28 (local.get $geo)))
    (local.set $sw (i32.load offset=32 (local.get $geo)))
    (local.set $dh (i32.load offset=36 (local.get $geo)))
    (local.set $dw (i32.load offset=40 (local.get $geo)))
    (local.set $padTop (i32.load offset=44 (local.get $geo)))
    (local.set $padLeft (i32.load offset=48 (local.get $geo)))
    (local.set $kwc (i32.mul (local.get $kw) (local.get $inC)))
    (local.set $o (local.get $cols))
    (local.set $P8 (i32.shl (i32.mul (local.get $kh) (local.get $kwc)) (i32.const 3)))
    ;; every window of an output row inside the row of the image
    (local.set $across (i32.and (i32.and (i32.eq (local.get $dw) (i32.const 1)) (i32.eqz (local.get $padLeft)))
      (i32.le_s (i32.add (i32.mul (i32.sub (local.get $outW) (i32.const 1)) (local.get $sw)) (local.get $kw)) (local.get $inW))))
    (block $rows_done
      (loop $pos
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        ;; a whole output row with all its kernel rows inside the image: $patchRow
        (local.set $y (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $padTop)))
        (if (i32.and (i32.and (local.get $across) (i32.eqz (local.get $j)))
              (i32.and (i32.le_u (i32.add (local.get $r) (local.get $outW)) (local.get $rows))
                (i32.and (i32.ge_s (local.get $y) (i32.const 0))
                  (i32.lt_s (i32.add (local.get $y) (i32.mul (i32.sub (local.get $kh) (i32.const 1)) (local.get $dh))) (local.get $inH)))))
          (then
            (call $patchRow
              (i32.add (local.get $x)
                (i32.shl (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $y))
                  (i32.mul (local.get $inW) (local.get $inC))) (i32.const 3)))
              (local.get $o) (local.get $kh) (local.get $kwc) (local.get $P8)
              (i32.shl (i32.mul (local.get $dh) (i32.mul (local.get $inW) (local.get $inC))) (i32.const 3))
              (i32.shl (i32.mul (local.get $sw) (local.get $inC)) (i32.const 3))
              (local.get $outW) (local.get $add))
            (local.set $o (i32.add (local.get $o) (i32.mul (local.get $outW) (local.get $P8))))
            (local.set $r (i32.add (local.get $r) (local.get $outW)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.eq (local.get $i) (local.get $outH))
              (then
                (local.set $i (i32.const 0))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (br $pos)))
        (local.set $x0 (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $padLeft)))
        ;; dilation 1 and the kernel row inside the image: kw·inC contiguous values
        (local.set $whole (i32.and (i32.eq (local.get $dw) (i32.const 1))
          (i32.and (i32.ge_s (local.get $x0) (i32.const 0))
            (i32.le_s (i32.add (local.get $x0) (local.get $kw)) (local.get $inW)))))
        (local.set $a (i32.const 0))
        (block $a_done
          (loop $krow
            (br_if $a_done (i32.ge_u (local.get $a) (local.get $kh)))
            (local.set $y (i32.add (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $padTop))
              (i32.mul (local.get $a) (local.get $dh))))
            ;; byte address of x[n, y, 0, 0]
            (local.set $line (i32.add (local.get $x)
              (i32.shl (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $y))
                (i32.mul (local.get $inW) (local.get $inC))) (i32.const 3))))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $inH)))
              (then
                (if (i32.eqz (local.get $add))
                  (then (memory.fill (local.get $o) (i32.const 0) (i32.shl (local.get $kwc) (i32.const 3))))))
              (else
                (if (local.get $whole)
                  (then
                    (if (local.get $add)
                      (then (call $addRun (local.get $o)
                        (i32.add (local.get $line) (i32.shl (i32.mul (local.get $x0) (local.get $inC)) (i32.const 3)))
                        (local.get $kwc)))
                      (else (call $copyRun
                        (i32.add (local.get $line) (i32.shl (i32.mul (local.get $x0) (local.get $inC)) (i32.const 3)))
                        (local.get $o) (local.get $kwc)))))
                  (else
                    (local.set $b (i32.const 0))
                    (block $b_done
                      (loop $kcol
                        (br_if $b_done (i32.ge_u (local.get $b) (local.get $kw)))
                        (local.set $xx (i32.add (local.get $x0) (i32.mul (local.get $b) (local.get $dw))))
                        (if (i32.or (i32.lt_s (local.get $xx) (i32.const 0)) (i32.ge_s (local.get $xx) (local.get $inW)))
                          (then
                            (if (i32.eqz (local.get $add))
                              (then (memory.fill
                                (i32.add (local.get $o) (i32.shl (i32.mul (local.get $b) (local.get $inC)) (i32.const 3)))
                                (i32.const 0) (i32.shl (local.get $inC) (i32.const 3))))))
                          (else
                            (if (local.get $add)
                              (then (call $addRun
                                (i32.add (local.get $o) (i32.shl (i32.mul (local.get $b) (local.get $inC)) (i32.const 3)))
                                (i32.add (local.get $line) (i32.shl (i32.mul (local.get $xx) (local.get $inC)) (i32.const 3)))
                                (local.get $inC)))
                              (else (call $copyRun
                                (i32.add (local.get $line) (i32.shl (i32.mul (local.get $xx) (local.get $inC)) (i32.const 3)))
                                (i32.add (local.get $o) (i32.shl (i32.mul (local.get $b) (local.get $inC)) (i32.const 3)))
                                (local.get $inC))))))
                        (local.set $b (i32.add (local.get $b) (i32.const 1)))
                        (br $kcol)))))))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $kwc) (i32.const 3))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $krow)))
        ;; the next position
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (local.get $j) (local.get $outW))
          (then
            (local.set $j (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.eq (local.get $i) (local.get $outH))
              (then
                (local.set $i (i32.const 0))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
        (br $pos))))

  ;; ---------------------------------------------------------------- 2×2 max pooling (pooling layers)
  ;; maxPool2x2(x, y, arg, n, inH, inW, C): for channels-last images x [n, inH, inW, C] (C even),
  ;; windows of 2×2 cells at stride 2 (rows 2i, 2i+1 and columns 2j, 2j+1, all inside the image),
  ;; y[n, i, j, c] = the window's first maximum in row-major order (the first NaN if any) and arg the
  ;; index in x (elements, i32) of the cell it came from. Two channels at a time: a tournament (the
  ;; first row's winner, the second row's, then the two), each match taking the later cell when it is
  ;; greater or is NaN against a number — the rule of pool.ts's max2x2, so the same bits — written as
  ;; "not (later ≤ earlier), and earlier is a number"; the index is the first cell's plus the offset
  ;; of the cell that won (0, C, rowW or rowW + C), picked by the same masks.
  (func (export "maxPool2x2")
    (param $x i32) (param $y i32) (param $arg i32) (param $n i32) (param $inH i32) (param $inW i32) (param $C i32)
    (local $outH i32) (local $outW i32) (local $rowW i32) (local $img i32) (local $i i32) (local $j i32) (local $c i32)
    (local $q i32) (local $p i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t v128)
    (local $i0 v128) (local $i1 v128) (local $i3 v128) (local $cC v128) (local $cRow v128)
    (local $C8 i32) (local $rowW8 i32) (local $rowWC8 i32)
    (local.set $outH (i32.shr_u (local.get $inH) (i32.const 1)))
    (local.set $outW (i32.shr_u (local.get $inW) (i32.const 1)))
    (local.set $rowW (i32.mul (local.get $inW) (local.get $C)))
    ;; the offsets of a window's cells from its first: C, rowW and rowW + C (elements and bytes)
    (local.set $cC (i64x2.splat (i64.extend_i32_u (local.get $C))))
    (local.set $cRow (i64x2.splat (i64.extend_i32_u (local.get $rowW))))
    (local.set $C8 (i32.shl (local.get $C) (i32.const 3)))
    (local.set $rowW8 (i32.shl (local.get $rowW) (i32.const 3)))
    (local.set $rowWC8 (i32.add (local.get $rowW8) (local.get $C8)))
    (block $images_done
      (loop $image
        (br_if $images_done (i32.ge_u (local.get $img) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $outH)))
            ;; q: the element index of the window's first cell, channel 0
            (local.set $q (i32.mul (i32.add (i32.mul (local.get $img) (local.get $inH)) (i32.shl (local.get $i) (i32.const 1)))
              (local.get $rowW)))
            (local.set $j (i32.const 0))
            (block $cols_done
              (loop $col
                (br_if $cols_done (i32.ge_u (local.get $j) (local.get $outW)))
                (local.set $c (i32.const 0))
                (block $ch_done
                  (loop $ch
                    (br_if $ch_done (i32.ge_u (local.get $c) (local.get $C)))
                    (local.set $p (i32.add (local.get $q) (local.get $c)))
                    (local.set $i0 (i64x2.add (i64x2.splat (i64.extend_i32_u (local.get $p))) (v128.const i64x2 0 1)))
                    (local.set $p (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 3))))
                    (local.set $v0 (v128.load (local.get $p)))
                    (local.set $v1 (v128.load (i32.add (local.get $p) (local.get $C8))))
                    (local.set $v2 (v128.load (i32.add (local.get $p) (local.get $rowW8))))
                    (local.set $v3 (v128.load (i32.add (local.get $p) (local.get $rowWC8))))
                    ;; the first row: v1 beats v0 when not v1 ≤ v0 (true for a NaN v1) and v0 is a number
                    (local.set $t (v128.andnot (f64x2.eq (local.get $v0) (local.get $v0)) (f64x2.le (local.get $v1) (local.get $v0))))
                    (local.set $v0 (v128.bitselect (local.get $v1) (local.get $v0) (local.get $t)))
                    (local.set $i1 (v128.and (local.get $t) (local.get $cC)))
                    ;; the second row: v3 against v2
                    (local.set $t (v128.andnot (f64x2.eq (local.get $v2) (local.get $v2)) (f64x2.le (local.get $v3) (local.get $v2))))
                    (local.set $v2 (v128.bitselect (local.get $v3) (local.get $v2) (local.get $t)))
                    (local.set $i3 (i64x2.add (local.get $cRow) (v128.and (local.get $t) (local.get $cC))))
                    ;; the two winners; the index is the first cell's plus the winner's offset (0, C, rowW, rowW + C)
                    (local.set $t (v128.andnot (f64x2.eq (local.get $v0) (local.get $v0)) (f64x2.le (local.get $v2) (local.get $v0))))
                    (v128.store (local.get $y) (v128.bitselect (local.get $v2) (local.get $v0) (local.get $t)))
                    ;; the two indices' low halves as two i32
                    (v128.store64_lane 0 (local.get $arg)
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
                        (i64x2.add (local.get $i0) (v128.bitselect (local.get $i3) (local.get $i1) (local.get $t))) (local.get $t)))
                    (local.set $y (i32.add (local.get $y) (i32.const 16)))
                    (local.set $arg (i32.add (local.get $arg) (i32.const 8)))
                    (local.set $c (i32.add (local.get $c) (i32.const 2)))
                    (br $ch)))
                (local.set $q (i32.add (local.get $q) (i32.shl (local.get $C) (i32.const 1))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $col)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (local.set $img (i32.add (local.get $img) (i32.const 1)))
        (br $image))))
;; maxPoolScatter(dy, arg, n, dx): dx[arg[o]] = 0 + dy[o] for o < n (arg: i32 indices of dx's
  ;; elements) — the backward of a max pooling whose windows share no cell, after dx was zeroed:
  ;; the bits of pool.ts's scatter.
  (func (export "maxPoolScatter") (param $dy i32) (param $arg i32) (param $n i32) (param $dx i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $arg) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $o
        (br_if $done (i32.ge_u (local.get $arg) (local.get $end)))
        (f64.store
          (i32.add (local.get $dx) (i32.shl (i32.load (local.get $arg)) (i32.const 3)))
          (f64.add (f64.const 0) (f64.load (local.get $dy))))
        (local.set $arg (i32.add (local.get $arg) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 8)))
        (br $o))))

  ;; ---------------------------------------------------------------- optimizer updates (resident weights)
  ;; One update of one weight in place, the equation of src/optimizers/<name>.ts element by element
  ;; (the same operations in the same order, so the same bits; two elements per f64x2), returning
  ;; the sum of every value written — finite only when each of them is: the optimizer's check.
  ;; Addresses in bytes, n elements.

  ;; sgdStep(w, g, n, lr, save): w ← w − lr·g; with save ≠ 0 the old w goes there as it is read (the
  ;; update's backup, in the same pass: see adamStep).
  (func (export "sgdStep") (param $w i32) (param $g i32) (param $n i32) (param $lr f64) (param $save i32) (result f64)
    (local $end i32) (local $lr2 v128) (local $s v128) (local $x v128) (local $old v128) (local $t f64)
    (local.set $lr2 (f64x2.splat (local.get $lr)))
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $old (v128.load (local.get $w)))
        (if (local.get $save)
          (then
            (v128.store (local.get $save) (local.get $old))
            (local.set $save (i32.add (local.get $save) (i32.const 16)))))
        (local.set $x (f64x2.sub (local.get $old) (f64x2.mul (local.get $lr2) (v128.load (local.get $g)))))
        (v128.store (local.get $w) (local.get $x))
        (local.set $s (f64x2.add (local.get $s) (local.get $x)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $pairs)))
    (local.set $t (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (if (local.get $save) (then (f64.store (local.get $save) (f64.load (local.get $w)))))
        (f64.store (local.get $w) (f64.sub (f64.load (local.get $w)) (f64.mul (local.get $lr) (f64.load (local.get $g)))))
        (local.set $t (f64.add (local.get $t) (f64.load (local.get $w))))))
    (local.get $t))

  ;; adamStep(w, g, m, v, vMax, n, lr, b1, b2, eps, c1, c2, save): m ← b1·m + (1 − b1)·g;
  ;; v ← b2·v + ((1 − b2)·g)·g; with vMax ≠ 0 (amsgrad) v̂ ← vMax ← max(vMax, v), else v̂ = v;
  ;; w ← w − (lr·(m/c1)) / (√(v̂/c2) + eps). One element at a time per lane pair; an odd last one
  ;; through the same code on a pair whose second lane is a copy (only the first is stored).
  ;; With save ≠ 0 the old values go there as they are read — w, m, v, then vMax, n values each — the
  ;; update's backup (optimizers/buffers.ts) for free: the loop waits on its divisions and square root.
  (func (export "adamStep")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32) (param $n i32)
    (param $lr f64) (param $b1 f64) (param $b2 f64) (param $eps f64) (param $c1 f64) (param $c2 f64) (param $save i32) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $mi v128) (local $vi v128) (local $wi v128)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $LR v128) (local $EPS v128) (local $C1 v128) (local $C2 v128)
    (local $old v128) (local $sw i32) (local $sm i32) (local $sv i32) (local $svm i32)
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $A1 (f64x2.splat (f64.sub (f64.const 1) (local.get $b1))))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $A2 (f64x2.splat (f64.sub (f64.const 1) (local.get $b2))))
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (local.set $C1 (f64x2.splat (local.get $c1)))
    (local.set $C2 (f64x2.splat (local.get $c2)))
    (local.set $sw (local.get $save))
    (local.set $sm (i32.add (local.get $sw) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $sv (i32.add (local.get $sm) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $svm (i32.add (local.get $sv) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $old (v128.load (local.get $m)))
        (if (local.get $save) (then (v128.store (local.get $sm) (local.get $old))))
        (local.set $mi (f64x2.add (f64x2.mul (local.get $B1) (local.get $old)) (f64x2.mul (local.get $A1) (local.get $gi))))
        (v128.store (local.get $m) (local.get $mi))
        (local.set $old (v128.load (local.get $v)))
        (if (local.get $save) (then (v128.store (local.get $sv) (local.get $old))))
        (local.set $vi (f64x2.add (f64x2.mul (local.get $B2) (local.get $old))
          (f64x2.mul (f64x2.mul (local.get $A2) (local.get $gi)) (local.get $gi))))
        (v128.store (local.get $v) (local.get $vi))
        (if (local.get $vm)
          (then
            (local.set $old (v128.load (local.get $vm)))
            (if (local.get $save) (then (v128.store (local.get $svm) (local.get $old))))
            (local.set $vi (f64x2.max (local.get $old) (local.get $vi)))
            (v128.store (local.get $vm) (local.get $vi))
            (local.set $vm (i32.add (local.get $vm) (i32.const 16)))))
        (local.set $old (v128.load (local.get $w)))
        (if (local.get $save) (then (v128.store (local.get $sw) (local.get $old))))
        (local.set $wi (f64x2.sub (local.get $old)
          (f64x2.div (f64x2.mul (local.get $LR) (f64x2.div (local.get $mi) (local.get $C1)))
            (f64x2.add (f64x2.sqrt (f64x2.div (local.get $vi) (local.get $C2))) (local.get $EPS)))))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $wi) (local.get $mi)) (local.get $vi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $sw (i32.add (local.get $sw) (i32.const 16)))
        (local.set $sm (i32.add (local.get $sm) (i32.const 16)))
        (local.set $sv (i32.add (local.get $sv) (i32.const 16)))
        (local.set $svm (i32.add (local.get $svm) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $old (v128.load64_splat (local.get $m)))
        (if (local.get $save) (then (f64.store (local.get $sm) (f64x2.extract_lane 0 (local.get $old)))))
        (local.set $mi (f64x2.add (f64x2.mul (local.get $B1) (local.get $old)) (f64x2.mul (local.get $A1) (local.get $gi))))
        (f64.store (local.get $m) (f64x2.extract_lane 0 (local.get $mi)))
        (local.set $old (v128.load64_splat (local.get $v)))
        (if (local.get $save) (then (f64.store (local.get $sv) (f64x2.extract_lane 0 (local.get $old)))))
        (local.set $vi (f64x2.add (f64x2.mul (local.get $B2) (local.get $old))
          (f64x2.mul (f64x2.mul (local.get $A2) (local.get $gi)) (local.get $gi))))
        (f64.store (local.get $v) (f64x2.extract_lane 0 (local.get $vi)))
        (if (local.get $vm)
          (then
            (local.set $old (v128.load64_splat (local.get $vm)))
            (if (local.get $save) (then (f64.store (local.get $svm) (f64x2.extract_lane 0 (local.get $old)))))
            (local.set $vi (f64x2.max (local.get $old) (local.get $vi)))
            (f64.store (local.get $vm) (f64x2.extract_lane 0 (local.get $vi)))))
        (local.set $old (v128.load64_splat (local.get $w)))
        (if (local.get $save) (then (f64.store (local.get $sw) (f64x2.extract_lane 0 (local.get $old)))))
        (local.set $wi (f64x2.sub (local.get $old)
          (f64x2.div (f64x2.mul (local.get $LR) (f64x2.div (local.get $mi) (local.get $C1)))
            (f64x2.add (f64x2.sqrt (f64x2.div (local.get $vi) (local.get $C2))) (local.get $EPS)))))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        ;; the sum's second lane gets the same element again: still finite only when it is
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $wi) (local.get $mi)) (local.get $vi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; sgdMomentumStep(w, g, v, n, lr, mu, nesterov): v ← μv − lr·g; w ← w + (nesterov ? μv − lr·g : v)
  (func (export "sgdMomentumStep") (param $w i32) (param $g i32) (param $v i32) (param $n i32) (param $lr f64) (param $mu f64) (param $nesterov i32) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $vi v128) (local $x v128) (local $wi v128) (local $LR v128) (local $MU v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $MU (f64x2.splat (local.get $mu)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $vi (f64x2.sub (f64x2.mul (local.get $MU) (v128.load (local.get $v))) (f64x2.mul (local.get $LR) (local.get $gi))))
        (v128.store (local.get $v) (local.get $vi))
        (local.set $x (local.get $vi))
        (if (local.get $nesterov)
          (then
            (local.set $x (f64x2.sub (f64x2.mul (local.get $MU) (local.get $vi)) (f64x2.mul (local.get $LR) (local.get $gi))))))
        (local.set $wi (f64x2.add (v128.load (local.get $w)) (local.get $x)))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $vi) (local.get $wi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; an odd last element: the same expressions on both lanes of a splat, lane 0 stored
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $vi (f64x2.sub (f64x2.mul (local.get $MU) (v128.load64_splat (local.get $v))) (f64x2.mul (local.get $LR) (local.get $gi))))
        (f64.store (local.get $v) (f64x2.extract_lane 0 (local.get $vi)))
        (local.set $x (local.get $vi))
        (if (local.get $nesterov)
          (then
            (local.set $x (f64x2.sub (f64x2.mul (local.get $MU) (local.get $vi)) (f64x2.mul (local.get $LR) (local.get $gi))))))
        (local.set $wi (f64x2.add (v128.load64_splat (local.get $w)) (local.get $x)))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $vi) (local.get $wi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; adagradStep(w, g, G, n, lr, eps): G ← G + g·g; w ← w − (lr·g)/√(G + eps)
  (func (export "adagradStep") (param $w i32) (param $g i32) (param $G i32) (param $n i32) (param $lr f64) (param $eps f64) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $Gi v128) (local $wi v128) (local $LR v128) (local $EPS v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $Gi (f64x2.add (v128.load (local.get $G)) (f64x2.mul (local.get $gi) (local.get $gi))))
        (v128.store (local.get $G) (local.get $Gi))
        (local.set $wi (f64x2.sub (v128.load (local.get $w)) (f64x2.div (f64x2.mul (local.get $LR) (local.get $gi)) (f64x2.sqrt (f64x2.add (local.get $Gi) (local.get $EPS))))))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $Gi) (local.get $wi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $G (i32.add (local.get $G) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; an odd last element: the same expressions on both lanes of a splat, lane 0 stored
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $Gi (f64x2.add (v128.load64_splat (local.get $G)) (f64x2.mul (local.get $gi) (local.get $gi))))
        (f64.store (local.get $G) (f64x2.extract_lane 0 (local.get $Gi)))
        (local.set $wi (f64x2.sub (v128.load64_splat (local.get $w)) (f64x2.div (f64x2.mul (local.get $LR) (local.get $gi)) (f64x2.sqrt (f64x2.add (local.get $Gi) (local.get $EPS))))))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $Gi) (local.get $wi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; rmspropStep(w, g, E, m, b, n, lr, rho, eps, momentum): E ← ρE + ((1 − ρ)·g)·g; d = E, with m
  ;; (centered, else 0): m ← ρm + (1 − ρ)g, d ← d − m·m; step = (lr·g)/√(d + eps); with b (momentum,
  ;; else 0): step ← b ← momentum·b + step; w ← w − step
  (func (export "rmspropStep") (param $w i32) (param $g i32) (param $E i32) (param $m i32) (param $b i32) (param $n i32) (param $lr f64) (param $rho f64) (param $eps f64) (param $momentum f64) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $Ei v128) (local $d v128) (local $mi v128) (local $x v128) (local $wi v128) (local $LR v128) (local $RHO v128) (local $A v128) (local $EPS v128) (local $MOM v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $RHO (f64x2.splat (local.get $rho)))
    (local.set $A (f64x2.splat (f64.sub (f64.const 1) (local.get $rho))))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (local.set $MOM (f64x2.splat (local.get $momentum)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $Ei (f64x2.add (f64x2.mul (local.get $RHO) (v128.load (local.get $E))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $gi)) (local.get $gi))))
        (v128.store (local.get $E) (local.get $Ei))
        (local.set $d (local.get $Ei))
        (if (local.get $m)
          (then
            (local.set $mi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load (local.get $m))) (f64x2.mul (local.get $A) (local.get $gi))))
            (v128.store (local.get $m) (local.get $mi))
            (local.set $d (f64x2.sub (local.get $d) (f64x2.mul (local.get $mi) (local.get $mi))))
            (local.set $s (f64x2.add (local.get $s) (local.get $mi)))))
        (local.set $x (f64x2.div (f64x2.mul (local.get $LR) (local.get $gi)) (f64x2.sqrt (f64x2.add (local.get $d) (local.get $EPS)))))
        (if (local.get $b)
          (then
            (local.set $x (f64x2.add (f64x2.mul (local.get $MOM) (v128.load (local.get $b))) (local.get $x)))
            (v128.store (local.get $b) (local.get $x))
            (local.set $s (f64x2.add (local.get $s) (local.get $x)))))
        (local.set $wi (f64x2.sub (v128.load (local.get $w)) (local.get $x)))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $Ei) (local.get $wi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $E (i32.add (local.get $E) (i32.const 16)))
        (if (local.get $m) (then (local.set $m (i32.add (local.get $m) (i32.const 16)))))
        (if (local.get $b) (then (local.set $b (i32.add (local.get $b) (i32.const 16)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; an odd last element: the same expressions on both lanes of a splat, lane 0 stored
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $Ei (f64x2.add (f64x2.mul (local.get $RHO) (v128.load64_splat (local.get $E))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $gi)) (local.get $gi))))
        (f64.store (local.get $E) (f64x2.extract_lane 0 (local.get $Ei)))
        (local.set $d (local.get $Ei))
        (if (local.get $m)
          (then
            (local.set $mi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load64_splat (local.get $m))) (f64x2.mul (local.get $A) (local.get $gi))))
            (f64.store (local.get $m) (f64x2.extract_lane 0 (local.get $mi)))
            (local.set $d (f64x2.sub (local.get $d) (f64x2.mul (local.get $mi) (local.get $mi))))
            (local.set $s (f64x2.add (local.get $s) (local.get $mi)))))
        (local.set $x (f64x2.div (f64x2.mul (local.get $LR) (local.get $gi)) (f64x2.sqrt (f64x2.add (local.get $d) (local.get $EPS)))))
        (if (local.get $b)
          (then
            (local.set $x (f64x2.add (f64x2.mul (local.get $MOM) (v128.load64_splat (local.get $b))) (local.get $x)))
            (f64.store (local.get $b) (f64x2.extract_lane 0 (local.get $x)))
            (local.set $s (f64x2.add (local.get $s) (local.get $x)))))
        (local.set $wi (f64x2.sub (v128.load64_splat (local.get $w)) (local.get $x)))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $Ei) (local.get $wi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; adadeltaStep(w, g, Eg, Ed, n, lr, rho, eps): Eg ← ρEg + ((1 − ρ)·g)·g; δ = (−√(Ed + eps)/√(Eg + eps))·g;
  ;; Ed ← ρEd + ((1 − ρ)·δ)·δ; w ← w + lr·δ
  (func (export "adadeltaStep") (param $w i32) (param $g i32) (param $Eg i32) (param $Ed i32) (param $n i32) (param $lr f64) (param $rho f64) (param $eps f64) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $egi v128) (local $x v128) (local $edi v128) (local $wi v128) (local $LR v128) (local $RHO v128) (local $A v128) (local $EPS v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $RHO (f64x2.splat (local.get $rho)))
    (local.set $A (f64x2.splat (f64.sub (f64.const 1) (local.get $rho))))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $egi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load (local.get $Eg))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $gi)) (local.get $gi))))
        (v128.store (local.get $Eg) (local.get $egi))
        (local.set $x (f64x2.mul (f64x2.div (f64x2.neg (f64x2.sqrt (f64x2.add (v128.load (local.get $Ed)) (local.get $EPS)))) (f64x2.sqrt (f64x2.add (local.get $egi) (local.get $EPS)))) (local.get $gi)))
        (local.set $edi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load (local.get $Ed))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $x)) (local.get $x))))
        (v128.store (local.get $Ed) (local.get $edi))
        (local.set $wi (f64x2.add (v128.load (local.get $w)) (f64x2.mul (local.get $LR) (local.get $x))))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $egi) (local.get $edi)) (local.get $wi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $Eg (i32.add (local.get $Eg) (i32.const 16)))
        (local.set $Ed (i32.add (local.get $Ed) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; an odd last element: the same expressions on both lanes of a splat, lane 0 stored
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $egi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load64_splat (local.get $Eg))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $gi)) (local.get $gi))))
        (f64.store (local.get $Eg) (f64x2.extract_lane 0 (local.get $egi)))
        (local.set $x (f64x2.mul (f64x2.div (f64x2.neg (f64x2.sqrt (f64x2.add (v128.load64_splat (local.get $Ed)) (local.get $EPS)))) (f64x2.sqrt (f64x2.add (local.get $egi) (local.get $EPS)))) (local.get $gi)))
        (local.set $edi (f64x2.add (f64x2.mul (local.get $RHO) (v128.load64_splat (local.get $Ed))) (f64x2.mul (f64x2.mul (local.get $A) (local.get $x)) (local.get $x))))
        (f64.store (local.get $Ed) (f64x2.extract_lane 0 (local.get $edi)))
        (local.set $wi (f64x2.add (v128.load64_splat (local.get $w)) (f64x2.mul (local.get $LR) (local.get $x))))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $egi) (local.get $edi)) (local.get $wi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; adamaxStep(w, g, m, u, n, step, b1, b2, eps): m ← b1·m + (1 − b1)·g; u ← max(b2·u, |g|); w ← w − (step·m)/(u + eps)
  (func (export "adamaxStep") (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32) (param $step f64) (param $b1 f64) (param $b2 f64) (param $eps f64) (result f64)
    (local $i i32) (local $s v128) (local $gi v128) (local $mi v128) (local $ui v128) (local $wi v128) (local $ST v128) (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $EPS v128)
    (local.set $ST (f64x2.splat (local.get $step)))
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $A1 (f64x2.splat (f64.sub (f64.const 1) (local.get $b1))))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gi (v128.load (local.get $g)))
        (local.set $mi (f64x2.add (f64x2.mul (local.get $B1) (v128.load (local.get $m))) (f64x2.mul (local.get $A1) (local.get $gi))))
        (v128.store (local.get $m) (local.get $mi))
        (local.set $ui (f64x2.max (f64x2.mul (local.get $B2) (v128.load (local.get $u))) (f64x2.abs (local.get $gi))))
        (v128.store (local.get $u) (local.get $ui))
        (local.set $wi (f64x2.sub (v128.load (local.get $w)) (f64x2.div (f64x2.mul (local.get $ST) (local.get $mi)) (f64x2.add (local.get $ui) (local.get $EPS)))))
        (v128.store (local.get $w) (local.get $wi))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $mi) (local.get $ui)) (local.get $wi))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (if (local.get $m) (then (local.set $m (i32.add (local.get $m) (i32.const 16)))))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; an odd last element: the same expressions on both lanes of a splat, lane 0 stored
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gi (v128.load64_splat (local.get $g)))
        (local.set $mi (f64x2.add (f64x2.mul (local.get $B1) (v128.load64_splat (local.get $m))) (f64x2.mul (local.get $A1) (local.get $gi))))
        (f64.store (local.get $m) (f64x2.extract_lane 0 (local.get $mi)))
        (local.set $ui (f64x2.max (f64x2.mul (local.get $B2) (v128.load64_splat (local.get $u))) (f64x2.abs (local.get $gi))))
        (f64.store (local.get $u) (f64x2.extract_lane 0 (local.get $ui)))
        (local.set $wi (f64x2.sub (v128.load64_splat (local.get $w)) (f64x2.div (f64x2.mul (local.get $ST) (local.get $mi)) (f64x2.add (local.get $ui) (local.get $EPS)))))
        (f64.store (local.get $w) (f64x2.extract_lane 0 (local.get $wi)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.add (f64x2.add (local.get $mi) (local.get $ui)) (local.get $wi))))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
)
