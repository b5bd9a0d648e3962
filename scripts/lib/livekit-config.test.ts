import { describe, expect, it } from 'vitest';
import { livekitConfig, namespaceLivekitConfig, toYaml } from './livekit-config.mjs';

describe('livekitConfig', () => {
  it('for npm start: loopback HTTP, no STUN, loopback candidates, no pinned node IP', () => {
    const config = livekitConfig({ apiKey: 'APIabc', apiSecret: 'x'.repeat(43) });
    expect(config).toEqual({
      port: 7880,
      bind_addresses: ['127.0.0.1'],
      rtc: {
        tcp_port: 7881,
        udp_port: 7882,
        use_external_ip: false,
        enable_loopback_candidate: true,
      },
      keys: { APIabc: 'x'.repeat(43) },
      logging: { level: 'info' },
    });
  });

  it('for the test namespace: node_ip on the veth address and the dev keys', () => {
    const config = namespaceLivekitConfig({ httpPort: 17880 });
    expect(config).toMatchObject({
      port: 17880,
      bind_addresses: ['127.0.0.1', '10.77.0.1'],
      rtc: { node_ip: '10.77.0.1', use_external_ip: false, enable_loopback_candidate: true },
      keys: { devkey: 'secret' },
      development: true,
    });
  });

  it('joins a multi-node cluster through Redis when given its address', () => {
    const config = namespaceLivekitConfig({ redisAddress: '127.0.0.1:16379' });
    expect(config).toMatchObject({ redis: { address: '127.0.0.1:16379' } });
    expect(toYaml(config)).toContain('redis:\n  address: "127.0.0.1:16379"\n');
    expect(livekitConfig({ apiKey: 'k', apiSecret: 's' })).not.toHaveProperty('redis');
  });

  it('requires keys', () => {
    expect(() => livekitConfig({ apiKey: '', apiSecret: 's' })).toThrow(/apiKey/);
  });
});

describe('toYaml', () => {
  it('writes nested maps and lists, quoting every string', () => {
    const yaml = toYaml({
      port: 7880,
      list: ['a', 'b'],
      rtc: { on: true, ips: { includes: ['10.0.0.0/8'] } },
    });
    expect(yaml).toBe(
      'port: 7880\nlist:\n  - "a"\n  - "b"\nrtc:\n  on: true\n  ips:\n    includes:\n      - "10.0.0.0/8"\n',
    );
  });

  it('cannot be broken out of by a value', () => {
    const yaml = toYaml({ keys: { k: 'secret"\nport: 1' } });
    expect(yaml).toBe('keys:\n  k: "secret\\"\\nport: 1"\n');
  });
});
