;; Vector kernels of the Lanczos iteration (../lanczos.ts) in WebAssembly SIMD (f64x2),
;; assembled at build time (esbuild.config.mjs) and loaded by ../vectorKernels.ts. The
;; basis lives in this module's own memory; all pointers are byte offsets into it and the
;; caller (JS) owns the layout. Lengths are in doubles.
;;
;; - gs: one classical Gram–Schmidt pass against `count` rows (c = V w, w -= Vᵀ c), four
;;   rows per sweep over w: the reorthogonalisation that dominates a Lanczos step;
;; - dot, nrm2sq, axpy, scal: the three-term recurrence and the normalisation;
;; - csrmv, vmul, dxpby: the graph operators, y = A x for a CSR matrix (i32 row pointers and
;;   columns, f64 values) and the diagonal scalings around it.
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
