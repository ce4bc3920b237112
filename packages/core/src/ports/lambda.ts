export interface LambdaAliasDescription {
  functionName: string;
  alias: string;
  aliasArn: string;
  /** The version the alias points at. */
  functionVersion: string;
  /** Weighted routing to a second version, when the alias is shifting traffic. */
  additionalVersionWeights?: Record<string, number>;
}

export interface LambdaVersion {
  version: string;
  codeSha256: string;
  lastModified: string;
  memorySize: number;
}

export interface LambdaFunctionConfiguration {
  functionName: string;
  functionArn: string;
  memorySize: number;
  timeout: number;
  architectures: string[];
  lastModified: string;
}

/** What runbooks do to Lambda functions: move an alias between versions, read and change memory. */
export interface LambdaPort {
  /** Throws `ResourceNotFoundError` when the function or alias does not exist. */
  getAlias(functionName: string, alias: string): Promise<LambdaAliasDescription>;
  /** Points the alias at `version` with all traffic (clears weighted routing). */
  updateAlias(functionName: string, alias: string, version: string): Promise<LambdaAliasDescription>;
  /** Published versions, oldest first (all pages; `$LATEST` left out). */
  listVersions(functionName: string): Promise<LambdaVersion[]>;
  getFunctionConfiguration(functionName: string): Promise<LambdaFunctionConfiguration>;
  updateFunctionMemory(functionName: string, memorySize: number): Promise<LambdaFunctionConfiguration>;
  /** Every function in the account and region (all pages). */
  listFunctions(): Promise<{ functionName: string }[]>;
}
