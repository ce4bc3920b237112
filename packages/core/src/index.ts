// Public API of @architech/core. Domain only: no AWS SDK imports.
export {};
