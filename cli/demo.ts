/** `certmonitor demo` (placeholder until implemented). */
import type { Command } from 'commander';
import type { CommandRunner } from './main.ts';

/** Registers the `demo` subcommand. */
export function registerDemo(program: Command, runner: CommandRunner): void {
  program
    .command('demo')
    .description('not implemented yet')
    .allowUnknownOption()
    .action(() => runner(async () => 2));
}
