import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { resolvers } from "../resolvers";
import { authChecker } from "./auth-checker";
import "./enums";
import { scalarsMap } from "./scalars";

/** The one schema every transport serves; `schema.graphql` at the root is its SDL. */
export function buildWalletSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    scalarsMap,
    // Services validate their own input and answer with the contract's error codes.
    validate: false,
    // type-graphql insists on a PubSub, but every subscription here opens its own
    // stream through `subscribe` (services/live.service.ts checks the caller first and
    // picks the caller's own topic on the app's EventBus), so this one stays unused.
    pubSub: createPubSub(),
  });
}
