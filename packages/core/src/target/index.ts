export {
  AccountTargetSchema,
  BackupResourceTargetSchema,
  EcsServiceTargetSchema,
  LambdaAliasTargetSchema,
  TARGET_TYPES,
  type Target,
  TargetSchema,
  type TargetType,
  targetKey,
} from "./target.ts";
