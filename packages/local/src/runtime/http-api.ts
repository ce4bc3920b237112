import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** The largest request body the API reads (PutEvents itself takes at most 256 KB per request). */
const MAX_BODY_BYTES = 1024 * 1024;

/** An error the API answers with its status and message, as JSON. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** A request header, e.g. `x-slack-signature`; undefined when absent (repeated headers are joined). */
  header(name: string): string | undefined;
  /** The raw body as received, decoded as UTF-8 (e.g. for a signature over it). */
  text(): Promise<string>;
  /** The parsed JSON body; reading it throws {@link HttpError} 400 when it is not JSON. */
  json(): Promise<unknown>;
}

/** A route answers with a JSON value (status 200) or `{ status, body }`. */
export type ApiAnswer = unknown;
export type ApiHandler = (request: ApiRequest, params: string[]) => Promise<ApiAnswer> | ApiAnswer;

export interface ApiRoute {
  method: "GET" | "POST";
  /** Matched against the whole path; capture groups become `params`, URI-decoded. */
  path: RegExp;
  handler: ApiHandler;
}

const ANSWER = Symbol("answer");

/** An answer with a status other than 200. */
export function answer(status: number, body: unknown): { status: number; body: unknown; [ANSWER]: true } {
  return { status, body, [ANSWER]: true };
}
/**
 * A JSON API on node:http: routes by method and path, answers 404 for an unknown path and 405 for a
 * known path with another method, 400 for a body that is not JSON, 500 (with the message) for a failure.
 */
export function createApiServer(routes: readonly ApiRoute[], onError: (error: unknown) => void): Server {
  return createServer((req, res) => {
    void handle(routes, req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) send(res, 500, { error: "internal error", message: messageOf(error) });
      else res.destroy();
    });
  });
}

async function handle(routes: readonly ApiRoute[], req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  const onPath = routes
    .map((route) => ({ route, match: route.path.exec(url.pathname) }))
    .filter((candidate) => candidate.match !== null);
  const found = onPath.find((candidate) => candidate.route.method === method);
  if (found === undefined || found.match === null) {
    req.resume();
    if (onPath.length > 0) {
      const allowed = [...new Set(onPath.map((c) => c.route.method))].join(", ");
      res.setHeader("allow", allowed);
      send(res, 405, { error: "method not allowed", message: `${method} ${url.pathname}: use ${allowed}` });
    } else {
      send(res, 404, { error: "not found", message: `no endpoint ${method} ${url.pathname}` });
    }
    return;
  }
  let params: string[];
  try {
    params = found.match.slice(1).map((part) => decodeURIComponent(part ?? ""));
  } catch {
    req.resume();
    send(res, 400, { error: "bad request", message: `the path ${url.pathname} is not validly encoded` });
    return;
  }
  let body: Promise<string> | undefined;
  const text = (): Promise<string> => {
    body ??= readText(req);
    return body;
  };
  const request: ApiRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    text,
    json: async () => parseJson(await text()),
  };
  try {
    const result = await found.route.handler(request, params);
    if (typeof result === "object" && result !== null && ANSWER in result) {
      const { status, body } = result as unknown as { status: number; body: unknown };
      send(res, status, body);
    } else {
      send(res, 200, result);
    }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    send(res, error.status, { error: httpErrorName(error.status), message: error.message });
  } finally {
    req.resume();
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new HttpError(400, "the body is empty: expected JSON");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${messageOf(error)}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function httpErrorName(status: number): string {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "unauthorized";
    case 404:
      return "not found";
    case 409:
      return "conflict";
    case 413:
      return "payload too large";
    case 501:
      return "not implemented";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
