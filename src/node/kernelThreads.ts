/**
 * Node glue of the dense kernels (src/core/numerics/dense/kernels.ts), kept out of
 * src/core, which never spawns threads nor sets engine flags:
 *
 * - `enableRelaxedSimd` turns on WebAssembly relaxed SIMD where this Node has it behind a
 *   flag (Node 20, V8 11.3), so that the product's micro-kernel uses fused multiply-add;
 * - the helper thread: a second core for the packed products (the Gram X^T X dominates a
 *   data-mode analysis). The entry points that run the engine call `enableKernelThreads`
 *   (the analysis worker) or `startKernelThreads` (the one-shot `sslexp analyze`, `moments`
 *   and `simulate`); enabled, the thread starts only when a product is first large enough
 *   to split (a spectral-mode analysis never starts it); the benchmark and tests start it
 *   eagerly. The thread is unref'd: it never keeps a process alive, and it ends with the
 *   thread that started it (the analysis worker is terminated on deactivate).
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import {
  HELPER_SOURCE,
  kernelHelperGone,
  kernelHelperLink,
  kernelHelperReady,
  kernelHelperStarting,
  onKernelHelperWanted,
} from '../core/numerics/dense/kernels';

/** (module (func (param v128 v128 v128) (result v128) (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))) */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b,
  0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x87, 0x02, 0x0b,
]);

/**
 * True when this runtime validates relaxed SIMD, after turning it on if it is only behind
 * V8's flag (V8 11.3, Node 20; it is on by default from V8 11.4, so Electron and newer Node
 * are left alone). Must run before the kernels are first used: the module is compiled then.
 */
export function enableRelaxedSimd(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(RELAXED_PROBE);
}

let started: Worker | undefined;

/** Starts the helper on the first product worth splitting (idempotent). */
export function enableKernelThreads(): void {
  enableRelaxedSimd();
  onKernelHelperWanted(startKernelThreads);
}

/** Starts the helper now (idempotent). */
export function startKernelThreads(): void {
  if (started) return;
  enableRelaxedSimd();
  const link = kernelHelperLink();
  if (!link) return; // scalar JS backend: nothing to share
  try {
    started = new Worker(HELPER_SOURCE, { eval: true, workerData: link });
    started.unref();
    // products are posted for it already: it joins the one running when it is ready
    kernelHelperStarting();
    // a helper that dies between jobs is no longer offered work (a death during a job is
    // caught by the timeout in kernels.ts)
    started.on('error', kernelHelperGone);
    started.on('exit', kernelHelperGone);
  } catch {
    started = undefined;
  }
}

/** Resolves true once the helper is waiting for work (false: no helper, or not within timeoutMs). */
export async function kernelThreadsReady(timeoutMs = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (started && !kernelHelperReady()) {
    if (Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return started !== undefined && kernelHelperReady();
}
