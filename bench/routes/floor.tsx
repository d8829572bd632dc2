// Benchmark only (registered when NCM_BENCH_ROUTES=1 at build time, see app/routes.ts): the
// framework floor. A page with no loader of its own, rendered inside the real root layout, so it
// costs what every page costs before doing any work: the host's middleware, the root loader
// (session lookup), React's render and the NHS layout.
export default function Floor() {
  return (
    <>
      <title>Framework floor – NCM Assure</title>
      <h1>Framework floor</h1>
      <p>A page with no loader, for measuring what the framework alone costs.</p>
    </>
  );
}
