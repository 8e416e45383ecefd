// `*.wat` modules are assembled to WebAssembly by the build (esbuild.config.mjs) and
// imported as their bytes: `x.wat` without relaxed SIMD, `x.wat?relaxed` with it.
declare module '*.wat' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
declare module '*.wat?relaxed' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
