import { pw } from "./phone-words";

/**
 * What the phone says when the server no longer knows its session. The server does not
 * tell a logout on another device from support ending every session or plain expiry
 * (each is the same refused credential), so one sentence covers them all.
 */
export const sessionEnded = () => pw.sessionEnded;
