export * from './moments';
export * from './supervised';
export * from './reconstruction';
export * from './jointEmbedding';
export { checkK, choleskyOfS } from './common';
