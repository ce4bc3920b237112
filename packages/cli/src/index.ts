export { type CommandIO, ExitCode } from "./io.ts";
export { buildProgram, main } from "./main.ts";
