/**
 * The browser build's src/node/readCapped.ts: a Web Worker has no file system. Every
 * request of the browser build carries the files the host read (`files`, see
 * src/shared/workerProtocol.ts), so these are never reached.
 */
export class FileTooLargeError extends Error {}

function unavailable(absPath: string): never {
  throw new Error(`${absPath}: files are read by the editor in the browser, not by the worker`);
}

export function readFileCapped(absPath: string, _limit: number, _hint = ''): Uint8Array {
  return unavailable(absPath);
}

export function fileSizeOf(absPath: string): number {
  return unavailable(absPath);
}

export function readRangeCapped(absPath: string, _position: number, _length: number, _limit: number, _into?: Uint8Array): Uint8Array {
  return unavailable(absPath);
}
