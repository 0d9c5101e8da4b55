/** `certmonitor inspect` (placeholder until implemented). */
import type { Command } from 'commander';
import type { CommandRunner } from './main.ts';

/** Registers the `inspect` subcommand. */
export function registerInspect(program: Command, runner: CommandRunner): void {
  program
    .command('inspect')
    .description('not implemented yet')
    .allowUnknownOption()
    .action(() => runner(async () => 2));
}
