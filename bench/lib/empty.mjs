// The baseline "handler": what an empty function costs in the same harness (node itself).
export const handler = async () => {};
