/**
 * Injected into the browser build of the analysis worker (esbuild `inject`): the two Node
 * globals src/worker/worker.ts uses, on Web Worker APIs.
 */
type Handler = (err: unknown) => void;

const scope = globalThis as unknown as { addEventListener(type: string, listener: (e: Event) => void): void };

export function setImmediate(f: () => void): void {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    f();
  };
  ch.port2.postMessage(0);
}

export const process = {
  on(event: 'uncaughtException' | 'unhandledRejection', handler: Handler): void {
    if (event === 'uncaughtException') scope.addEventListener('error', (e) => handler((e as ErrorEvent).error ?? (e as ErrorEvent).message));
    else scope.addEventListener('unhandledrejection', (e) => handler((e as PromiseRejectionEvent).reason));
  },
  env: {} as Record<string, string | undefined>,
};
