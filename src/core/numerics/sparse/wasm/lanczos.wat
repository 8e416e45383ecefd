;; Vector kernels of the Lanczos iteration (../lanczos.ts) in WebAssembly SIMD (f64x2),
;; assembled at build time (esbuild.config.mjs) and loaded by ../vectorKernels.ts. The
;; basis lives in this module's own memory; all pointers are byte offsets into it and the
;; caller (JS) owns the layout. Lengths are in doubles.
;;
;; - gs: one classical Gram–Schmidt pass against `count` rows (c = V w, w -= Vᵀ c), four
;;   rows per sweep over w: the reorthogonalisation that dominates a Lanczos step;
;; - dot, nrm2sq, axpy, scal: the three-term recurrence and the normalisation;
;; - csrmv, vmul, dxpby: the graph operators, y = A x for a CSR matrix (i32 row pointers and
;;   columns, f64 values) and the diagonal scalings around it;
;; - knn: the candidate filter of the exact k-nearest-neighbour search (../knn.ts), dot
;;   products of 4 rows x 4 columns in registers, only the pairs that pass written out.
(module
  (memory (export "memory") 1 65536)

  ;; x . y over len doubles
  (func $dot (export "dot") (param $x i32) (param $y i32) (param $len i32) (result f64)
    (local $end i32) (local $a0 v128) (local $a1 v128) (local $s f64)
    ;; two accumulators, 4 doubles per iteration
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.shr_u (local.get $len) (i32.const 2)) (i32.const 5))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $j
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
          (local.set $x (i32.add (local.get $x) (i32.const 32)))
          (local.set $y (i32.add (local.get $y) (i32.const 32)))
          (br_if $j (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    ;; the last len mod 4
    (local.set $len (i32.and (local.get $len) (i32.const 3)))
    (block $done
      (loop $t
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $t)))
    (local.get $s))

  ;; x . x
  (func (export "nrm2sq") (param $x i32) (param $len i32) (result f64)
    (call $dot (local.get $x) (local.get $x) (local.get $len)))

  ;; y += c x
  (func $axpy (export "axpy") (param $y i32) (param $x i32) (param $c f64) (param $len i32)
    (local $end i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (loop $j
          (v128.store (local.get $y)
            (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $cc) (v128.load (local.get $x)))))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $y) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $y)
        (f64.add (f64.load (local.get $y)) (f64.mul (local.get $c) (f64.load (local.get $x))))))))

  ;; y *= c
  (func (export "scal") (param $y i32) (param $c f64) (param $len i32)
    (local $end i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (loop $j
          (v128.store (local.get $y) (f64x2.mul (local.get $cc) (v128.load (local.get $y))))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $y) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $y) (f64.mul (local.get $c) (f64.load (local.get $y)))))))

  ;; c[0..3] = the dots of the four rows at $v (row stride $ld bytes) with w
  (func $dot4 (param $v i32) (param $ld i32) (param $w i32) (param $len i32) (param $c i32)
    (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $o i32) (local $end i32) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $t i32) (local $xs f64)
    (local.set $v1 (i32.add (local.get $v) (local.get $ld)))
    (local.set $v2 (i32.add (local.get $v1) (local.get $ld)))
    (local.set $v3 (i32.add (local.get $v2) (local.get $ld)))
    (local.set $end (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (loop $j
          (local.set $x (v128.load (i32.add (local.get $w) (local.get $o))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $v) (local.get $o))))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $v1) (local.get $o))))))
          (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $v2) (local.get $o))))))
          (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $v3) (local.get $o))))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $o) (local.get $end))))))
    (f64.store (local.get $c) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (f64.store offset=8 (local.get $c) (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
    (f64.store offset=16 (local.get $c) (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
    (f64.store offset=24 (local.get $c) (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $xs (f64.load (i32.add (local.get $w) (local.get $o))))
        (f64.store (local.get $c) (f64.add (f64.load (local.get $c)) (f64.mul (local.get $xs) (f64.load (i32.add (local.get $v) (local.get $o))))))
        (f64.store offset=8 (local.get $c) (f64.add (f64.load offset=8 (local.get $c)) (f64.mul (local.get $xs) (f64.load (i32.add (local.get $v1) (local.get $o))))))
        (f64.store offset=16 (local.get $c) (f64.add (f64.load offset=16 (local.get $c)) (f64.mul (local.get $xs) (f64.load (i32.add (local.get $v2) (local.get $o))))))
        (f64.store offset=24 (local.get $c) (f64.add (f64.load offset=24 (local.get $c)) (f64.mul (local.get $xs) (f64.load (i32.add (local.get $v3) (local.get $o)))))))))

  ;; w -= c0 V0 + c1 V1 + c2 V2 + c3 V3 for the four rows at $v (row stride $ld bytes)
  (func $sub4 (param $v i32) (param $ld i32) (param $w i32) (param $len i32) (param $c i32)
    (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $o i32) (local $end i32) (local $p i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $v1 (i32.add (local.get $v) (local.get $ld)))
    (local.set $v2 (i32.add (local.get $v1) (local.get $ld)))
    (local.set $v3 (i32.add (local.get $v2) (local.get $ld)))
    (local.set $c0 (v128.load64_splat (local.get $c)))
    (local.set $c1 (v128.load64_splat offset=8 (local.get $c)))
    (local.set $c2 (v128.load64_splat offset=16 (local.get $c)))
    (local.set $c3 (v128.load64_splat offset=24 (local.get $c)))
    (local.set $end (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (loop $j
          (local.set $p (i32.add (local.get $w) (local.get $o)))
          (v128.store (local.get $p)
            (f64x2.sub (v128.load (local.get $p))
              (f64x2.add
                (f64x2.add
                  (f64x2.mul (local.get $c0) (v128.load (i32.add (local.get $v) (local.get $o))))
                  (f64x2.mul (local.get $c1) (v128.load (i32.add (local.get $v1) (local.get $o)))))
                (f64x2.add
                  (f64x2.mul (local.get $c2) (v128.load (i32.add (local.get $v2) (local.get $o))))
                  (f64x2.mul (local.get $c3) (v128.load (i32.add (local.get $v3) (local.get $o))))))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $o) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $p (i32.add (local.get $w) (local.get $o)))
        (f64.store (local.get $p)
          (f64.sub (f64.load (local.get $p))
            (f64.add
              (f64.add
                (f64.mul (f64x2.extract_lane 0 (local.get $c0)) (f64.load (i32.add (local.get $v) (local.get $o))))
                (f64.mul (f64x2.extract_lane 0 (local.get $c1)) (f64.load (i32.add (local.get $v1) (local.get $o)))))
              (f64.add
                (f64.mul (f64x2.extract_lane 0 (local.get $c2)) (f64.load (i32.add (local.get $v2) (local.get $o))))
                (f64.mul (f64x2.extract_lane 0 (local.get $c3)) (f64.load (i32.add (local.get $v3) (local.get $o)))))))))))

  ;; y = A x for the n x n CSR matrix (row pointers at $rp, columns at $col: i32; values at
  ;; $val: f64); two accumulators per row
  (func (export "csrmv") (param $n i32) (param $rp i32) (param $col i32) (param $val i32) (param $x i32) (param $y i32)
    (local $i i32) (local $p i32) (local $e i32) (local $e2 i32) (local $s0 f64) (local $s1 f64)
    (local.set $p (i32.load (local.get $rp)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.load offset=4 (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $s0 (f64.const 0))
        (local.set $s1 (f64.const 0))
        (local.set $e2 (i32.sub (local.get $e) (i32.const 1)))
        (block $pairs
          (loop $pp
            (br_if $pairs (i32.ge_s (local.get $p) (local.get $e2)))
            (local.set $s0 (f64.add (local.get $s0)
              (f64.mul (f64.load (i32.add (local.get $val) (i32.shl (local.get $p) (i32.const 3))))
                (f64.load (i32.add (local.get $x) (i32.shl (i32.load (i32.add (local.get $col) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))))
            (local.set $s1 (f64.add (local.get $s1)
              (f64.mul (f64.load offset=8 (i32.add (local.get $val) (i32.shl (local.get $p) (i32.const 3))))
                (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=4 (i32.add (local.get $col) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br $pp)))
        (if (i32.lt_s (local.get $p) (local.get $e))
          (then
            (local.set $s0 (f64.add (local.get $s0)
              (f64.mul (f64.load (i32.add (local.get $val) (i32.shl (local.get $p) (i32.const 3))))
                (f64.load (i32.add (local.get $x) (i32.shl (i32.load (i32.add (local.get $col) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (f64.add (local.get $s0) (local.get $s1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out = d * x (elementwise)
  (func (export "vmul") (param $out i32) (param $d i32) (param $x i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $out) (local.get $end))
      (then
        (loop $j
          (v128.store (local.get $out) (f64x2.mul (v128.load (local.get $d)) (v128.load (local.get $x))))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $d (i32.add (local.get $d) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $out) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $out) (f64.mul (f64.load (local.get $d)) (f64.load (local.get $x)))))))

  ;; y = a (d * x) + b y
  (func (export "dxpby") (param $y i32) (param $d i32) (param $x i32) (param $a f64) (param $b f64) (param $len i32)
    (local $end i32) (local $aa v128) (local $bb v128)
    (local.set $aa (f64x2.splat (local.get $a)))
    (local.set $bb (f64x2.splat (local.get $b)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (loop $j
          (v128.store (local.get $y)
            (f64x2.add (f64x2.mul (local.get $aa) (f64x2.mul (v128.load (local.get $d)) (v128.load (local.get $x))))
              (f64x2.mul (local.get $bb) (v128.load (local.get $y)))))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $d (i32.add (local.get $d) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $y) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $y)
        (f64.add (f64.mul (local.get $a) (f64.mul (f64.load (local.get $d)) (f64.load (local.get $x))))
          (f64.mul (local.get $b) (f64.load (local.get $y))))))))

  ;; One scalar test of the knn filter: the pair (ii, jj) with dot product g (jj > ii) is
  ;; written to the candidates as (ii, jj, g) when low[jj] - 2g <= thr[ii] or
  ;; low[ii] - 2g <= thr[jj]. Returns the new count.
  (func $knnPair (param $ii i32) (param $jj i32) (param $g f64) (param $low i32) (param $thr i32) (param $cand i32) (param $count i32) (result i32)
    (local $g2 f64) (local $o i32)
    (if (i32.le_s (local.get $jj) (local.get $ii)) (then (return (local.get $count))))
    (local.set $g2 (f64.add (local.get $g) (local.get $g)))
    (if (i32.eqz (i32.or
          (f64.le (f64.sub (f64.load (i32.add (local.get $low) (i32.shl (local.get $jj) (i32.const 3)))) (local.get $g2))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $ii) (i32.const 3)))))
          (f64.le (f64.sub (f64.load (i32.add (local.get $low) (i32.shl (local.get $ii) (i32.const 3)))) (local.get $g2))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $jj) (i32.const 3)))))))
      (then (return (local.get $count))))
    (local.set $o (i32.add (local.get $cand) (i32.mul (local.get $count) (i32.const 24))))
    (f64.store (local.get $o) (f64.convert_i32_s (local.get $ii)))
    (f64.store offset=8 (local.get $o) (f64.convert_i32_s (local.get $jj)))
    (f64.store offset=16 (local.get $o) (local.get $g))
    (i32.add (local.get $count) (i32.const 1)))

  ;; The eight scalar tests of a 4 x 2 half-tile (rows i..i+3 of accumulators a0..a3, columns j, j+1).
  (func $knnHalf (param $i i32) (param $j i32) (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
        (param $low i32) (param $thr i32) (param $cand i32) (param $count i32) (result i32)
    (local.set $count (call $knnPair (local.get $i) (local.get $j) (f64x2.extract_lane 0 (local.get $a0)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $count (call $knnPair (local.get $i) (i32.add (local.get $j) (i32.const 1)) (f64x2.extract_lane 1 (local.get $a0)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (local.set $count (call $knnPair (local.get $i) (local.get $j) (f64x2.extract_lane 0 (local.get $a1)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $count (call $knnPair (local.get $i) (i32.add (local.get $j) (i32.const 1)) (f64x2.extract_lane 1 (local.get $a1)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (local.set $count (call $knnPair (local.get $i) (local.get $j) (f64x2.extract_lane 0 (local.get $a2)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $count (call $knnPair (local.get $i) (i32.add (local.get $j) (i32.const 1)) (f64x2.extract_lane 1 (local.get $a2)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (local.set $count (call $knnPair (local.get $i) (local.get $j) (f64x2.extract_lane 0 (local.get $a3)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.set $count (call $knnPair (local.get $i) (i32.add (local.get $j) (i32.const 1)) (f64x2.extract_lane 1 (local.get $a3)) (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
    (local.get $count))

  ;; The vector test of one accumulator pair (row i: a, columns j, j+1): lanes where
  ;; low_j - 2a <= thr_i or low_i - 2a <= thr_j.
  (func $knnMask (param $a v128) (param $li v128) (param $ti v128) (param $lj v128) (param $tj v128) (result v128)
    (local $g2 v128)
    (local.set $g2 (f64x2.add (local.get $a) (local.get $a)))
    (v128.or
      (f64x2.le (f64x2.sub (local.get $lj) (local.get $g2)) (local.get $ti))
      (f64x2.le (f64x2.sub (local.get $li) (local.get $g2)) (local.get $tj))))

  ;; Candidate pairs of the exact kNN filter: rows i in [i0, i1) of xr (row-major, d doubles
  ;; per row) against columns j in [j0, j1) of xt (the data transposed: d rows of ld doubles),
  ;; both ranges in steps of 4 (padded). A pair with j > i is a candidate when
  ;; low[j] - 2g <= thr[i] or low[i] - 2g <= thr[j], g = x_i . x_j (padding has low = +inf,
  ;; thr = -inf); candidates are written as (i, j, g), three doubles each, from $cand.
  ;; Returns their number.
  (func (export "knn") (param $xr i32) (param $xt i32) (param $ld i32) (param $d i32)
        (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32)
        (param $low i32) (param $thr i32) (param $cand i32) (result i32)
    (local $i i32) (local $j i32) (local $t i32) (local $count i32) (local $rs i32) (local $cs i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $p i32) (local $js i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $s v128) (local $m v128)
    (local $lj0 v128) (local $lj1 v128) (local $tj0 v128) (local $tj1 v128) (local $li v128) (local $ti v128)
    (local.set $rs (i32.shl (local.get $d) (i32.const 3)))
    (local.set $cs (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $i (local.get $i0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $r0 (i32.add (local.get $xr) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $rs)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $rs)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $rs)))
        ;; columns below the multiple of 4 at or under i + 1 pair with none of rows i..i+3
        (local.set $js (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.const -4)))
        (local.set $j (select (local.get $j0) (local.get $js) (i32.gt_s (local.get $j0) (local.get $js))))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $j) (local.get $j1)))
            (local.set $a00 (v128.const f64x2 0 0)) (local.set $a01 (v128.const f64x2 0 0))
            (local.set $a10 (v128.const f64x2 0 0)) (local.set $a11 (v128.const f64x2 0 0))
            (local.set $a20 (v128.const f64x2 0 0)) (local.set $a21 (v128.const f64x2 0 0))
            (local.set $a30 (v128.const f64x2 0 0)) (local.set $a31 (v128.const f64x2 0 0))
            (local.set $p (i32.add (local.get $xt) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $t (i32.const 0))
            (block $tDone
              (loop $tl
                (br_if $tDone (i32.ge_u (local.get $t) (local.get $rs)))
                (local.set $x0 (v128.load (local.get $p)))
                (local.set $x1 (v128.load offset=16 (local.get $p)))
                (local.set $s (v128.load64_splat (i32.add (local.get $r0) (local.get $t))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat (i32.add (local.get $r1) (local.get $t))))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat (i32.add (local.get $r2) (local.get $t))))
                (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a21 (f64x2.add (local.get $a21) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat (i32.add (local.get $r3) (local.get $t))))
                (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a31 (f64x2.add (local.get $a31) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $p (i32.add (local.get $p) (local.get $cs)))
                (local.set $t (i32.add (local.get $t) (i32.const 8)))
                (br $tl)))
            ;; the vector test of the 16 pairs
            (local.set $p (i32.add (local.get $low) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $lj0 (v128.load (local.get $p)))
            (local.set $lj1 (v128.load offset=16 (local.get $p)))
            (local.set $p (i32.add (local.get $thr) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $tj0 (v128.load (local.get $p)))
            (local.set $tj1 (v128.load offset=16 (local.get $p)))
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (local.set $li (v128.load64_splat (i32.add (local.get $low) (local.get $p))))
            (local.set $ti (v128.load64_splat (i32.add (local.get $thr) (local.get $p))))
            (local.set $m (v128.or
              (call $knnMask (local.get $a00) (local.get $li) (local.get $ti) (local.get $lj0) (local.get $tj0))
              (call $knnMask (local.get $a01) (local.get $li) (local.get $ti) (local.get $lj1) (local.get $tj1))))
            (local.set $li (v128.load64_splat offset=8 (i32.add (local.get $low) (local.get $p))))
            (local.set $ti (v128.load64_splat offset=8 (i32.add (local.get $thr) (local.get $p))))
            (local.set $m (v128.or (local.get $m) (v128.or
              (call $knnMask (local.get $a10) (local.get $li) (local.get $ti) (local.get $lj0) (local.get $tj0))
              (call $knnMask (local.get $a11) (local.get $li) (local.get $ti) (local.get $lj1) (local.get $tj1)))))
            (local.set $li (v128.load64_splat offset=16 (i32.add (local.get $low) (local.get $p))))
            (local.set $ti (v128.load64_splat offset=16 (i32.add (local.get $thr) (local.get $p))))
            (local.set $m (v128.or (local.get $m) (v128.or
              (call $knnMask (local.get $a20) (local.get $li) (local.get $ti) (local.get $lj0) (local.get $tj0))
              (call $knnMask (local.get $a21) (local.get $li) (local.get $ti) (local.get $lj1) (local.get $tj1)))))
            (local.set $li (v128.load64_splat offset=24 (i32.add (local.get $low) (local.get $p))))
            (local.set $ti (v128.load64_splat offset=24 (i32.add (local.get $thr) (local.get $p))))
            (local.set $m (v128.or (local.get $m) (v128.or
              (call $knnMask (local.get $a30) (local.get $li) (local.get $ti) (local.get $lj0) (local.get $tj0))
              (call $knnMask (local.get $a31) (local.get $li) (local.get $ti) (local.get $lj1) (local.get $tj1)))))
            (if (v128.any_true (local.get $m))
              (then
                (local.set $count (call $knnHalf (local.get $i) (local.get $j)
                  (local.get $a00) (local.get $a10) (local.get $a20) (local.get $a30)
                  (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))
                (local.set $count (call $knnHalf (local.get $i) (i32.add (local.get $j) (i32.const 2))
                  (local.get $a01) (local.get $a11) (local.get $a21) (local.get $a31)
                  (local.get $low) (local.get $thr) (local.get $cand) (local.get $count)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows)))
    (local.get $count))

  ;; One classical Gram–Schmidt pass of w against the `count` rows at $v (len doubles each,
  ;; consecutive): c = V w (count doubles at $c), then w -= Vᵀ c.
  (func (export "gs") (param $v i32) (param $count i32) (param $len i32) (param $w i32) (param $c i32)
    (local $r i32) (local $ld i32) (local $row i32) (local $cr i32)
    (local.set $ld (i32.shl (local.get $len) (i32.const 3)))
    ;; c = V w
    (local.set $row (local.get $v))
    (local.set $cr (local.get $c))
    (block $d4
      (loop $l4
        (br_if $d4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $count)))
        (call $dot4 (local.get $row) (local.get $ld) (local.get $w) (local.get $len) (local.get $cr))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 2))))
        (local.set $cr (i32.add (local.get $cr) (i32.const 32)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $l4)))
    (block $d1
      (loop $l1
        (br_if $d1 (i32.ge_u (local.get $r) (local.get $count)))
        (f64.store (local.get $cr) (call $dot (local.get $row) (local.get $w) (local.get $len)))
        (local.set $row (i32.add (local.get $row) (local.get $ld)))
        (local.set $cr (i32.add (local.get $cr) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $l1)))
    ;; w -= Vᵀ c
    (local.set $r (i32.const 0))
    (local.set $row (local.get $v))
    (local.set $cr (local.get $c))
    (block $e4
      (loop $m4
        (br_if $e4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $count)))
        (call $sub4 (local.get $row) (local.get $ld) (local.get $w) (local.get $len) (local.get $cr))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 2))))
        (local.set $cr (i32.add (local.get $cr) (i32.const 32)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $m4)))
    (block $e1
      (loop $m1
        (br_if $e1 (i32.ge_u (local.get $r) (local.get $count)))
        (call $axpy (local.get $w) (local.get $row) (f64.neg (f64.load (local.get $cr))) (local.get $len))
        (local.set $row (i32.add (local.get $row) (local.get $ld)))
        (local.set $cr (i32.add (local.get $cr) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $m1))))
)
