import type { WebSocket, WebSocketServer } from "ws";
import type { Caller } from "../services/kernel/caller";
import type { WalletMetrics } from "./wallet-metrics";

/** The role as the contract names it (a customer's session is the phone), lower case. */
const ROLE: Record<Caller["kind"], string> = {
  anonymous: "anonymous",
  invalid: "anonymous",
  customer: "phone",
  register: "register",
  gate: "gate",
  partner: "partner",
  admin: "admin",
};
const ROLES = ["connecting", ...new Set(Object.values(ROLE))];

/**
 * Open WebSockets by who opened them, counted when Prometheus scrapes (one pass over the
 * server's sockets): the credential's role once it was accepted ("anonymous" when none was presented), "connecting"
 * before (no connection_init yet). Every kind shows, at 0 when none is open.
 */
export function registerSocketGauge(metrics: WalletMetrics, wsServer: WebSocketServer, roles: WeakMap<WebSocket, Caller["kind"]>): void {
  metrics.gauge("wallet_websockets_open", "WebSockets open on this instance, by the role of the credential that opened them", ["role"], (gauge) => {
    const counts = new Map<string, number>(ROLES.map((role) => [role, 0]));
    for (const socket of wsServer.clients) {
      const kind = roles.get(socket);
      const role = kind ? ROLE[kind] : "connecting";
      counts.set(role, (counts.get(role) ?? 0) + 1);
    }
    for (const [role, open] of counts) gauge.set({ role }, open);
  });
}
