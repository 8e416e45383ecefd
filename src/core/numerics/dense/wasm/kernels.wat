;; Dense kernels in WebAssembly SIMD (f64x2), assembled at build time (esbuild.config.mjs)
;; and loaded by ../kernels.ts. All pointers are byte offsets into the shared memory; the
;; caller (JS) owns the layout. They carry almost all of the O(n d^2) and O(d^3) work of
;; the solvers (the speed target of docs/architecture.md §5):
;;
;; - panels: C[4p.., 4q..] += A_p^T B_q for packed 4-wide column panels of kc rows
;;   (the GEMM/SYRK micro-kernel: a 4x4 register block = 8 f64x2 accumulators, which
;;   with the 2 B loads and 1 splat stays inside the 16 xmm registers of x86-64);
;; - trirow / trisweep: the fused rank-2 update + symmetric mat-vec of the Householder
;;   tridiagonalisation (tridiagonalize in ../eigen.ts), one row / one whole step;
;; - trsml: forward substitution with a small lower-triangular block (blocked Cholesky
;;   and triangular solves in ../factor.ts);
;; - reflect: a Householder reflector applied to rows (backTransformRows in ../eigen.ts).
(module
  ;; shared, so a helper thread (../kernels.ts, HELPER_SOURCE) can run $panels on the same
  ;; packed operands; 32768 pages = 2 GiB, the heap limit of kernels.ts
  (import "env" "memory" (memory 1 32768 shared))

  ;; C (row stride ldc bytes) 4x4 block at $c += sum over kc rows of a[r][0..3]^T b[r][0..3];
  ;; a and b are kc x 4 row-major panels (32 bytes per row).
  (func $mk4x4 (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc i32)
    (local $end i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (loop $r
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load64_splat (local.get $a)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=8 (local.get $a)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=16 (local.get $a)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=24 (local.get $a)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $r (i32.lt_u (local.get $a) (local.get $end))))))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c00)))
    (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c10)))
    (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c20)))
    (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c30)))
    (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c31))))

  ;; For panel pairs p in [p0, p1), q in [upper ? p : 0, nq): the 4x4 block (p, q) of C
  ;; (row-major, 4 nq doubles per row) += panelA_p^T panelB_q. Panels are kc x 4, stored
  ;; one after another (32 kc bytes each) from $pa and $pb.
  (func $panels (param $pa i32) (param $pb i32) (param $kc i32) (param $nq i32)
        (param $c i32) (param $upper i32) (param $p0 i32) (param $p1 i32)
    (local $p i32) (local $q i32) (local $stride i32) (local $ldc i32) (local $crow i32)
    (local.set $stride (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $ldc (i32.shl (local.get $nq) (i32.const 5)))
    (local.set $p (local.get $p0))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $p) (local.get $p1)))
        (local.set $q (select (local.get $p) (i32.const 0) (local.get $upper)))
        ;; row block p of C starts 4 rows down per panel: 4 * p * ldc bytes
        (local.set $crow (i32.add (local.get $c) (i32.mul (i32.shl (local.get $p) (i32.const 2)) (local.get $ldc))))
        (block $qdone
          (loop $lq
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $nq)))
            (call $mk4x4
              (i32.add (local.get $pa) (i32.mul (local.get $p) (local.get $stride)))
              (i32.add (local.get $pb) (i32.mul (local.get $q) (local.get $stride)))
              (local.get $kc)
              (i32.add (local.get $crow) (i32.shl (local.get $q) (i32.const 5)))
              (local.get $ldc))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $lq)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $lp))))

  ;; $panels over `chunks` consecutive chunks of packed rows (chunk ch of A at
  ;; pa + 32 kc np ch, of B at pb + 32 kc nq ch): one call, and one fork/join with the
  ;; helper thread, for a whole product.
  (func (export "panels") (param $pa i32) (param $pb i32) (param $kc i32) (param $chunks i32)
        (param $np i32) (param $nq i32) (param $c i32) (param $upper i32) (param $p0 i32) (param $p1 i32)
    (local $ch i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $ch) (local.get $chunks)))
        (call $panels
          (i32.add (local.get $pa) (i32.mul (local.get $ch) (i32.shl (i32.mul (local.get $kc) (local.get $np)) (i32.const 5))))
          (i32.add (local.get $pb) (i32.mul (local.get $ch) (i32.shl (i32.mul (local.get $kc) (local.get $nq)) (i32.const 5))))
          (local.get $kc) (local.get $nq) (local.get $c) (local.get $upper) (local.get $p0) (local.get $p1))
        (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
        (br $each))))

  ;; One row of the fused tridiagonalisation pass, over j = 0..len-1 (pointers already at
  ;; column i+1 of row i):  a_j -= vi p_j + wi v_j;  acc += a_j u_j;  q_j += a_j ui.
  ;; Returns acc. Loads are unaligned-safe (rows start at odd columns).
  (func $trirow (export "trirow") (param $a i32) (param $len i32) (param $vi f64) (param $wi f64) (param $ui f64)
        (param $p i32) (param $v i32) (param $u i32) (param $q i32) (result f64)
    (local $end i32) (local $vv v128) (local $ww v128) (local $uu v128) (local $acc v128)
    (local $x v128) (local $s f64) (local $t f64)
    (local.set $vv (f64x2.splat (local.get $vi)))
    (local.set $ww (f64x2.splat (local.get $wi)))
    (local.set $uu (f64x2.splat (local.get $ui)))
    ;; end of the paired part: a + 16 * floor(len / 2)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (loop $j
          (local.set $x
            (f64x2.sub (v128.load (local.get $a))
              (f64x2.add (f64x2.mul (local.get $vv) (v128.load (local.get $p)))
                         (f64x2.mul (local.get $ww) (v128.load (local.get $v))))))
          (v128.store (local.get $a) (local.get $x))
          (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $x) (v128.load (local.get $u)))))
          (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.mul (local.get $x) (local.get $uu))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $v (i32.add (local.get $v) (i32.const 16)))
          (local.set $u (i32.add (local.get $u) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $a) (local.get $end))))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $t
          (f64.sub (f64.load (local.get $a))
            (f64.add (f64.mul (local.get $vi) (f64.load (local.get $p)))
                     (f64.mul (local.get $wi) (f64.load (local.get $v))))))
        (f64.store (local.get $a) (local.get $t))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (f64.load (local.get $u)))))
        (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (f64.mul (local.get $t) (local.get $ui))))))
    (local.get $s))
;; y[0..len) -= c x[0..len)
  (func $axpy (param $y i32) (param $x i32) (param $c f64) (param $len i32)
    (local $end i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (loop $j
          (v128.store (local.get $y)
            (f64x2.sub (v128.load (local.get $y)) (f64x2.mul (local.get $cc) (v128.load (local.get $x)))))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $y) (local.get $end))))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $y)
        (f64.sub (f64.load (local.get $y)) (f64.mul (local.get $c) (f64.load (local.get $x))))))))

  ;; y[0..len) *= c
  (func $scal (param $y i32) (param $c f64) (param $len i32)
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

  ;; sum over [0, len) of x_i y_i
  (func $dot (param $x i32) (param $y i32) (param $len i32) (result f64)
    (local $end i32) (local $acc v128) (local $s f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 4))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $j
          (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br_if $j (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (result f64) (i32.and (local.get $len) (i32.const 1))
      (then (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
      (else (local.get $s))))

  ;; Forward substitution with a small lower-triangular block: the nb rows of x (len
  ;; doubles each, row stride ldx bytes) become L^{-1} x, L nb x nb (row stride ldl bytes).
  (func (export "trsml") (param $l i32) (param $ldl i32) (param $x i32) (param $ldx i32) (param $nb i32) (param $len i32)
    (local $i i32) (local $p i32) (local $li i32) (local $xi i32) (local $c f64)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $nb)))
        (local.set $li (i32.add (local.get $l) (i32.mul (local.get $i) (local.get $ldl))))
        (local.set $xi (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $ldx))))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $ps
            (br_if $pdone (i32.ge_u (local.get $p) (local.get $i)))
            (local.set $c (f64.load (i32.add (local.get $li) (i32.shl (local.get $p) (i32.const 3)))))
            (if (f64.ne (local.get $c) (f64.const 0))
              (then (call $axpy (local.get $xi) (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $ldx))) (local.get $c) (local.get $len))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ps)))
        (call $scal (local.get $xi)
          (f64.div (f64.const 1) (f64.load (i32.add (local.get $li) (i32.shl (local.get $i) (i32.const 3)))))
          (local.get $len))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Householder reflector on count rows (len doubles from $rows, row stride ldr bytes):
  ;; r -= beta (v . r) v.
  (func (export "reflect") (param $v i32) (param $beta f64) (param $rows i32) (param $ldr i32) (param $count i32) (param $len i32)
    (local $r i32) (local $t f64)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $t (f64.mul (local.get $beta) (call $dot (local.get $v) (local.get $rows) (local.get $len))))
        (if (f64.ne (local.get $t) (f64.const 0))
          (then (call $axpy (local.get $rows) (local.get $v) (local.get $t) (local.get $len))))
        (local.set $rows (i32.add (local.get $rows) (local.get $ldr)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each))))

  ;; The whole fused pass of one step over rows i = i0..n-1 of the n x n matrix at $a (one
  ;; call per step instead of one per row): v and u are the rows of the current and next
  ;; reflectors (addresses of column 0), w at $p, q accumulating the next mat-vec:
  ;; a_ii -= 2 v_i w_i, then $trirow on j > i, q_i += a_ii u_i + acc.
  (func (export "trisweep") (param $a i32) (param $n i32) (param $i0 i32) (param $v i32) (param $u i32)
        (param $p i32) (param $q i32)
    (local $i i32) (local $off i32) (local $aii i32) (local $vi f64) (local $wi f64) (local $ui f64) (local $x f64)
    (local.set $i (local.get $i0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 3)))
        (local.set $aii (i32.add (local.get $a)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $i)) (i32.const 3))))
        (local.set $vi (f64.load (i32.add (local.get $v) (local.get $off))))
        (local.set $wi (f64.load (i32.add (local.get $p) (local.get $off))))
        (local.set $ui (f64.load (i32.add (local.get $u) (local.get $off))))
        (local.set $x (f64.sub (f64.load (local.get $aii))
          (f64.mul (f64.const 2) (f64.mul (local.get $vi) (local.get $wi)))))
        (f64.store (local.get $aii) (local.get $x))
        (f64.store (i32.add (local.get $q) (local.get $off))
          (f64.add (f64.load (i32.add (local.get $q) (local.get $off)))
            (f64.add (f64.mul (local.get $x) (local.get $ui))
              (call $trirow
                (i32.add (local.get $aii) (i32.const 8))
                (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 1))
                (local.get $vi) (local.get $wi) (local.get $ui)
                (i32.add (i32.add (local.get $p) (local.get $off)) (i32.const 8))
                (i32.add (i32.add (local.get $v) (local.get $off)) (i32.const 8))
                (i32.add (i32.add (local.get $u) (local.get $off)) (i32.const 8))
                (i32.add (i32.add (local.get $q) (local.get $off)) (i32.const 8))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
)
