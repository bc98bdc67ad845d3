export { InvalidInputError } from './inputError.js';
export { formatAmount, parseAmount, parseNativeAmount, InvalidAmountError, type AmountUnit, type FormatAmountOptions } from './amounts.js';
export {
  formatRefreshInterval,
  formatDuration,
  parseDuration,
  parsePeriod,
  namedPeriods,
  MONTH,
  InvalidDurationError,
} from './durations.js';
export { parseCallTarget, parseFunction, parseAddress, InvalidCallTargetError, type CallTarget } from './callTargets.js';
export { parseLimitText, parseCallLimit, InvalidLimitError } from './limits.js';
export { explainRefusal, type RefusalExplanation, type ExplainRefusalOptions } from './refusals.js';
