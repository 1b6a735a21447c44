import type dgram from 'node:dgram';
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
