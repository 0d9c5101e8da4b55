/** `certmonitor gateway` (placeholder until implemented). */
import type { Command } from 'commander';
import type { CommandRunner } from './main.ts';

/** Registers the `gateway` subcommand. */
export function registerGateway(program: Command, runner: CommandRunner): void {
  program
    .command('gateway')
    .description('not implemented yet')
    .allowUnknownOption()
    .action(() => runner(async () => 2));
}
