/**
 * `certmonitor` command-line entry point: runs the command tree (program.ts) and turns usage errors into
 * exit status 2 (README, Command line).
 */
import { CommanderError } from 'commander';
import { type CommandRunner, EXIT_USAGE } from './command.ts';
import { buildProgram } from './program.ts';
import { UsageError } from './usageError.ts';

/** Runs the CLI with the given arguments (without `node` and the script) and resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const runner: CommandRunner = async (run) => {
    exitCode = await run();
  };
  try {
    await buildProgram(runner).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`certmonitor: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
