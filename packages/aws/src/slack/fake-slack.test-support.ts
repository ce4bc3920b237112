import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received, as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One answer the fake gives, in order. `body` is sent as JSON unless it is a string. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** A Slack stand-in on 127.0.0.1: answers from a script, records every request. */
export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Queues answers; a request with none left is answered 500 `no answer scripted`. */
  answer(...answers: FakeAnswer[]): void;
  /** The form fields of request `index` (the Web API sends `application/x-www-form-urlencoded`). */
  form(index: number): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the fake on an ephemeral port of the loopback interface. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const requests: ReceivedRequest[] = [];
  const script: FakeAnswer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const next = script.shift() ?? { status: 500, body: "no answer scripted" };
      const text = typeof next.body === "string" ? next.body : JSON.stringify(next.body);
      response.writeHead(next.status ?? 200, {
        "content-type": typeof next.body === "string" ? "text/plain" : "application/json; charset=utf-8",
        ...next.headers,
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => {
      script.push(...answers);
    },
    form: (index) => {
      const request = requests[index];
      if (request === undefined) throw new Error(`no request ${index}: ${requests.length} received`);
      return Object.fromEntries(new URLSearchParams(request.body));
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
