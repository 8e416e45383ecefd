/**
 * The browser build's src/node/kernelThreads.ts: no helper thread. The dense kernels run
 * single-threaded (src/core/numerics/dense/kernels.ts falls back to one thread, and to scalar
 * JS without WebAssembly SIMD or SharedArrayBuffer).
 */
export function enableKernelThreads(): void {}
export function startKernelThreads(): void {}
export function kernelThreadsReady(): Promise<boolean> {
  return Promise.resolve(false);
}
