import type { SSTConfig } from "sst";

export default {
  config() {
    return { name: "architech", region: "us-east-1" };
  },
  async stacks(app) {
    // Imported here rather than at the top: SST reads `config()` by bundling this file without `stacks`,
    // and the stacks pull in @architech/core, whose JSON import attributes its esbuild cannot parse.
    const { ControlPlane } = await import("./stacks/control-plane.ts");
    app.setDefaultFunctionProps({ runtime: "nodejs22.x" });
    app.stack(ControlPlane);
  },
} satisfies SSTConfig;
