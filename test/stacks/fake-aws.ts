import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake answered: the AWS query API action and its parameters. */
export interface FakeAwsCall {
  action: string;
  params: Record<string, string>;
}

/**
 * The three AWS lookups `sst build` makes before it synthesizes — STS GetCallerIdentity (the account),
 * CloudFormation DescribeStacks of CDKToolkit and SSTBootstrap (the bootstrap buckets) — answered on
 * loopback, so that SST's own CLI can build the app on a machine that cannot reach AWS. Anything else is
 * refused (400) and recorded, so a test sees any further AWS call the build would make.
 */
export async function startFakeAws(account = "123456789012"): Promise<{
  url: string;
  calls: FakeAwsCall[];
  stop(): Promise<void>;
}> {
  const calls: FakeAwsCall[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params.Action ?? "(none)";
      calls.push({ action, params });
      const xml = (status: number, text: string) => {
        response.writeHead(status, { "content-type": "text/xml" });
        response.end(text);
      };
      if (action === "GetCallerIdentity") {
        return xml(
          200,
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/ci</Arn><UserId>AIDACI</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      }
      if (action === "DescribeStacks" && params.StackName === "CDKToolkit") {
        return xml(200, describeStacks("CDKToolkit", { BootstrapVersion: "20", BucketName: "cdk-assets" }));
      }
      if (action === "DescribeStacks" && params.StackName === "SSTBootstrap") {
        return xml(200, describeStacks("SSTBootstrap", { Version: "7.4", BucketName: "sst-bootstrap" }));
      }
      return xml(
        400,
        `<ErrorResponse><Error><Type>Sender</Type><Code>NotOffline</Code><Message>${action} is not answered offline</Message></Error></ErrorResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

function describeStacks(name: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(
      ([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
    )
    .join("");
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}
