// The embedded runtime (dynalite, local bus, local Step Functions, sandbox account) grows here.
export {};
