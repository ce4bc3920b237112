/** One HTTP answer a scripted client gives, in order. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

interface ScriptedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * A request handler for SDK clients that answers from a script at the HTTP layer, so that the SDK's real
 * retry middleware and error deserialization run (which `mockClient`, replacing `send`, skips). Records
 * each request as `describe` names it.
 */
export function scriptedRequestHandler(
  answers: ScriptedAnswer[],
  options: {
    contentType: string;
    describe: (request: ScriptedRequest) => string;
    /** AWS JSON 1.1 services name the error in a header: take it from the body's `__type`. */
    errorTypeFromBody?: boolean;
  },
) {
  const requests: string[] = [];
  const requestHandler = {
    handle: async (request: ScriptedRequest) => {
      requests.push(options.describe(request));
      const answer = answers.shift();
      if (answer === undefined) throw new Error("no answer left");
      const errorType =
        options.errorTypeFromBody && answer.status >= 300
          ? (answer.body as { __type?: string }).__type
          : undefined;
      return {
        response: {
          statusCode: answer.status,
          headers: {
            "content-type": options.contentType,
            ...(errorType === undefined ? {} : { "x-amzn-errortype": errorType }),
            ...answer.headers,
          },
          body: new TextEncoder().encode(JSON.stringify(answer.body)),
        },
      };
    },
  };
  return { requestHandler, requests };
}
