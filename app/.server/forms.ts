import { data } from "react-router";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";

/**
 * The largest body any form but the evidence upload may send, checked by the HTTP host
 * (server/app.ts) from Content-Length before anything reads the body, or counted as it arrives. The longest answers are
 * 10,000 characters; five of them in non-Latin script, percent-encoded at up to 9 bytes a
 * character, still fit.
 */
export const MAX_FORM_BODY_BYTES = 512 * 1024;

// With JavaScript on, React Router posts the same form to the route's `.data` address.
const EVIDENCE_UPLOAD_PATH = /^\/submissions\/[^/]+\/sections\/evidence(?:\/|\.data)?$/;

/**
 * The body limit the HTTP host applies to a request path, or null for the evidence upload, which
 * reads its body as a stream under its own limits (readUploadForm in evidence.ts: 21 MB, counted as
 * it arrives, and past that drained for the form's other answers without being held). The host
 * counts a body without a Content-Length too, and answers 413 past the limit.
 */
export function bodyLimitFor(path: string): number | null {
  return EVIDENCE_UPLOAD_PATH.test(path) ? null : MAX_FORM_BODY_BYTES;
}

/**
 * The longest field name, and the most levels of nesting (`a.b[0].c` has 4), a form may use. The
 * deepest real name is `outcomes.metrics[3].years[2].value` (6 levels); Conform recurses once per
 * level, so `a[0][0]…` ten thousand deep overflowed its stack.
 */
export const MAX_FIELD_NAME_LENGTH = 200;
export const MAX_FIELD_NAME_DEPTH = 8;

/**
 * The highest list position a posted field name may use (`practices[999].name`). Conform turns
 * field names into arrays, so a forged `practices[99999999].name` would make the server build an
 * array of a hundred million entries for one request: seconds of work, gigabytes of memory, and
 * with a few of them the process runs out. No list on any form comes near this many rows.
 */
export const MAX_LIST_INDEX = 999;

const UNREADABLE = "The form could not be read. Go back to the page and try again.";

/**
 * Refuses (400) a post whose field names are too long or too deeply nested, or whose names or
 * add/remove/reorder intent point past MAX_LIST_INDEX. Call it on every form, before parsing.
 */
export function requireReadableForm(formData: FormData): FormData {
  for (const name of new Set(formData.keys())) {
    if (name.length > MAX_FIELD_NAME_LENGTH || (name.match(/[.[]/g)?.length ?? 0) + 1 > MAX_FIELD_NAME_DEPTH) {
      throw data(UNREADABLE, { status: 400 });
    }
    for (const [, index] of name.matchAll(/\[(\d+)\]/g)) {
      if (index!.length > 4 || Number(index) > MAX_LIST_INDEX) throw data(UNREADABLE, { status: 400 });
    }
  }
  const intent = formData.get("__intent__");
  if (typeof intent === "string" && /"(index|from|to)"\s*:\s*-?\d{4,}/.test(intent)) {
    const payload = safeJson(intent);
    const positions = [payload?.index, payload?.from, payload?.to].filter((n) => n !== undefined);
    if (positions.some((n) => typeof n !== "number" || Math.abs(n) > MAX_LIST_INDEX)) throw data(UNREADABLE, { status: 400 });
  }
  return formData;
}

function safeJson(text: string): { index?: unknown; from?: unknown; to?: unknown } | null {
  try {
    const value = JSON.parse(text) as { payload?: { index?: unknown; from?: unknown; to?: unknown } };
    return value?.payload ?? null;
  } catch {
    return null;
  }
}

/** How much of a field with no stated maximum is sent back to the page that posted it. */
export const MAX_ECHOED_CHARACTERS = 1000;

/**
 * What was posted, cut to what the page may show again: each string to its own schema's maximum
 * length (or MAX_ECHOED_CHARACTERS where the schema states none), and fields the schema does not
 * know dropped. A form sent back with errors keeps what the person typed, but a forged 500 KB value
 * is not written into the page twice (the input and the hydration data).
 */
export function clipToSchema(value: unknown, schema: z.ZodType | undefined): unknown {
  const { inner, maxLength } = walkWrappers(schema);
  if (typeof value === "string") {
    const max = maxLength ?? MAX_ECHOED_CHARACTERS;
    return value.length > max ? value.slice(0, max) : value;
  }
  if (Array.isArray(value)) {
    const element = inner?._zod.def.type === "array" ? (inner as z.ZodArray)._zod.def.element : undefined;
    return value.slice(0, MAX_LIST_INDEX + 1).map((item) => clipToSchema(item, element as z.ZodType | undefined));
  }
  if (value && typeof value === "object") {
    if (inner?._zod.def.type === "union") return clipToSchema(value, optionPosted(inner as z.ZodUnion, value as Record<string, unknown>));
    const shape = inner?._zod.def.type === "object" ? (inner as z.ZodObject).shape : undefined;
    const entries = Object.entries(value).filter(([key]) => !shape || key in shape);
    return Object.fromEntries(entries.map(([key, item]) => [key, clipToSchema(item, shape?.[key] as z.ZodType | undefined)]));
  }
  return value;
}

/**
 * The option of a discriminated union (one schema per intent) that a posted form chose by its
 * discriminator, so its reply is clipped by that form's fields; undefined if it names none.
 */
function optionPosted(union: z.ZodUnion, value: Record<string, unknown>): z.ZodType | undefined {
  const { discriminator } = union._zod.def as { discriminator?: string };
  if (!discriminator) return undefined;
  return (union.options as readonly z.ZodType[]).find((option) => {
    const { inner } = walkWrappers(option);
    const tag = inner?._zod.def.type === "object" ? (inner as z.ZodObject).shape[discriminator] : undefined;
    return tag?._zod.values?.has(value[discriminator] as string) ?? false;
  });
}

/**
 * One walk down a field's optional, nullable, default, preprocess and pipe wrappers, giving the
 * schema a value is typed into (`inner`) and the longest its text may be, as first stated on the
 * way (`maxLength`): a string's `.max()`, or the `maxLength` metadata of a field parsed from text
 * by a transform (the section forms). Through a pipe it follows the side that reads the posted
 * text: the input, unless the input is a transform, whose output schema then says what it became.
 */
function walkWrappers(schema: z.ZodType | undefined): { inner: z.ZodType | undefined; maxLength: number | undefined } {
  let current = schema;
  let maxLength: number | undefined;
  for (let depth = 0; current && depth < 10; depth++) {
    if (maxLength === undefined) {
      const meta = current.meta() as { maxLength?: unknown } | undefined;
      if (typeof meta?.maxLength === "number") maxLength = meta.maxLength;
      else if ("maxLength" in current && typeof current.maxLength === "number") maxLength = current.maxLength;
    }
    const def = current._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType };
    const next = def.innerType ?? (def.type === "pipe" ? (def.in?._zod.def.type === "transform" ? def.out : def.in) : undefined);
    if (!next) break;
    current = next;
  }
  return { inner: current, maxLength };
}

// biome-ignore lint/suspicious/noExplicitAny: Conform's reply options and result vary by form
type Replying = { reply: (options?: any) => { initialValue?: unknown } };

/**
 * A Conform submission whose reply sends back only what clipToSchema allows. Every action that
 * answers a form with its errors replies through this, so no page echoes a value past its field's
 * maximum length.
 */
export function withClippedReply<S extends Replying>(submission: S, schema: z.ZodType): S {
  const reply = submission.reply.bind(submission);
  return {
    ...submission,
    reply: ((options?: unknown) => {
      const result = reply(options);
      return result.initialValue ? { ...result, initialValue: clipToSchema(result.initialValue, schema) } : result;
    }) as S["reply"],
  };
}

/** Reads a posted form the one safe way: names checked before parsing, the reply clipped after. */
export function parseForm<Schema extends z.ZodType>(formData: FormData, schema: Schema) {
  return withClippedReply(parseWithZod(requireReadableForm(formData), { schema }), schema);
}

/**
 * A workflow event's refusal as its form's answer: the friendly 404 when the submission is gone,
 * 409 when someone else changed it first, 403 otherwise, with the reason at the top of the form.
 */
export function refusedReply<S extends Replying>(form: S, refused: { kind: string; reason: string }) {
  if (refused.kind === "not_found") throw data("Submission not found", { status: 404 });
  // The reply keeps its form's own type, so the page reads it as it reads a reply with field errors.
  const result = form.reply({ formErrors: [refused.reason] }) as ReturnType<S["reply"]>;
  return data({ result }, { status: refused.kind === "conflict" ? 409 : 403 });
}
