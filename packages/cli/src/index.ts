export { runDemo } from './demo.js';
export { describeStack } from './commands/up.js';
