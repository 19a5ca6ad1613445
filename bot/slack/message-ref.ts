// A Slack message ts is unique only within its channel, so the ref the core stores and looks up
// reactions by carries both; the message posting and the reaction events build it here alone.
export const slackMessageRef = (channel: string, ts: string): string => `${channel}/${ts}`;
