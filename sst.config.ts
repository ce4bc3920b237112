import type { SSTConfig } from "sst";
import { ControlPlane } from "./stacks/control-plane.ts";

export default {
  config() {
    return { name: "architech", region: "us-east-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({ runtime: "nodejs22.x" });
    app.stack(ControlPlane);
  },
} satisfies SSTConfig;
