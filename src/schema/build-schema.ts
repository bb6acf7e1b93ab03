import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
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
  });
}
