import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SfnApprovalResumer } from "./approval-resumer.ts";
import { WorkflowError } from "./errors.ts";

const sfn = mockClient(SFNClient);
afterEach(() => {
  sfn.reset();
});

const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAVp0b2tlbg==";

function resumer(): SfnApprovalResumer {
  return new SfnApprovalResumer({
    client: new SFNClient({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
  });
}

async function thrown(call: () => Promise<unknown>): Promise<WorkflowError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WorkflowError)) throw new Error(`expected a WorkflowError, got ${String(error)}`);
  return error;
}

describe("SfnApprovalResumer.resume", () => {
  it("sends the task's success with the output as JSON", async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});

    // Act
    await resumer().resume(TOKEN, {
      approvalId: "approval-1",
      approvedBy: "U024BE7LH",
      planHash: "sha256:abc",
    });

    // Assess
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toEqual([
      {
        taskToken: TOKEN,
        output: JSON.stringify({ approvalId: "approval-1", approvedBy: "U024BE7LH", planHash: "sha256:abc" }),
      },
    ]);
  });

  it("tells a task that no longer waits from a transient failure and a refusal", async () => {
    // Prepare
    sfn
      .on(SendTaskSuccessCommand)
      .rejectsOnce(new TaskTimedOut({ $metadata: { httpStatusCode: 400 }, message: "Task Timed Out" }))
      .rejectsOnce(new InvalidToken({ $metadata: { httpStatusCode: 400 }, message: "Invalid Token" }))
      .rejectsOnce(
        new SFNServiceException({
          name: "ThrottlingException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Rate exceeded",
        }),
      )
      .rejectsOnce(
        new SFNServiceException({
          name: "AccessDeniedException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "not authorized",
        }),
      );

    // Act
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await thrown(() => resumer().resume(TOKEN, {})));

    // Assess
    expect(errors.map((e) => [e.code, e.transient])).toEqual([
      ["TaskNotWaiting", false],
      ["TaskNotWaiting", false],
      ["TransientWorkflowResumeError", true],
      ["WorkflowResumeRejected", false],
    ]);
  });
});

describe("SfnApprovalResumer.reject", () => {
  it("sends the task's failure with the error and the cause", async () => {
    // Prepare
    sfn.on(SendTaskFailureCommand).resolves({});

    // Act
    await resumer().reject(TOKEN, "ApprovalDenied", "denied by U024BE7LH: not now");

    // Assess
    expect(sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: TOKEN, error: "ApprovalDenied", cause: "denied by U024BE7LH: not now" },
    ]);
  });

  it("maps a server fault to a transient error", async () => {
    // Prepare
    sfn.on(SendTaskFailureCommand).rejects(
      new SFNServiceException({
        name: "InternalFailure",
        $fault: "server",
        $metadata: { httpStatusCode: 500 },
        message: "boom",
      }),
    );

    // Act
    const error = await thrown(() => resumer().reject(TOKEN, "ApprovalDenied", "denied"));

    // Assess
    expect(error.code).toBe("TransientWorkflowResumeError");
    expect(error.transient).toBe(true);
  });
});
