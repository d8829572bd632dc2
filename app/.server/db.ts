import { createDb, type Db } from "../../db/client.ts";
import { env } from "./env.ts";
import { logger } from "./log.ts";

// One pool per process, kept on globalThis so the dev server's module reloads do not open more.
const holder = globalThis as typeof globalThis & { __ncmDb?: Db };

export function db(): Db {
  holder.__ncmDb ??= createDb(env().databaseUrl, { logger });
  return holder.__ncmDb;
}
