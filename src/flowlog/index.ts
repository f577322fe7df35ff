/** Flow-log input: field catalogue, formats, records, and the streaming reader. */
export * from './fields.js';
export * from './format.js';
export * from './record.js';
export { readFlowLogs, readFlowLogStream, parseFlowLogLines, MAX_LINE_BYTES } from './reader.js';
export type { ReadOptions, FlowLogEvent, FormatSource } from './reader.js';
export { expandInputs, magicOf, STDIN_NAME } from './sources.js';
export type { InputItem, Magic } from './sources.js';
