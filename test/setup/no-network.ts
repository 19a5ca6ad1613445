// Tests may talk to this machine only: any connection to another host fails loudly.
import net from "node:net";

const LOOPBACK = /^(127\.|::1$|localhost$|::ffff:127\.)/;
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called back with .apply(socket)
const original = net.Socket.prototype.connect;

net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string;
  const host =
    typeof first === "object" && first !== null
      ? first.path
        ? "localhost"
        : (first.host ?? "localhost")
      : typeof first === "number"
        ? typeof args[1] === "string"
          ? args[1]
          : "localhost"
        : "localhost";
  if (!LOOPBACK.test(host)) {
    throw new Error(`test tried to reach ${host}: outside network is blocked in tests`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
};
