/**
 * The analysis worker enables the kernels' helper thread lazily (src/node/kernelThreads.ts):
 * nothing starts for small products (spectral mode never starts it); the first product
 * worth splitting starts it, and the products after it are split. Its own file: a fresh
 * process without an eagerly started helper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/numerics/rng';
import { gram } from '../../src/core/numerics/dense';
import { kernelHelperReady, kernels } from '../../src/core/numerics/dense/kernels';
import { enableKernelThreads, kernelThreadsReady } from '../../src/node/kernelThreads';
import { randn } from './support/matrices';

test('the helper thread starts on the first product worth splitting, not before', async () => {
  enableKernelThreads();
  assert.equal(kernels().name, 'wasm-fma', 'relaxed SIMD turned on before the kernels were compiled');
  const rng = new Rng(3);
  gram(randn(rng, 100, 40)); // 8e4 multiply-adds: stays on this thread
  assert.equal(await kernelThreadsReady(200), false, 'no helper for a small product');
  const big = randn(rng, 1200, 160); // 1.5e7 multiply-adds: worth splitting
  const first = gram(big);
  assert.equal(await kernelThreadsReady(), true, 'the helper started and is waiting');
  assert.equal(kernelHelperReady(), true);
  const second = gram(big); // split between the two threads
  assert.deepEqual(second.data, first.data);
});
