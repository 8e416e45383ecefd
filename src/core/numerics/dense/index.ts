export * from './matrix';
export * from './eigen';
export * from './factor';
