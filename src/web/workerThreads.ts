/**
 * The browser build's stand-in for `node:worker_threads` inside the analysis worker
 * (src/worker/worker.ts runs as a Web Worker there; esbuild.config.mjs redirects the import):
 * `parentPort` on the worker's global scope.
 */
type Handler = (value: unknown) => void;

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (e: MessageEvent) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

export const parentPort = {
  postMessage(message: unknown): void {
    scope.postMessage(message);
  },
  on(event: 'message' | 'messageerror', handler: Handler): void {
    scope.addEventListener(event, (e: MessageEvent) => handler(event === 'message' ? e.data : new Error('message could not be deserialised')));
  },
};

export const isMainThread = false;
