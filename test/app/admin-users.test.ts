import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CHAIN, verifyAuditChains } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { appRequest, context, flashOf, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["admin", "reviewer.one", "reviewer.two", "lead.kent", "lead.manchester"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const KENT = "E54000032";
const DEVON = "E54000037";
const GOOD_PASSWORD = "a long and memorable passphrase";

type FormReply = {
  init: { status: number };
  data: { result: { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } | null; invited: unknown };
};
type UserPageReply = {
  init: { status: number };
  data: { form: string; result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } };
};
type Problem = { init: { status: number }; data: { problem: string } };

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;

async function routes() {
  return {
    list: await import("../../app/routes/admin-users.tsx"),
    invite: await import("../../app/routes/admin-users.invite.tsx"),
    user: await import("../../app/routes/admin-user.tsx"),
    setPassword: await import("../../app/routes/set-password.tsx"),
  };
}

async function invitePost(fields: Record<string, string | string[]>, who = "admin") {
  const { invite } = await routes();
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  const request = appRequest("/admin/users/invite", { method: "POST", body, cookie: cookies[who] });
  return settle(() => invite.action(args(request)));
}

async function userPost(userId: string, fields: Record<string, string | string[]>, who = "admin") {
  const { user } = await routes();
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  const request = appRequest(`/admin/users/${userId}`, { method: "POST", body, cookie: cookies[who] });
  return settle(() => user.action(args(request, { userId })));
}

async function userPage(userId: string, who = "admin", search = "") {
  const { user } = await routes();
  return settle(() => user.loader(args(appRequest(`/admin/users/${userId}${search}`, { cookie: cookies[who] }), { userId })));
}

async function adminChain() {
  return database.selectFrom("audit_event").selectAll().where("chain", "=", ADMIN_CHAIN).orderBy("seq").execute();
}

async function invited(email: string, role = "lead", footprints: string[] = [KENT]) {
  const reply = (await invitePost({ name: `Person ${email.split("@")[0]}`, email, role, footprints })) as {
    invited: { id: string; link: string };
  };
  if (!reply.invited) throw new Error(`not invited: ${JSON.stringify(reply)}`);
  return reply.invited;
}

describe("who may use the user administration pages", () => {
  it("lets an admin in and refuses reviewers and leads with 403, from every loader and action", async () => {
    const { list, invite, user } = await routes();
    const target = ids["lead.manchester"]!;
    for (const who of ["reviewer.one", "lead.kent"]) {
      const cookie = cookies[who];
      const attempts = [
        settle(() => list.loader(args(appRequest("/admin/users", { cookie })))),
        settle(() => invite.loader(args(appRequest("/admin/users/invite", { cookie })))),
        settle(() =>
          invite.action(args(formPost("/admin/users/invite", { name: "X", email: "x@example.nhs.uk", role: "admin" }, { cookie }))),
        ),
        settle(() => user.loader(args(appRequest(`/admin/users/${target}`, { cookie }), { userId: target }))),
        settle(() =>
          user.action(
            args(formPost(`/admin/users/${target}`, { intent: "deactivate", deactivationReason: "x" }, { cookie }), { userId: target }),
          ),
        ),
      ];
      for (const refused of await Promise.all(attempts)) {
        expect(refused, who).toBeInstanceOf(Response);
        expect((refused as Response).status, who).toBe(403);
      }
    }
    expect(await database.selectFrom("user").select("id").where("email", "=", "x@example.nhs.uk").execute()).toEqual([]);
    expect((await userPage(target)) as { user: { status: string } }).toMatchObject({ user: { status: "active" } });
  });

  it("lists every account for an admin with role, footprints, conflicts and status", async () => {
    const { list } = await routes();
    const page = await list.loader(args(appRequest("/admin/users", { cookie: cookies.admin })));
    expect(page.users.length).toBeGreaterThanOrEqual(7);
    expect(page.users.find((u) => u.email === "lead.kent@example.nhs.uk")).toMatchObject({
      role: "lead",
      status: "active",
      footprints: [{ code: KENT, name: "Kent and Medway" }],
      conflictCount: 0,
      lastSignInAt: expect.any(String),
    });
    expect(page.users.find((u) => u.email === "reviewer.three@example.nhs.uk")).toMatchObject({ role: "reviewer", conflictCount: 1 });
  });

  it("answers an unknown user id with 404", async () => {
    expect(await userPage("no-such-user")).toMatchObject({ init: { status: 404 } });
  });
});

describe("/admin/users/invite", () => {
  it("offers all 44 footprints grouped by region", async () => {
    const { invite } = await routes();
    const page = await invite.loader(args(appRequest("/admin/users/invite", { cookie: cookies.admin })));
    expect(page.regions).toHaveLength(7);
    expect(page.regions.flatMap((r) => r.footprints)).toHaveLength(44);
    expect(page.production).toBe(false);
  });

  it("asks for each field with NHS messages and keeps what was typed", async () => {
    const blank = (await invitePost({ name: " ", email: "" })) as FormReply;
    expect(blank.init.status).toBe(400);
    expect(blank.data.result!.error).toMatchObject({
      name: ["Enter the person's full name"],
      email: ["Enter their email address"],
      role: ["Select the person's role"],
    });

    // Every problem at once, including the one that depends on two fields.
    const twoProblems = (await invitePost({ name: "Jo Bloggs", role: "lead" })) as FormReply;
    expect(twoProblems.data.result!.error).toEqual({
      email: ["Enter their email address"],
      footprints: ["Select at least one footprint for a system lead"],
    });

    const badEmail = (await invitePost({ name: "Jo Bloggs", email: "jo.bloggs", role: "reviewer" })) as FormReply;
    expect(badEmail.data.result!.error).toEqual({ email: ["Enter an email address in the correct format, like name@example.nhs.uk"] });
    expect(badEmail.data.result!.initialValue).toMatchObject({ name: "Jo Bloggs", email: "jo.bloggs", role: "reviewer" });

    const leadWithout = (await invitePost({ name: "Jo Bloggs", email: "jo@example.nhs.uk", role: "lead" })) as FormReply;
    expect(leadWithout.data.result!.error).toEqual({ footprints: ["Select at least one footprint for a system lead"] });

    const reviewerWith = (await invitePost({
      name: "Jo Bloggs",
      email: "jo@example.nhs.uk",
      role: "reviewer",
      footprints: [KENT, DEVON],
    })) as FormReply;
    expect(reviewerWith.data.result!.error).toEqual({
      footprints: ["Only system leads belong to footprints. Clear the footprints, or choose system lead"],
    });
    expect(reviewerWith.data.result!.initialValue).toMatchObject({ footprints: [KENT, DEVON] });

    const unknown = (await invitePost({
      name: "Jo Bloggs",
      email: "jo@example.nhs.uk",
      role: "lead",
      footprints: ["E99999999"],
    })) as FormReply;
    expect(unknown.data.result!.error).toEqual({ footprints: ["Select footprints from the list"] });
    expect(await database.selectFrom("user").select("id").where("email", "=", "jo@example.nhs.uk").execute()).toEqual([]);
  });

  it("refuses an email address that already has an account, whatever its case", async () => {
    const before = (await adminChain()).length;
    const duplicate = (await invitePost({
      name: "Kendall Again",
      email: "Lead.Kent@example.nhs.uk",
      role: "lead",
      footprints: KENT,
    })) as FormReply;
    expect(duplicate.init.status).toBe(400);
    expect(duplicate.data.result!.error).toEqual({
      email: ["An account with this email address already exists. Open it from the list of users to change it"],
    });
    expect(duplicate.data.result!.initialValue).toMatchObject({ name: "Kendall Again", email: "Lead.Kent@example.nhs.uk" });
    expect(await adminChain()).toHaveLength(before);
  });

  it("invites: the account, the email in the outbox, the link shown outside production, an audit entry", async () => {
    const reply = (await invitePost({
      name: "Devon Lead",
      email: "devon.lead@example.nhs.uk",
      role: "lead",
      footprints: [DEVON, KENT],
    })) as {
      invited: { id: string; name: string; email: string; link: string; expiresAt: string };
    };
    expect(reply.invited).toMatchObject({ name: "Devon Lead", email: "devon.lead@example.nhs.uk", role: "lead" });
    expect(reply.invited.link).toMatch(/^http:\/\/localhost:3000\/set-password\?token=[\w-]{43}$/);
    const outbox = await database
      .selectFrom("outbox")
      .select(["subject", "body"])
      .where("to_address", "=", "devon.lead@example.nhs.uk")
      .execute();
    expect(outbox).toEqual([
      { subject: "NCM Assure: You have been invited to NCM Assure", body: expect.stringContaining(reply.invited.link) },
    ]);
    const page = (await userPage(reply.invited.id)) as { user: { status: string; footprints: { code: string }[] } };
    expect(page.user.status).toBe("invited");
    expect(page.user.footprints.map((f) => f.code).sort()).toEqual([DEVON, KENT].sort());
    const entry = (await adminChain()).at(-1)!;
    expect(entry).toMatchObject({ action: "INVITE_USER", actor_id: ids.admin });
    expect(entry.payload).not.toContain(new URL(reply.invited.link).searchParams.get("token"));
  });
});

describe("/set-password", () => {
  async function open(token: string | null) {
    const { setPassword } = await routes();
    const path = token === null ? "/set-password" : `/set-password?token=${encodeURIComponent(token)}`;
    return settle(() => setPassword.loader(args(appRequest(path))));
  }
  async function post(fields: Record<string, string>) {
    const { setPassword } = await routes();
    return settle(() => setPassword.action(args(formPost(`/set-password?token=${encodeURIComponent(fields.token ?? "")}`, fields))));
  }

  it("shows the form for a good link, to someone who is not signed in", async () => {
    const person = await invited("good.link@example.nhs.uk");
    const token = new URL(person.link).searchParams.get("token")!;
    expect(await open(token)).toEqual({ problem: null, token, name: "Person good.link", email: "good.link@example.nhs.uk", linkDays: 7 });
  });

  it("explains a missing or made-up link with 400, saying nothing about any account", async () => {
    for (const token of [null, "", "not-a-real-token"]) {
      const reply = (await open(token)) as Problem & { data: Record<string, unknown> };
      expect(reply.init.status).toBe(400);
      expect(reply.data).toEqual({ problem: "invalid", token: "", name: "", email: "", linkDays: 7 });
    }
    expect(await post({ token: "not-a-real-token", password: GOOD_PASSWORD, confirmPassword: GOOD_PASSWORD })).toMatchObject({
      init: { status: 400 },
      data: { problem: "invalid" },
    });
  });

  it("checks the password with NHS messages and never sends it back", async () => {
    const person = await invited("checks@example.nhs.uk");
    const token = new URL(person.link).searchParams.get("token")!;
    const blank = (await post({ token })) as FormReply;
    expect(blank.init.status).toBe(400);
    expect(blank.data.result!.error).toMatchObject({ password: ["Enter a new password"], confirmPassword: ["Enter the password again"] });
    const short = (await post({ token, password: "too short", confirmPassword: "too short" })) as FormReply;
    expect(short.data.result!.error).toMatchObject({ password: ["Password must be 12 characters or more"] });
    const mismatch = (await post({ token, password: GOOD_PASSWORD, confirmPassword: `${GOOD_PASSWORD}!` })) as FormReply;
    expect(mismatch.data.result!.error).toEqual({ confirmPassword: ["The passwords do not match. Enter the same password twice"] });
    expect(JSON.stringify(mismatch.data)).not.toContain(GOOD_PASSWORD);
    // The link still works after mistakes.
    expect(await open(token)).toMatchObject({ problem: null });
  });

  it("sets the password, sends the person to sign in, and the link then answers 410", async () => {
    const person = await invited("sets.it@example.nhs.uk");
    const token = new URL(person.link).searchParams.get("token")!;
    const response = (await post({ token, password: GOOD_PASSWORD, confirmPassword: GOOD_PASSWORD })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/sign-in?passwordSet=1");

    const { signIn } = await import("../../app/.server/session.ts");
    expect(await signIn(appRequest("/sign-in"), { email: "sets.it@example.nhs.uk", password: GOOD_PASSWORD })).toMatchObject({ ok: true });

    expect(await open(token)).toMatchObject({ init: { status: 410 }, data: { problem: "used" } });
    expect(await post({ token, password: "yet another passphrase", confirmPassword: "yet another passphrase" })).toMatchObject({
      init: { status: 410 },
      data: { problem: "used" },
    });
    expect((await adminChain()).at(-1)).toMatchObject({ action: "SET_PASSWORD", actor_id: person.id });
  });

  it("answers 410 for a link a newer invitation replaced", async () => {
    const person = await invited("replaced@example.nhs.uk");
    const reply = (await userPost(person.id, { intent: "reinvite" })) as { reinvited: { link: string } };
    expect(reply.reinvited.link).not.toBe(person.link);
    expect(await open(new URL(person.link).searchParams.get("token"))).toMatchObject({
      init: { status: 410 },
      data: { problem: "expired" },
    });
    expect(await open(new URL(reply.reinvited.link).searchParams.get("token"))).toMatchObject({ problem: null });
  });
});

describe("/admin/users/:userId", () => {
  it("shows an account's details, and that an admin's own account is theirs", async () => {
    const page = (await userPage(ids["lead.kent"]!)) as { user: Record<string, unknown>; self: boolean; footprints: unknown[] };
    expect(page.user).toMatchObject({ email: "lead.kent@example.nhs.uk", role: "lead", status: "active", footprints: [{ code: KENT }] });
    expect(page.self).toBe(false);
    expect(page.footprints).toHaveLength(44);
    expect(await userPage(ids.admin!)).toMatchObject({ self: true });
  });

  it("refuses to let an admin deactivate or demote themselves, with a clear message", async () => {
    const before = (await adminChain()).length;
    const deactivate = (await userPost(ids.admin!, { intent: "deactivate", deactivationReason: "Leaving" })) as UserPageReply;
    expect(deactivate.init.status).toBe(403);
    expect(deactivate.data.result.error).toEqual({
      "": ["You cannot deactivate your own account. Ask another programme administrator to do it."],
    });
    const demote = (await userPost(ids.admin!, { intent: "access", role: "reviewer" })) as UserPageReply;
    expect(demote.init.status).toBe(403);
    expect(demote.data.result.error).toEqual({ role: ["You cannot change your own role. Ask another programme administrator to do it."] });
    expect(await adminChain()).toHaveLength(before);
    expect(await userPage(ids.admin!)).toMatchObject({ user: { role: "admin", status: "active" } });
  });

  it("changes role and footprints, keeping what was typed when they do not fit", async () => {
    const target = ids["lead.manchester"]!;
    const misfit = (await userPost(target, { intent: "access", role: "reviewer", footprints: ["E54000007"] })) as UserPageReply;
    expect(misfit.init.status).toBe(400);
    expect(misfit.data.result.error).toEqual({
      footprints: ["Only system leads belong to footprints. Clear the footprints, or choose system lead"],
    });
    expect(misfit.data.result.initialValue).toMatchObject({ role: "reviewer" });
    expect([misfit.data.result.initialValue.footprints].flat()).toEqual(["E54000007"]);
    expect(await userPost(target, { intent: "access" })).toMatchObject({
      init: { status: 400 },
      data: { form: "access", result: { error: { role: ["Select a role"] } } },
    });

    const moved = (await userPost(target, { intent: "access", role: "lead", footprints: ["E54000007", KENT] })) as Response;
    expect(moved.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(moved)).toBe("The role and footprints have been saved.");
    expect(await userPage(target, "admin")).toMatchObject({
      user: { footprints: [{ code: "E54000007" }, { code: KENT }] },
    });
    expect((await adminChain()).at(-1)).toMatchObject({ action: "CHANGE_FOOTPRINTS" });

    const unchanged = (await userPost(target, { intent: "access", role: "lead", footprints: [KENT, "E54000007"] })) as Response;
    expect(unchanged.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(unchanged)).toBe("Nothing was changed: the role and footprints were already as you chose.");

    const reviewer = (await userPost(target, { intent: "access", role: "reviewer" })) as Response;
    expect(reviewer.status).toBe(302);
    expect(await userPage(target)).toMatchObject({ user: { role: "reviewer", footprints: [] } });
    expect((await adminChain()).slice(-2).map((e) => e.action)).toEqual(["CHANGE_ROLE", "CHANGE_FOOTPRINTS"]);
  });

  it("records and withdraws a reviewer's conflict on their behalf", async () => {
    const target = ids["reviewer.one"]!;
    const blank = (await userPost(target, { intent: "record-conflict", conflictFootprint: "", conflictReason: "" })) as UserPageReply;
    expect(blank.data.result.error).toEqual({
      conflictFootprint: ["Select the footprint they have a conflict with"],
      conflictReason: ["Enter the reason for the conflict"],
    });
    const recorded = (await userPost(target, {
      intent: "record-conflict",
      conflictFootprint: DEVON,
      conflictReason: "Sister runs a Devon CCG",
    })) as Response;
    expect(recorded.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(recorded)).toBe("The conflict has been recorded.");
    expect((await adminChain()).at(-1)).toMatchObject({ action: "RECORD_CONFLICT", actor_id: ids.admin });
    expect(await userPage(target)).toMatchObject({ user: { conflicts: [{ footprintCode: DEVON, reason: "Sister runs a Devon CCG" }] } });

    const again = (await userPost(target, {
      intent: "record-conflict",
      conflictFootprint: DEVON,
      conflictReason: "Again",
    })) as UserPageReply;
    expect(again.data.result.error.conflictFootprint?.[0]).toMatch(/already has a conflict recorded with/);
    expect(again.data.result.initialValue).toMatchObject({ conflictFootprint: DEVON, conflictReason: "Again" });

    const withdrawn = (await userPost(target, { intent: "withdraw-conflict", footprintCode: DEVON })) as Response;
    expect(withdrawn.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(withdrawn)).toBe("The conflict has been withdrawn.");
    expect(await userPage(target)).toMatchObject({ user: { conflicts: [] } });
    expect(await userPost(target, { intent: "withdraw-conflict", footprintCode: DEVON })).toMatchObject({ init: { status: 400 } });
    expect(await userPost(target, { intent: "explode" })).toMatchObject({ init: { status: 400 } });
  });

  it("deactivates with a reason: the person's open session ends at once and they cannot sign in; reactivation lets them back", async () => {
    const target = ids["reviewer.two"]!;
    const { requireUser, signIn } = await import("../../app/.server/session.ts");
    await expect(requireUser(appRequest("/", { cookie: cookies["reviewer.two"] }))).resolves.toMatchObject({ id: target });

    const noReason = (await userPost(target, { intent: "deactivate", deactivationReason: "  " })) as UserPageReply;
    expect(noReason.data.result.error).toEqual({ deactivationReason: ["Enter why the account is being deactivated"] });

    const response = (await userPost(target, { intent: "deactivate", deactivationReason: "Left NHS England" })) as Response;
    expect(response.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(response)).toBe("The account has been deactivated and its sessions ended.");
    const ended = (await settle(() => requireUser(appRequest("/reviews", { cookie: cookies["reviewer.two"] })))) as Response;
    expect(ended.status).toBe(302);
    expect(ended.headers.get("Location")).toBe("/sign-in?redirectTo=%2Freviews");

    const refused = await signIn(appRequest("/sign-in"), { email: "reviewer.two@example.nhs.uk", password: "assure-demo-password" });
    expect(refused).toEqual({ ok: false, reason: "invalid" });
    expect(await userPage(target)).toMatchObject({
      user: { status: "deactivated", deactivationReason: "Left NHS England", deactivatedByName: "Alex Admin" },
    });
    expect((await adminChain()).at(-1)).toMatchObject({ action: "DEACTIVATE_USER" });

    const again = (await userPost(target, { intent: "deactivate", deactivationReason: "Twice" })) as UserPageReply;
    expect(again.data.result.error[""]?.[0]).toMatch(/already deactivated/);

    const reactivated = (await userPost(target, { intent: "reactivate" })) as Response;
    expect(reactivated.headers.get("Location")).toBe(`/admin/users/${target}`);
    expect(await flashOf(reactivated)).toBe("The account has been reactivated. They can sign in again.");
    expect(await signIn(appRequest("/sign-in"), { email: "reviewer.two@example.nhs.uk", password: "assure-demo-password" })).toMatchObject({
      ok: true,
    });
    expect((await adminChain()).at(-1)).toMatchObject({ action: "REACTIVATE_USER" });
  });

  it("sends a new invitation only while the person cannot yet sign in (no password, no single sign-on)", async () => {
    const refused = (await userPost(ids["lead.kent"]!, { intent: "reinvite" })) as UserPageReply;
    expect(refused.init.status).toBe(400);
    expect(refused.data.result.error[""]?.[0]).toMatch(/can already sign in \(with a password or single sign-on\)/);
  });

  it("leaves the audit chains intact", async () => {
    expect(await verifyAuditChains(database)).toMatchObject({ intact: true });
  });
});
