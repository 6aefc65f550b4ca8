/** Status codes the core returns in place of a slot or a length (assembly/index.ts). */
export const FULL = -1;
export const TOO_BIG = -2;
export const CLOSED = -3;
export const EMPTY = -4;
export const CORRUPT = -5;
export const BUSY = -6;
export const BAD_SHAPE = -7;
