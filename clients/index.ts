/** Every role's client, and what they share. Each role is also its own entry (`@wallet-center/clients/phone`, ...). */
export * from "./common";
export * from "./live";
export * from "./phone";
export * from "./register";
export * from "./gate";
export * from "./partner";
export * from "./admin";
export * from "./tickets";
export * from "./onboarding";
export * from "./books";
export * from "./merchant";
export { graphql, type ResultOf, type VariablesOf } from "./graphql";
