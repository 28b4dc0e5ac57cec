/** Process-wide counters (observability and tests: generation must stop when a client leaves). */
export const generatorStats = { rowsGenerated: 0, activeStreams: 0, streamsStarted: 0 };
