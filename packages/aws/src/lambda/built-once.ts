/**
 * What a handler builds from its runtime (its middy chain, a client), built once per runtime and reused
 * until the runtime is replaced — by a new cold start, or by a test reconfiguring it.
 *
 * @example
 * const handlerFor = builtOncePer((runtime: LambdaRuntime) => wrap(runtime));
 * export const handler = (event, context) => handlerFor(lambdaRuntime())(event, context);
 */
export function builtOncePer<R extends object, T>(build: (runtime: R) => T): (runtime: R) => T {
  let built: { runtime: R; value: T } | undefined;
  return (runtime) => {
    if (built?.runtime !== runtime) built = { runtime, value: build(runtime) };
    return built.value;
  };
}
