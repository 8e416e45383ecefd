export * from './csr';
export * from './components';
export * from './knn';
export * from './lanczos';
export * from './graphSpectrum';
export * from './vectorKernels';
