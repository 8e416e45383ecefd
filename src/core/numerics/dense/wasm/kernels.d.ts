// `*.wat` modules are assembled to WebAssembly by the build (esbuild.config.mjs) and
// imported as their bytes.
declare module '*.wat' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
