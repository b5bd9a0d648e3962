/** Checks that the ports the stack will listen on are free, before starting anything. */
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Resolves true when a TCP listener can bind `host:port`, false when it is in use.
 * @param {number} port
 * @param {string} host
 */
export function isTcpPortFree(port, host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Resolves true when a UDP socket can bind `host:port`, false when it is in use.
 * @param {number} port
 * @param {string} host
 */
export function isUdpPortFree(port, host) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
      socket.close();
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * @typedef {object} PortClaim
 * @property {number} port
 * @property {string} host address the service binds
 * @property {'tcp' | 'udp'} protocol
 * @property {string} service what listens there, for the message ("the app")
 * @property {string} variable environment variable that changes the port
 */

/**
 * Throws one error naming every port already in use, the service that needs it and the
 * variable that moves it.
 * @param {PortClaim[]} claims
 */
export async function assertPortsFree(claims) {
  const busy = [];
  for (const claim of claims) {
    const free =
      claim.protocol === 'udp'
        ? await isUdpPortFree(claim.port, claim.host)
        : await isTcpPortFree(claim.port, claim.host);
    if (!free) busy.push(claim);
  }
  if (busy.length > 0) throw new Error(portsInUseMessage(busy));
}

/**
 * @param {PortClaim[]} busy
 */
export function portsInUseMessage(busy) {
  const lines = busy.map(
    (claim) =>
      `  ${claim.protocol.toUpperCase()} port ${claim.port} on ${claim.host} (${claim.service}): ` +
      `already in use. Stop what uses it, or set ${claim.variable}=<another port>.`,
  );
  return [`${busy.length === 1 ? 'A port is' : 'Ports are'} already in use:`, ...lines].join('\n');
}
