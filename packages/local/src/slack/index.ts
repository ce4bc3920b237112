// Slack on the embedded runtime: a recorder behind the same port as the Slack web API.
export { createMemorySlackThreads } from "./memory-slack-threads.ts";
export {
  type RecordedEphemeral,
  type RecordedResponse,
  type RecordedSlackMessage,
  RecordingSlack,
  type RecordingSlackOperation,
  type RecordingSlackOptions,
  type SlackActivity,
  type SlackMessageVersion,
} from "./recording-slack.ts";
