import { defineError } from '@maria-ts/core';

const excerpt = (text: string, length = 200) => (text.length > length ? `${text.slice(0, length - 3)}...` : text);

/**
 * A judge endpoint kept failing: a non-retryable HTTP status (e.g. 401, 404), or a
 * retryable one (429, 5xx, timeout, network error) on every one of `attempts` tries.
 * `status` is null when no HTTP response came back at all.
 */
export const JudgeHttpError = defineError('JudgeHttp', (url: string, status: number | null, reason: string, attempts: number) => ({
  message: `judge request to ${url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${status === null ? '' : `HTTP ${status}: `}${excerpt(reason)}`,
  details: { url, status, reason: excerpt(reason, 1000), attempts },
}));

/** The judge answered, but no score could be read from the answer. */
export const JudgeReplyError = defineError('JudgeReply', (reply: string, problem: string) => ({
  message: `cannot read a score from the judge's reply ${JSON.stringify(excerpt(reply))}: ${problem}`,
  details: { reply: excerpt(reply, 1000), problem },
}));

/** A judge setting is missing: neither the option nor its environment variable is set. */
export const JudgeConfigurationError = defineError('JudgeConfiguration', (option: string, environmentVariable: string) => ({
  message: `the HTTP judge needs a ${option}: pass the ${option} option or set ${environmentVariable}`,
  details: { option, environmentVariable },
}));
