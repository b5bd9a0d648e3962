/**
 * Runs a command inside a private network namespace, so the WebRTC test stack (LiveKit,
 * worker, Chromium) can reach nothing but itself. Inside: `lo` up, and a veth pair
 * 10.77.0.1 <-> 10.77.0.2, because libwebrtc (rtc-node) ignores loopback interfaces and
 * needs a real one to gather candidates on. A PID namespace makes the cleanup certain: when
 * the command ends, the kernel kills everything it left behind (LiveKit, browsers).
 */
import process from 'node:process';
import { NAMESPACE_NODE_IP } from './livekit-config.mjs';
import { isRoot, probe, which } from './run.mjs';

/** Address of the other end of the veth pair inside the namespace. */
export const NAMESPACE_PEER_IP = '10.77.0.2';

/** Shell commands that configure the namespace's network. */
export const namespaceNetworkScript = [
  'set -e',
  'ip link set lo up',
  'ip link add veth0 type veth peer name veth1',
  `ip addr add ${NAMESPACE_NODE_IP}/24 dev veth0`,
  `ip addr add ${NAMESPACE_PEER_IP}/24 dev veth1`,
  'ip link set veth0 up',
  'ip link set veth1 up',
].join('\n');

/**
 * The unshare invocation that runs `command args…` in a fresh network + PID namespace. The
 * shell stays PID 1 of the namespace (no `exec`): when the command exits, the shell exits with
 * its status and the kernel SIGKILLs every process left in the namespace.
 * @param {string} command
 * @param {string[]} args
 * @param {{ asRoot: boolean }} mode asRoot false = unprivileged, through a user namespace
 * @returns {{ command: string, args: string[] }}
 */
export function namespaceInvocation(command, args, mode) {
  const script = `${namespaceNetworkScript}\nset +e\n"$@"\n`;
  const unshareArgs = ['--net', '--pid', '--fork', '--mount-proc', '--kill-child'];
  if (!mode.asRoot) unshareArgs.unshift('--user', '--map-root-user');
  return {
    command: 'unshare',
    args: [...unshareArgs, '--', 'sh', '-c', script, 'facecast-netns', command, ...args],
  };
}

/**
 * Decides how to create namespaces here: as root, or unprivileged through a user namespace
 * when the kernel allows it. Returns a reason when neither works.
 * @returns {{ ok: true, asRoot: boolean } | { ok: false, reason: string }}
 */
export function namespaceSupport() {
  if (!which('unshare') || !which('ip')) {
    return { ok: false, reason: 'the tests need `unshare` (util-linux) and `ip` (iproute2)' };
  }
  if (isRoot()) return { ok: true, asRoot: true };
  const { command, args } = namespaceInvocation('true', [], { asRoot: false });
  if (probe(command, args) !== null) return { ok: true, asRoot: false };
  return {
    ok: false,
    reason:
      'the WebRTC tests run in a private network namespace, which needs root here (this kernel ' +
      'does not allow unprivileged user namespaces). Run `sudo npm test`, or run only the other ' +
      'steps: npm test -- --skip integration,e2e',
  };
}

/** True when this process already runs inside the test namespace (veth0 has its address). */
export function insideTestNamespace() {
  const out = probe('ip', ['-o', '-4', 'addr', 'show', 'dev', 'veth0']);
  return out !== null && out.includes(`${NAMESPACE_NODE_IP}/`);
}

/** Environment that tells the test suites they run inside the namespace. */
export function namespaceEnv(env = process.env) {
  return { ...env, FACECAST_TEST_NETNS: '1', FACECAST_NODE_IP: NAMESPACE_NODE_IP };
}
