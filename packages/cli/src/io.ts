/** Where a command writes; injected so that commands are testable without a process. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes the command uses; scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** Bad input: an invalid pattern, an unreadable file, a malformed argument. */
  invalidInput: 2,
} as const;
