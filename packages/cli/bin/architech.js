#!/usr/bin/env node
// The command runs the TypeScript sources directly: Node 22 strips types natively.
import { main } from "../src/main.ts";

process.exitCode = await main(process.argv);
