import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { HilError } from '../errors.ts';

/** Binds, turning the 'error' event of a failed bind into a rejection (the socket is closed then). */
export function bind(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    socket.bind(port, host, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}

/** Connects, turning the 'error' event of a failed connect into a rejection (the socket is closed then). */
function connect(socket: dgram.Socket, peer: { address: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    socket.connect(peer.port, peer.address, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}

/** A transfer's sockets on its port, its TID (see transferSockets). */
export interface TransferSockets {
  /** Connected to the client. */
  socket: dgram.Socket;
  /** Not connected: receives what others send to the port. Undefined where the port cannot be shared. */
  strays?: dgram.Socket;
}

/**
 * Binds a new port for a transfer to `peer`, twice. The socket connected to the client is what
 * the transfer talks on: the kernel filters out everyone else, and an ICMP port-unreachable (the
 * client has gone) surfaces as an error on it, which an unconnected socket never sees. What the
 * kernel filters out goes to the second, unconnected socket on the same port (SO_REUSEADDR; Linux
 * delivers to the socket whose binding matches the sender best, so a connected one wins for its
 * peer), so a stray datagram can get the ERROR 5 that RFC 1350 asks for. Where the port cannot
 * be shared so, the transfer goes on with the connected socket alone, and strays get nothing.
 * SO_REUSEADDR lets the kernel pick, for port 0, a port another SO_REUSEADDR socket holds: for
 * another transfer's pair that is harmless (each connected socket still gets its own client, and
 * every strays socket answers alike).
 */
export async function transferSockets(host: string, peer: { address: string; port: number }): Promise<TransferSockets> {
  const type = isIPv6(peer.address) ? 'udp6' : 'udp4';
  const strays = dgram.createSocket({ type, reuseAddr: true });
  await bind(strays, 0, host);
  let socket = dgram.createSocket({ type, reuseAddr: true });
  let shared = true;
  try {
    await bind(socket, strays.address().port, host).catch(async () => {
      shared = false;
      strays.close();
      socket = dgram.createSocket(type);
      await bind(socket, 0, host);
    });
    await connect(socket, peer);
  } catch (err) {
    if (shared) strays.close();
    throw err;
  }
  return shared ? { socket, strays } : { socket };
}

/** A listen failure as a HilError that says what holds the port or what is missing. */
export function bindError(err: NodeJS.ErrnoException, host: string, port: number): HilError {
  const where = `UDP ${host}:${port}`;
  if (err.code === 'EADDRINUSE') {
    return new HilError(
      `TFTP server cannot listen on ${where}: the port is already in use. Another TFTP server (atftpd, tftpd-hpa, dnsmasq) ` +
        `or a second hil may hold it; see \`ss -ulpn 'sport = :${port}'\`, or choose another --port`,
      { code: 'TFTP_PORT_BUSY', cause: err },
    );
  }
  if (err.code === 'EACCES') {
    return new HilError(
      `TFTP server cannot listen on ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE ` +
        `(e.g. \`setcap cap_net_bind_service=+ep $(command -v node)\`), or choose a port above 1023`,
      { code: 'TFTP_PORT_PRIVILEGED', cause: err },
    );
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return new HilError(`TFTP server cannot listen on ${where}: no local interface has address ${host}`, { code: 'TFTP_ADDRESS', cause: err });
  }
  return new HilError(`TFTP server cannot listen on ${where}: ${err.message}`, { code: 'TFTP_LISTEN', cause: err });
}
