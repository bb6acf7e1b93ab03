import type { WebSocketServer } from "ws";
import type { Logger } from "../logger";

/**
 * A socket's protocol errors are the client's: a message over the size limit (ws closes
 * the socket with 1009), invalid UTF-8 (1007), a malformed frame (1002). graphql-ws
 * reports each on stderr as an internal error with a stack trace, which a stranger could
 * repeat at will; here each is one warning in the structured log instead. Call after
 * useServer: this listener runs after graphql-ws's and replaces its error handler.
 */
export function logProtocolErrorsQuietly(wsServer: WebSocketServer, logger: Logger): void {
  wsServer.on("connection", (socket) => {
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) => {
      logger.warn({ err: error.code ?? error.name, transport: "ws" }, "socket closed on a protocol error");
    });
  });
}
