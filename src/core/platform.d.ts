// The few host APIs that src/core uses. tsconfig.core.json compiles the core without the DOM
// library and without @types/node, so that neither a browser-only nor a Node-only API slips in;
// what it does need, and what both Node >= 20 and browsers provide, is declared here (the
// subset used, nothing more). Only tsconfig.core.json includes this file: the other
// configurations get the full declarations from the DOM library or @types/node.

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface AbortSignal {
  readonly aborted: boolean;
}

declare function setTimeout(callback: () => void, ms?: number): unknown;

declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
