/**
 * `certmonitor` command-line entry point: parses arguments with commander and dispatches to one module
 * per subcommand. Usage errors exit 2 (README, Command line).
 */
import { Command, CommanderError } from 'commander';
import { registerCheck } from './check.ts';
import { registerDemo } from './demo.ts';
import { registerGateway } from './gateway.ts';
import { registerInspect } from './inspect.ts';
import { registerTrap } from './trap.ts';
import { UsageError } from './usageError.ts';

/** Exit status for configuration and usage errors. */
export const EXIT_USAGE = 2;

/** A subcommand's action: resolves to the process exit status. */
export type CommandRunner = (run: () => Promise<number>) => Promise<void>;

/** Runs the CLI with the given arguments (without `node` and the script) and resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('certmonitor')
    .description('NTLS certificate expiry monitor for fleets of Luna Network HSM appliances')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const runner: CommandRunner = async (run) => {
    exitCode = await run();
  };
  registerInspect(program, runner);
  registerCheck(program, runner);
  registerGateway(program, runner);
  registerTrap(program, runner);
  registerDemo(program, runner);
  try {
    await program.parseAsync([...argv], { from: 'user' });
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
