/** The syslog sinks of the configuration (docs/gateway.md, Configuration reference: `syslog[]`). */
import type { SyslogSinkConfig } from '../config/gatewayConfig.ts';
import { GatewayConfigError } from '../gatewayErrors.ts';
import { FileSyslogSink } from './fileSyslogSink.ts';
import { StreamSyslogSink } from './streamSyslogSink.ts';
import type { SyslogSink } from './syslogSink.ts';
import { UdpSyslogSink } from './udpSyslogSink.ts';

/** Builds the sinks of the configuration; a file or CA that cannot be opened is refused naming the key. */
export function createSyslogSinks(configs: readonly SyslogSinkConfig[]): SyslogSink[] {
  return configs.map((c, i) => {
    try {
      return createSink(c);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const key = c.transport === 'file' ? 'file' : 'ca';
      throw new GatewayConfigError(`syslog[${i}].${key}: cannot be opened (${code})`, { cause: error });
    }
  });
}

function createSink(c: SyslogSinkConfig): SyslogSink {
  if (c.transport === 'file') return new FileSyslogSink(c.file, c.bufferLines);
  if (c.transport === 'udp') return new UdpSyslogSink(c.host, c.port, c.format);
  return new StreamSyslogSink({
    host: c.host,
    port: c.port,
    tls: c.transport === 'tls',
    format: c.format,
    framing: c.framing,
    bufferLines: c.bufferLines,
    rejectUnauthorized: c.rejectUnauthorized,
    ...(c.ca ? { ca: c.ca } : {}),
  });
}
