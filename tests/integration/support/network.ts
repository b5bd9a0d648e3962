/**
 * Integration tests run inside a private network namespace (scripts/test.mjs makes it:
 * `unshare --net`, lo up, veth0 10.77.0.1/24 ↔ veth1 10.77.0.2/24) so WebRTC never touches
 * the machine's real interfaces. libwebrtc (inside @livekit/rtc-node) ignores loopback
 * interfaces, which is why a veth address is needed at all.
 */
import os from 'node:os';

/** Address of veth0 in the test namespace; LiveKit advertises it as its node IP. */
export const TEST_NODE_IP = '10.77.0.1';

export const NAMESPACE_HELP =
  `Integration tests must run inside the test network namespace (interface with ${TEST_NODE_IP}). ` +
  `Run them through \`npm test\` (scripts/test.mjs), or as root: unshare --net bash -c 'ip link set lo up; ` +
  `ip link add veth0 type veth peer name veth1; ip addr add 10.77.0.1/24 dev veth0; ip addr add 10.77.0.2/24 dev veth1; ` +
  `ip link set veth0 up; ip link set veth1 up; npx vitest run --project integration'`;

/** Throws with instructions unless this process sees the namespace's veth address. */
export function assertTestNamespace(): void {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .map((info) => info?.address);
  if (!addresses.includes(TEST_NODE_IP)) throw new Error(NAMESPACE_HELP);
  // eth0 of the host must not be visible: its presence means we are not in the namespace.
  if (addresses.includes('192.0.2.2')) throw new Error(`host interface visible. ${NAMESPACE_HELP}`);
}
