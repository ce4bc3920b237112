import { readFile } from "node:fs/promises";

/** The subset of esbuild's plugin API this plugin uses (SST bundles with esbuild; its types are not ours). */
interface EsbuildPluginBuild {
  onLoad(
    options: { filter: RegExp },
    callback: (args: { path: string }) => Promise<{ contents: string; loader: "ts" }>,
  ): void;
}

const JSON_IMPORT_ATTRIBUTE =
  /(from\s*["'][^"']+\.json["'])\s*with\s*\{\s*type\s*:\s*["']json["']\s*,?\s*\}/g;

/**
 * The esbuild that SST v2 bundles functions with (0.18) predates import attributes, so it cannot parse
 * `import x from "./x.json" with { type: "json" }`, which Node 22 requires for JSON modules. esbuild
 * loads `.json` as a module on its own, so dropping the attribute before parsing keeps the bundle
 * identical to what a newer esbuild would produce.
 *
 * @example
 * new Function(stack, "Ingest", { handler, nodejs: { esbuild: { plugins: [jsonImportAttributes] } } });
 */
export const jsonImportAttributes = {
  name: "json-import-attributes",
  setup(build: EsbuildPluginBuild) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      return { contents: text.replace(JSON_IMPORT_ATTRIBUTE, "$1"), loader: "ts" };
    });
  },
};
