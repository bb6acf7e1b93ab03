import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode, getOperationAST, type DocumentNode, type GraphQLFormattedError } from "graphql";
import { OTHER, operationOf, outcomeOf } from "./labels";
import type { WalletMetrics } from "./wallet-metrics";

/**
 * Every GraphQL request over HTTP, timed from the moment Apollo takes it to its answer,
 * by root field and outcome ("ok" or the first error's code after formatError). A
 * request that did not parse or validate has no operation: "other".
 */
export function operationMetrics(metrics: WalletMetrics, known: ReadonlySet<string>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, response }) {
          const body = response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : body.initialResult.errors;
          metrics.operation("http", operationOf(operation, known), outcomeOf(errors), (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/**
 * The same over graphql-ws, for queries and mutations (a subscription lasts as long as
 * the phone listens: its duration says nothing). An operation is timed from its
 * subscribe message to its result, or to its refusal (a document that does not parse or
 * validate, or an ended credential: operation "other" when it has none).
 */
export class SocketOperationMetrics {
  private readonly started = new WeakMap<object, Map<string, { at: number; operation: string }>>();

  constructor(
    private readonly metrics: WalletMetrics,
    private readonly known: ReadonlySet<string>,
  ) {}

  /** The subscribe message arrived (`socket` is whatever identifies the socket). */
  begin(socket: object, id: string): void {
    let mine = this.started.get(socket);
    if (!mine) this.started.set(socket, (mine = new Map()));
    mine.set(id, { at: performance.now(), operation: OTHER });
  }

  /** The operation passed its checks: named by its root field; a subscription is not timed. */
  checked(socket: object, id: string, document: DocumentNode, operationName: string | null | undefined): void {
    const timing = this.started.get(socket)?.get(id);
    if (!timing) return;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (operation?.operation === OperationTypeNode.SUBSCRIPTION) this.started.get(socket)!.delete(id);
    else timing.operation = operationOf(operation, this.known);
  }

  /** Its result (or refusal) is being sent. */
  end(socket: object, id: string, errors: readonly GraphQLFormattedError[] | undefined): void {
    const mine = this.started.get(socket);
    const timing = mine?.get(id);
    if (!timing) return;
    mine!.delete(id);
    this.metrics.operation("ws", timing.operation, outcomeOf(errors), (performance.now() - timing.at) / 1000);
  }
}
