/**
 * The gateway's `GET /metrics` against real peers: traps delivered to Debian's snmptrapd, informs to a
 * UDP port that never answers (so they time out and are retried), a TCP syslog sink with nothing
 * listening (so lines are dropped), and every scrape checked by `promtool check metrics`. The counters
 * must move as the gateway delivers, answers duplicates, refuses and fails.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import { freeTcpPort } from '../../helpers/freePort.ts';
import { postNotifications, rawRequest, signedHeaders } from '../../helpers/gatewayClient.ts';
import { assertPromtoolAccepts, sampleValue } from '../../helpers/promtool.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../helpers/snmptrapd.ts';

const key = { keyId: 'k1', secret: 'metrics-secret' };
const notification = (id: string) => ({
  id,
  appliance: 'hsm01',
  address: '192.0.2.7',
  event: 'expiring',
  notAfter: '2026-12-01T08:00:00Z',
  observedAt: '2026-11-24T12:00:00Z',
});

async function scrape(url: string): Promise<string> {
  const answer = await fetch(url);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return answer.text();
}

describe('gateway metrics', () => {
  let dir: string;
  let trapd: RunningSnmptrapd;
  let silent: dgram.Socket;
  let healthy: RunningGateway;
  let failing: RunningGateway;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-gwmetrics-'));
    writeFileSync(join(dir, 'k1.secret'), key.secret);
    trapd = await startSnmptrapd();
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const closedPort = await freeTcpPort();
    const common = { auth: { keys: [{ id: 'k1', secretFile: './k1.secret' }] }, hostname: 'gw-metrics' };
    healthy = await startGateway(
      buildGatewayConfig(
        {
          ...common,
          listen: { port: 0 },
          trapHosts: [{ name: 'trapd', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public' }],
          syslog: [
            { file: './healthy/lunalogs' },
            { transport: 'tcp', host: '127.0.0.1', port: closedPort, bufferLines: 1 },
          ],
          stateDir: './healthy/state',
        },
        dir,
      ),
      { stderr: undefined },
    );
    failing = await startGateway(
      buildGatewayConfig(
        {
          ...common,
          listen: { port: 0 },
          metrics: { listen: { host: '127.0.0.1', port: 0 } },
          trapHosts: [
            {
              name: 'silent',
              host: '127.0.0.1',
              port: (silent.address() as { port: number }).port,
              version: '2c',
              community: 'public',
              type: 'inform',
              retries: 2,
              timeoutMs: 100,
            },
          ],
          stateDir: './failing/state',
        },
        dir,
      ),
      { stderr: undefined },
    );
  });

  after(async () => {
    await healthy?.stop();
    await failing?.stop();
    silent?.close();
    await trapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers before any traffic, in a form promtool accepts, with zeros and the process metrics', async () => {
    assert.equal(healthy.metricsUrl, `${healthy.url}/metrics`);
    const text = await scrape(healthy.metricsUrl!);
    assertPromtoolAccepts(text, 'the first scrape');
    for (const result of ['delivered', 'duplicate', 'failed']) {
      assert.equal(sampleValue(text, `certmonitor_gateway_notifications_total{result="${result}"}`), 0);
    }
    assert.equal(sampleValue(text, 'certmonitor_gateway_traps_total{host="trapd",result="ok"}'), 0);
    assert.equal(sampleValue(text, 'certmonitor_gateway_journal_records'), 0);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);
    assert.doesNotMatch(text, /metrics-secret|public/, 'no secret, no community');
  });

  it('counts deliveries, duplicates, refusals, request durations and dropped syslog lines', async () => {
    const signedAt = Math.floor(Date.now() / 1000);
    const first = await postNotifications(healthy.url, [notification('m1')], { ...key, timestamp: signedAt });
    assert.equal(first.status, 200);
    await trapd.waitFor(1);
    // The same id again, signed a second before the first so it is no replay: answered from the journal.
    const again = await postNotifications(healthy.url, [notification('m1')], { ...key, timestamp: signedAt - 1 });
    assert.equal((again.body as { results: Array<{ duplicate: boolean }> }).results[0]?.duplicate, true);
    const body = JSON.stringify({ notifications: [notification('m2')] });
    const forged = await rawRequest(healthy.url, {
      body,
      headers: signedHeaders(body, { keyId: 'k1', secret: 'not the secret' }),
    });
    assert.equal(forged.status, 401);
    const wrongType = await rawRequest(healthy.url, { body, headers: { 'content-type': 'text/plain' } });
    assert.equal(wrongType.status, 415);

    const text = await scrape(healthy.metricsUrl!);
    assertPromtoolAccepts(text, 'a scrape after traffic');
    assert.equal(sampleValue(text, 'certmonitor_gateway_notifications_total{result="delivered"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_notifications_total{result="duplicate"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_notifications_total{result="failed"}'), 0);
    assert.equal(sampleValue(text, 'certmonitor_gateway_traps_total{host="trapd",result="ok"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_requests_refused_total{code="GW_ERR_AUTH_BAD_SIGNATURE"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_requests_refused_total{code="GW_ERR_MEDIA_TYPE"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_journal_records'), 1);
    assert.equal(
      sampleValue(text, 'certmonitor_gateway_request_duration_seconds_count{route="/v1/notifications",code="200"}'),
      2,
    );
    assert.equal(
      sampleValue(text, 'certmonitor_gateway_request_duration_seconds_count{route="/v1/notifications",code="401"}'),
      1,
    );
    // Counted as they happen, before any syslogDropped report.
    const tcp = text.split('\n').find((l) => l.startsWith('certmonitor_gateway_syslog_dropped_total{sink="tcp '));
    assert.ok(tcp && Number(tcp.split(' ').at(-1)) > 0, `lines dropped by the TCP sink are counted: ${tcp}`);
    assert.equal(sampleValue(text, 'certmonitor_gateway_syslog_dropped_total{sink="file lunalogs"}'), 0);
    const tcpSink = tcp.slice(tcp.indexOf('sink="') + 6, tcp.indexOf('"}'));
    // The TCP collector is away: its one buffered line waits (bufferLines 1), nothing was re-established.
    assert.equal(sampleValue(text, `certmonitor_gateway_syslog_queue_lines{sink="${tcpSink}",state="waiting"}`), 1);
    assert.equal(sampleValue(text, `certmonitor_gateway_syslog_queue_lines{sink="${tcpSink}",state="unconfirmed"}`), 0);
    assert.equal(sampleValue(text, `certmonitor_gateway_syslog_reconnects_total{sink="${tcpSink}"}`), 0);
    assert.equal(sampleValue(text, 'certmonitor_gateway_syslog_queue_lines{sink="file lunalogs",state="waiting"}'), 0);
    assert.equal(sampleValue(text, 'certmonitor_gateway_syslog_reconnects_total{sink="file lunalogs"}'), 0);
  });

  it('counts failed notifications and inform retries, on metrics.listen when it is set', async () => {
    const answer = await postNotifications(failing.url, [notification('f1')], key);
    assert.equal(
      (answer.body as { results: Array<{ traps: Array<{ ok: boolean }> }> }).results[0]?.traps[0]?.ok,
      false,
    );
    assert.notEqual(failing.metricsUrl, `${failing.url}/metrics`);
    const text = await scrape(failing.metricsUrl!);
    assertPromtoolAccepts(text, 'the metrics listener');
    assert.equal(sampleValue(text, 'certmonitor_gateway_notifications_total{result="failed"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_traps_total{host="silent",result="failed"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_gateway_inform_retries_total{host="silent"}'), 2);
    // With a listener of its own, the intake does not serve /metrics.
    const onIntake = await rawRequest(failing.url, { method: 'GET', path: '/metrics' });
    assert.equal(onIntake.status, 404);
  });
});
