/** `certmonitor check` (placeholder until implemented). */
import type { Command } from 'commander';
import type { CommandRunner } from './main.ts';

/** Registers the `check` subcommand. */
export function registerCheck(program: Command, runner: CommandRunner): void {
  program
    .command('check')
    .description('not implemented yet')
    .allowUnknownOption()
    .action(() => runner(async () => 2));
}
