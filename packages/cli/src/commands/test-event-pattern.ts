import type { Command } from "commander";
import type { CommandIO } from "../io.ts";

export function registerTestEventPattern(
  _program: Command,
  _io: CommandIO,
  _setExit: (code: number) => void,
): void {}
