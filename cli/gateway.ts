/**
 * `certmonitor gateway --config FILE`: runs the on-prem SNMP gateway in the foreground until SIGINT,
 * SIGTERM or SIGABRT; SIGHUP reopens the lunalogs file. A crash writes a stack dump to `crashDir`.
 */
import type { GatewayConfig } from '../gateway/config/gatewayConfig.ts';
import { loadGatewayConfig } from '../gateway/config/loadGatewayConfig.ts';
import { reportCrash } from '../gateway/crashDump.ts';
import { GatewayConfigError } from '../gateway/gatewayErrors.ts';
import { startGateway } from '../gateway/gatewayRuntime.ts';
import { EXIT_CRASH } from './command.ts';
import { UsageError } from './usageError.ts';

/** Loads the gateway configuration, turning its errors into usage errors (exit 2). */
export function loadConfigOrUsageError(file: string): GatewayConfig {
  try {
    return loadGatewayConfig(file);
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Runs the gateway in the foreground until a signal stops it; resolves to the exit status. */
export async function runGateway(file: string): Promise<number> {
  const config = loadConfigOrUsageError(file);
  // A fatal V8 error (out of memory, …) cannot run JS handlers; Node's diagnostic report still lands here.
  process.report.directory = config.crashDir;
  process.report.reportOnFatalError = true;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, { consoleMode: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  process.stderr.write(`certmonitor gateway: listening on ${gateway.url}\n`);
  const crash = (error: unknown) => {
    reportCrash(config.crashDir, error, gateway.writer);
    // Give the syslog sockets a moment to flush the crash line, then leave without running more code.
    setTimeout(() => process.exit(EXIT_CRASH), 200).unref();
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('SIGHUP', () => gateway.writer.reopenFiles());
  return new Promise<number>((resolve) => {
    const onSignal = () => {
      gateway.stop().then(
        () => resolve(0),
        (error: unknown) => {
          crash(error);
          resolve(EXIT_CRASH);
        },
      );
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGABRT'] as const) process.once(s, onSignal);
  });
}
