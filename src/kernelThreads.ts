/**
 * Starts the helper thread of the dense kernels (src/core/linalg/kernels.ts): a second
 * core for the packed products (the Gram X^T X dominates a data-mode analysis). Node
 * glue kept out of src/core, which never spawns threads. Called by the entry points that
 * run the engine (the `sslexp` CLI, the analysis worker, the benchmark); idempotent. The
 * thread is unref'd: it never keeps a process alive, and it ends with the thread that
 * started it (the analysis worker is terminated on deactivate).
 */
import { Worker } from 'node:worker_threads';
import { HELPER_SOURCE, kernelHelperLink, kernelHelperReady } from './core/linalg/kernels';

let started: Worker | undefined;

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
