export {
  formatYamlProblem,
  type LocatedParseOptions,
  type LocatedParseResult,
  parseLocatedYaml,
  validateLocated,
  type YamlProblem,
} from "./located-yaml.ts";
