/**
 * The browser build's stand-in for `node:worker_threads` in the extension host
 * (esbuild.config.mjs redirects the import of src/host/solver/workerProcess.ts here): the subset of
 * `Worker` the solver client uses, on a Web Worker. The script URL comes from
 * src/host/platform.web.ts; when the extension host may not start a worker from that URL
 * directly (another origin), the script is fetched and started from a Blob URL.
 */
type Listener = (value: never) => void;

/** What the worker process (src/host/solver/workerProcess.ts) reads of a worker's stdout/stderr: a Web Worker has none. */
const silentStream = { setEncoding: () => silentStream, on: () => silentStream };

let nextThreadId = 1;

export class Worker {
  readonly threadId = nextThreadId++;
  readonly stdout = silentStream;
  readonly stderr = silentStream;
  private worker: globalThis.Worker | undefined;
  private readonly queued: unknown[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  private ended = false;

  constructor(url: string, options: { name?: string } = {}) {
    try {
      this.attach(new globalThis.Worker(url, { name: options.name }));
    } catch {
      void fetch(url)
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))))
        .then((source) => {
          if (this.ended) return;
          const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          this.attach(new globalThis.Worker(blobUrl, { name: options.name }));
        })
        .catch((err: unknown) => this.fail(err));
    }
  }

  on(event: 'message' | 'error' | 'exit', listener: (value: never) => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  postMessage(message: unknown): void {
    if (this.ended) return;
    if (this.worker) this.worker.postMessage(message);
    else this.queued.push(message);
  }

  terminate(): Promise<number> {
    this.ended = true;
    this.worker?.terminate();
    return Promise.resolve(0);
  }

  private attach(w: globalThis.Worker): void {
    this.worker = w;
    w.onmessage = (e: MessageEvent) => this.emit('message', e.data);
    w.onmessageerror = () => this.emit('error', new Error('a message from the worker could not be deserialised'));
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.fail(new Error(e.message || 'the worker failed'));
    };
    for (const m of this.queued.splice(0)) w.postMessage(m);
  }

  /** A worker that cannot start or dies: like a crashed worker thread (`error`, then `exit`). */
  private fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.worker?.terminate();
    this.emit('error', err instanceof Error ? err : new Error(String(err)));
    this.emit('exit', 1);
  }

  private emit(event: string, value: unknown): void {
    for (const l of this.listeners.get(event) ?? []) (l as (v: unknown) => void)(value);
  }
}
