import { DEFAULT_DEV_PORT } from "./commands/dev.ts";

/** Where the commands find a running control plane unless `--url` says otherwise. */
export const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_DEV_PORT}`;

/** The control plane did not answer at all: nothing listens at the URL. */
export class ServerUnreachableError extends Error {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super(`no control plane answers at ${url} — is \`npm start\` running? (or pass --url)`, { cause });
    this.name = "ServerUnreachableError";
    this.url = url;
  }
}

/** The control plane answered with an error status. */
export class ApiResponseError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const message = (body as { message?: unknown } | null)?.message;
    super(typeof message === "string" ? message : `the control plane answered ${status}`);
    this.name = "ApiResponseError";
    this.status = status;
    this.body = body;
  }
}

/**
 * A small JSON client for the embedded runtime's HTTP API.
 *
 * @example
 * const client = new ControlPlaneClient("http://127.0.0.1:4000");
 * const { runs } = await client.get<{ runs: unknown[] }>("/api/runs");
 */
export class ControlPlaneClient {
  readonly url: string;

  constructor(url: string = DEFAULT_URL) {
    this.url = url.replace(/\/+$/, "");
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>("GET", path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>("POST", path, body);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
    } catch (error) {
      throw new ServerUnreachableError(this.url, error);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = { message: text };
    }
    if (!response.ok) throw new ApiResponseError(response.status, parsed);
    return parsed as T;
  }
}

/** The `--url` option every command that talks to a running control plane takes. */
export const URL_OPTION = [
  "--url <url>",
  "the control plane's address (architech dev / npm start)",
  DEFAULT_URL,
] as const;

/**
 * Runs `body` against the control plane at `url` and maps what can go wrong to an exit code: nothing
 * listening → 2 with a hint, an error answer → its message and 1 (2 for a refused request).
 */
export async function againstServer(
  command: string,
  url: string,
  io: { stderr: (text: string) => void },
  body: (client: ControlPlaneClient) => Promise<number>,
): Promise<number> {
  try {
    return await body(new ControlPlaneClient(url));
  } catch (error) {
    if (error instanceof ServerUnreachableError) {
      io.stderr(`architech ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiResponseError) {
      io.stderr(`architech ${command}: ${error.message} (HTTP ${error.status})\n`);
      return error.status === 400 || error.status === 404 ? 2 : 1;
    }
    throw error;
  }
}
