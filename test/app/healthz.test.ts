import { afterAll, beforeAll, expect, it } from "vitest";
import { prepareAppDatabase } from "../support/app.ts";

let cleanup = () => {};
beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
});
afterAll(() => cleanup());

it("/healthz answers 200 with JSON saying the database is reachable", async () => {
  const { loader } = await import("../../app/routes/healthz.ts");
  const response = await loader();
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: { engine: "sqlite", reachable: true } });
});
