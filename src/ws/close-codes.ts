/** Close codes of our own, beside graphql-ws's (4401 Unauthorized, 4403 Forbidden, 4400, ...). */

/** Too many sockets: one credential's cap, or one address's sockets without a credential. */
export const TOO_MANY_SOCKETS = 4429;
