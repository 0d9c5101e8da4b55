// Preload (`node --import`) that records every module URL the process resolves into the file named by
// RECORD_IMPORTS_FILE, so a test can prove a command never loaded a package.
import { register } from 'node:module';

register('./recordImportsHooks.mjs', import.meta.url, { data: { file: process.env.RECORD_IMPORTS_FILE } });
