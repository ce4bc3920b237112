// Adapters on AWS SDK v3 clients implement the core ports here as the ports are defined.
export {};
