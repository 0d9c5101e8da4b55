/**
 * `certmonitor` command-line entry point: runs the command tree (program.ts) and turns usage errors into
 * exit status 2, or 3 (UNKNOWN) for `inspect`, which monitoring agents run as a plugin (README, Command line).
 */
import { CommanderError } from 'commander';
import { type CommandRunner, EXIT_USAGE } from './command.ts';
import { EXIT_PLUGIN_UNKNOWN, pluginUsageLine } from './pluginLine.ts';
import { buildProgram } from './program.ts';
import { UsageError } from './usageError.ts';

/**
 * How a usage error ends: `inspect` follows the monitoring-plugin guidelines (UNKNOWN, and with `--plugin`
 * the UNKNOWN line on stdout, where the agent reads it); every other subcommand exits 2.
 */
function usageFailure(argv: readonly string[], message: string): number {
  if (argv[0] !== 'inspect') return EXIT_USAGE;
  if (argv.includes('--plugin')) process.stdout.write(pluginUsageLine(message));
  return EXIT_PLUGIN_UNKNOWN;
}

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
      // --help and --version are not errors; commander has already printed its message on stderr.
      return error.exitCode === 0 ? 0 : usageFailure(argv, error.message.replace(/^error: /, ''));
    }
    if (error instanceof UsageError) {
      process.stderr.write(`certmonitor: ${error.message}\n`);
      return usageFailure(argv, error.message);
    }
    throw error;
  }
}
