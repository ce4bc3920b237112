// asl-validator ships no type declarations; this is the part of its API the project uses.
declare module "asl-validator" {
  interface AslValidatorOptions {
    /** Check JSONPath expressions (InputPath, ResultPath, …). Default true. */
    checkPaths?: boolean;
    /** Check that Task resources are ARNs. Default true. */
    checkArn?: boolean;
  }
  interface AslValidatorError {
    "Error code": string;
    Message: string;
    path?: string;
  }
  interface AslValidatorResult {
    isValid: boolean;
    errors: AslValidatorError[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidatorResult;
  export = aslValidator;
}
