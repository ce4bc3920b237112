export {
  SLACK_SIGNATURE_MAX_AGE_SECONDS,
  type SlackRequestToVerify,
  verifySlackRequest,
} from "./verify-request.ts";
