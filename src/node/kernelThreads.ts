/**
 * Starts the helper thread of the dense kernels (src/core/linalg/kernels.ts): a second
 * core for the packed products (the Gram X^T X dominates a data-mode analysis). Node
 * glue kept out of src/core, which never spawns threads. The entry points that run the
 * engine call `enableKernelThreads` (the analysis worker) or `startKernelThreads` (the
 * one-shot `sslexp analyze` and `simulate`); enabled, the thread
 * starts only when a product is first large enough to split (a spectral-mode analysis
 * never starts it); the benchmark and tests start it eagerly. The thread is unref'd: it
 * never keeps a process alive, and it ends with the thread that started it (the
 * analysis worker is terminated on deactivate).
 */
import { Worker } from 'node:worker_threads';
import { HELPER_SOURCE, kernelHelperLink, kernelHelperReady, onKernelHelperWanted } from '../core/numerics/dense/kernels';

let started: Worker | undefined;

/** Starts the helper on the first product worth splitting (idempotent). */
export function enableKernelThreads(): void {
  onKernelHelperWanted(startKernelThreads);
}

/** Starts the helper now (idempotent). */
export function startKernelThreads(): void {
  if (started) return;
  const link = kernelHelperLink();
  if (!link) return; // scalar JS backend: nothing to share
  try {
    started = new Worker(HELPER_SOURCE, { eval: true, workerData: link });
    started.unref();
    // a helper that dies between jobs is no longer offered work (a death during a job is
    // caught by the timeout in kernels.ts)
    const ready = new Int32Array(link.control);
    const gone = (): void => void Atomics.store(ready, 1, 0);
    started.on('error', gone);
    started.on('exit', gone);
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
