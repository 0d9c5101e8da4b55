/** `certmonitor trap` (placeholder until implemented). */
import type { Command } from 'commander';
import type { CommandRunner } from './main.ts';

/** Registers the `trap` subcommand. */
export function registerTrap(program: Command, runner: CommandRunner): void {
  program
    .command('trap')
    .description('not implemented yet')
    .allowUnknownOption()
    .action(() => runner(async () => 2));
}
