// The wasm backend's emscripten module, when it loads on Node, adds process
// 'uncaughtException' and 'unhandledRejection' listeners that rethrow. That
// turns every uncaught error of a program that imports relax-pg into exit
// code 7 under the module's own `throw ex;` line. We remove those listeners
// as they are added (recognised by where they are added from), so Node's
// default returns: the error with its own stack, exit code 1.
const EVENTS = new Set<string | symbol>(['uncaughtException', 'unhandledRejection']);
const FROM_WASM = /tfjs-backend-wasm/;

process.on('newListener', (event: string | symbol, listener: (...args: unknown[]) => void) => {
  if (!EVENTS.has(event) || !FROM_WASM.test(new Error().stack ?? '')) return;
  // 'newListener' fires before the listener is attached: take it off right after.
  queueMicrotask(() => process.removeListener(event, listener));
});
