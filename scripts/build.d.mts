// Types of scripts/build.mjs for the TypeScript that imports it (the benchmarks).
import type { BuildOptions } from 'esbuild';

/** Packages loaded from node_modules at run time. */
export declare const EXTERNAL: readonly string[];
/** The esbuild options of the product. */
export declare const PRODUCT_OPTIONS: BuildOptions;
/** Builds dist/. */
export declare function buildProduct(): Promise<void>;
