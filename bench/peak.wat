;; The machine's peak for the product's micro-kernel (bench/gramBench.ts): twelve independent
;; f64x2 accumulators updated in registers, no memory traffic, as fused multiply-adds
;; (relaxed SIMD; the build's plain variant turns them into a multiply then an add) and as a
;; multiply then an add. Twelve chains cover the latency of either (4 cycles at 2 per cycle).
(module
  (func (export "fma") (param $n i32) (param $x f64) (result f64)
    (local $a v128) (local $b v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local $c6 v128) (local $c7 v128) (local $c8 v128) (local $c9 v128) (local $c10 v128) (local $c11 v128)
    (local.set $a (f64x2.splat (local.get $x)))
    (local.set $b (f64x2.splat (f64.const 0.999999)))
    (loop $l
      ;; c = c b + a: each chain depends on itself only
      (local.set $c0 (f64x2.relaxed_madd (local.get $c0) (local.get $b) (local.get $a)))
      (local.set $c1 (f64x2.relaxed_madd (local.get $c1) (local.get $b) (local.get $a)))
      (local.set $c2 (f64x2.relaxed_madd (local.get $c2) (local.get $b) (local.get $a)))
      (local.set $c3 (f64x2.relaxed_madd (local.get $c3) (local.get $b) (local.get $a)))
      (local.set $c4 (f64x2.relaxed_madd (local.get $c4) (local.get $b) (local.get $a)))
      (local.set $c5 (f64x2.relaxed_madd (local.get $c5) (local.get $b) (local.get $a)))
      (local.set $c6 (f64x2.relaxed_madd (local.get $c6) (local.get $b) (local.get $a)))
      (local.set $c7 (f64x2.relaxed_madd (local.get $c7) (local.get $b) (local.get $a)))
      (local.set $c8 (f64x2.relaxed_madd (local.get $c8) (local.get $b) (local.get $a)))
      (local.set $c9 (f64x2.relaxed_madd (local.get $c9) (local.get $b) (local.get $a)))
      (local.set $c10 (f64x2.relaxed_madd (local.get $c10) (local.get $b) (local.get $a)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $c11) (local.get $b) (local.get $a)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f64x2.extract_lane 0
      (f64x2.add (f64x2.add (f64x2.add (f64x2.add (local.get $c0) (local.get $c1)) (f64x2.add (local.get $c2) (local.get $c3)))
                            (f64x2.add (f64x2.add (local.get $c4) (local.get $c5)) (f64x2.add (local.get $c6) (local.get $c7))))
                 (f64x2.add (f64x2.add (local.get $c8) (local.get $c9)) (f64x2.add (local.get $c10) (local.get $c11))))))

  (func (export "muladd") (param $n i32) (param $x f64) (result f64)
    (local $a v128) (local $b v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local $c6 v128) (local $c7 v128) (local $c8 v128) (local $c9 v128) (local $c10 v128) (local $c11 v128)
    (local.set $a (f64x2.splat (local.get $x)))
    (local.set $b (f64x2.splat (f64.const 0.999999)))
    (loop $l
      (local.set $c0 (f64x2.add (f64x2.mul (local.get $c0) (local.get $b)) (local.get $a)))
      (local.set $c1 (f64x2.add (f64x2.mul (local.get $c1) (local.get $b)) (local.get $a)))
      (local.set $c2 (f64x2.add (f64x2.mul (local.get $c2) (local.get $b)) (local.get $a)))
      (local.set $c3 (f64x2.add (f64x2.mul (local.get $c3) (local.get $b)) (local.get $a)))
      (local.set $c4 (f64x2.add (f64x2.mul (local.get $c4) (local.get $b)) (local.get $a)))
      (local.set $c5 (f64x2.add (f64x2.mul (local.get $c5) (local.get $b)) (local.get $a)))
      (local.set $c6 (f64x2.add (f64x2.mul (local.get $c6) (local.get $b)) (local.get $a)))
      (local.set $c7 (f64x2.add (f64x2.mul (local.get $c7) (local.get $b)) (local.get $a)))
      (local.set $c8 (f64x2.add (f64x2.mul (local.get $c8) (local.get $b)) (local.get $a)))
      (local.set $c9 (f64x2.add (f64x2.mul (local.get $c9) (local.get $b)) (local.get $a)))
      (local.set $c10 (f64x2.add (f64x2.mul (local.get $c10) (local.get $b)) (local.get $a)))
      (local.set $c11 (f64x2.add (f64x2.mul (local.get $c11) (local.get $b)) (local.get $a)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f64x2.extract_lane 0
      (f64x2.add (f64x2.add (f64x2.add (f64x2.add (local.get $c0) (local.get $c1)) (f64x2.add (local.get $c2) (local.get $c3)))
                            (f64x2.add (f64x2.add (local.get $c4) (local.get $c5)) (f64x2.add (local.get $c6) (local.get $c7))))
                 (f64x2.add (f64x2.add (local.get $c8) (local.get $c9)) (f64x2.add (local.get $c10) (local.get $c11))))))
)
