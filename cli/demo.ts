/**
 * `certmonitor demo` (what `npm start` runs): builds a small example fleet in a temporary directory (one
 * appliance per status worth seeing), runs one check over it with state in another temporary directory,
 * prints the catalogue lines and the summary, cleans up and exits 0 by itself.
 *
 * The steps are separate functions so the demonstration can grow (a local gateway and trap receiver
 * passed in as {@link DemoOptions.gateway}) without changing how the fleet is made or checked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CheckConfig, GatewayConfig } from '../app/checkConfig.ts';
import { DEFAULT_SETTINGS } from '../core/types.ts';
import { DEMO_APPLIANCES, makeDemoFleet } from '../examples/demoFleet.ts';
import { type CheckIo, runCheckCommand } from './check.ts';
import type { CommandRunner } from './main.ts';

/** What the demonstration runs against. */
export interface DemoOptions {
  /** A gateway to forward to; absent: evaluate and log only. */
  readonly gateway?: GatewayConfig;
  /** The demo's evaluation instant (default: the clock). */
  readonly now?: Date;
}

/** The demo's temporary directories. */
export interface DemoWorkspace {
  readonly root: string;
  readonly fleet: string;
  readonly state: string;
}

/** Creates the temporary workspace and the example fleet in it. */
export async function prepareDemo(now: Date): Promise<DemoWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-demo-'));
  const workspace = { root, fleet: path.join(root, 'fleet'), state: path.join(root, 'state') };
  await makeDemoFleet(workspace.fleet, now);
  return workspace;
}

/** The check configuration of the demo: the example fleet, its own state, the default settings. */
export function demoConfig(workspace: DemoWorkspace, gateway?: GatewayConfig): CheckConfig {
  return {
    source: `dir:${workspace.fleet}`,
    state: `dir:${workspace.state}`,
    settings: DEFAULT_SETTINGS,
    // One at a time, so the lines come out in the fleet's order.
    concurrency: 1,
    ...(gateway ? { gateway } : {}),
  };
}

/** Runs the demonstration and resolves to its exit status (0 unless something is broken). */
export async function demo(io: CheckIo, options: DemoOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const workspace = await prepareDemo(now);
  try {
    io.stdout.write(
      `certmonitor demo: a fleet of ${DEMO_APPLIANCES.length} example appliances (valid, expiring, expired, missing, invalid; one discovered outside the inventory)\n`,
    );
    io.stdout.write(
      options.gateway
        ? `checking it as of ${now.toISOString()} and forwarding to the gateway at ${new URL(options.gateway.url).origin}\n\n`
        : `checking it as of ${now.toISOString()} without a gateway (evaluate and log only)\n\n`,
    );
    const status = await runCheckCommand(demoConfig(workspace, options.gateway), { now, json: false }, io);
    io.stdout.write(
      '\nTry it on your own fleet: certmonitor check --source dir:FLEET --state dir:STATE [--json] [--now ISO]\n',
    );
    return options.gateway ? status : 0;
  } finally {
    await rm(workspace.root, { recursive: true, force: true });
  }
}

/** Registers the `demo` subcommand. */
export function registerDemo(program: Command, runner: CommandRunner): void {
  program
    .command('demo')
    .description('demonstration on an example fleet made in a temporary directory (ends by itself)')
    .action(() => runner(() => demo({ stdout: process.stdout, stderr: process.stderr, env: process.env })));
}
