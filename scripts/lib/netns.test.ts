import { describe, expect, it } from 'vitest';
import { namespaceInvocation, namespaceNetworkScript } from './netns.mjs';

describe('namespaceInvocation', () => {
  it('sets up lo and the veth pair, then runs the command without exec (the shell stays PID 1)', () => {
    const { command, args } = namespaceInvocation('npx', ['playwright', 'test'], { asRoot: true });
    expect(command).toBe('unshare');
    expect(args.slice(0, 5)).toEqual(['--net', '--pid', '--fork', '--mount-proc', '--kill-child']);
    const script = args[args.indexOf('-c') + 1] ?? '';
    expect(script.startsWith(namespaceNetworkScript)).toBe(true);
    expect(script).toContain('ip addr add 10.77.0.1/24 dev veth0');
    expect(script).not.toContain('exec');
    expect(args.slice(-3)).toEqual(['npx', 'playwright', 'test']);
  });

  it('uses a user namespace when not root', () => {
    const { args } = namespaceInvocation('true', [], { asRoot: false });
    expect(args.slice(0, 2)).toEqual(['--user', '--map-root-user']);
  });
});
