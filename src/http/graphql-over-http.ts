import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import bytes from "bytes";
import getRawBody from "raw-body";
import { ErrorCode } from "../services/kernel/errors";
import { wantsHtml, type Explorer } from "./explorer";
import { sendJson } from "./responses";

export interface GraphqlOverHttpOptions<C extends BaseContext> {
  /** Largest request body taken, in bytes; a larger one is answered 413. */
  bodyLimitBytes: number;
  context(req: IncomingMessage, requestId: string): Promise<C>;
  /** The development explorer, shown to a browser's GET /graphql; null in production. */
  explorer: Explorer | null;
}

/** What a GET /graphql with no operation is told (a plain curl, or a browser in production). */
const NO_OPERATION =
  "GET /graphql needs an operation: send POST /graphql with content-type application/json and a body " +
  'like {"query": "{ errorCodes }"} (a GET with ?query= also needs the header apollo-require-preflight: true). ' +
  "In development, open /graphql in a browser for the GraphQL explorer.";

/**
 * Apollo Server on plain node:http. Apollo does the GraphQL-over-HTTP work itself (method
 * and content-type checks, CSRF prevention, status codes) and only needs the JSON body
 * parsed; Express around it added a router, body-parser and an ETag hash of every answer,
 * about a tenth of a redeem's CPU.
 */
export function graphqlOverHttp<C extends BaseContext>(apollo: ApolloServer<C>, options: GraphqlOverHttpOptions<C>) {
  apollo.assertStarted("graphqlOverHttp()");
  return async (req: IncomingMessage, res: ServerResponse, search: string, requestId: string): Promise<void> => {
    if (req.method === "GET" && !new URLSearchParams(search).has("query")) {
      if (options.explorer && wantsHtml(req)) options.explorer.page(res);
      else sendJson(res, 400, badRequest(NO_OPERATION));
      return;
    }
    const body = await readBody(req, res, options.bodyLimitBytes);
    if (body === refused) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search, body },
      context: () => options.context(req, requestId),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === "complete") {
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

const refused = Symbol("refused");

/**
 * The parsed JSON body of a POST (undefined for other methods and content types, which
 * Apollo then refuses with its own message), or `refused` once a 4xx has been sent.
 */
async function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  const encoding = req.headers["content-encoding"];
  if (encoding && encoding.toLowerCase() !== "identity") {
    sendJson(res, 415, badRequest("compressed request bodies are not accepted"));
    return refused;
  }
  let text: string;
  try {
    // Decoded here rather than by raw-body's iconv-lite stream decoder: the same UTF-8
    // (bad bytes become U+FFFD either way), without a decoder object per request.
    text = (await getRawBody(req, { length: req.headers["content-length"], limit })).toString("utf8");
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) sendJson(res, 413, badRequest(`request body is larger than ${bytes.format(limit)}`));
    else sendJson(res, 400, badRequest("request body could not be read"));
    return refused;
  }
  if (!isJson(req.headers["content-type"])) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    sendJson(res, 400, badRequest("request body is not valid JSON"));
    return refused;
  }
}

/** application/json, with or without parameters (Apollo insists on it for a POST). */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";", 1)[0].trim().toLowerCase() === "application/json";
}

function badRequest(message: string) {
  return { errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] };
}
