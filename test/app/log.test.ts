import { describe, expect, it } from "vitest";
import { createLogger, REDACTED } from "../../app/.server/log.ts";

/** A logger like the service's, writing into an array instead of standard output. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ write: (line: string) => void lines.push(line) });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SECRETS = {
  cookie: "better-auth.session_token=abc123SECRETcookie",
  authorization: "Bearer SECRETtoken-4f9a",
  password: "correct-horse-SECRET",
  evidence: "Patient SECRET-CONTENT of an uploaded document",
};

describe("the service's log lines", () => {
  it("never carry a cookie, authorization header, password or evidence content, wherever they sit in what was logged", () => {
    const { logger, lines, parsed } = capturingLogger();
    logger.info(
      {
        req: { method: "POST", url: "/sign-in", headers: { cookie: SECRETS.cookie, authorization: SECRETS.authorization } },
        headers: { cookie: SECRETS.cookie, authorization: SECRETS.authorization, "set-cookie": SECRETS.cookie },
        password: SECRETS.password,
        form: { email: "x@example.nhs.uk", password: SECRETS.password, newPassword: SECRETS.password },
        evidence: { name: "plan.pdf", content: SECRETS.evidence },
        body: SECRETS.evidence,
      },
      "a careless line",
    );
    logger.error({ cookie: SECRETS.cookie, authorization: SECRETS.authorization, token: SECRETS.authorization }, "another");

    const output = lines.join("");
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    const [first] = parsed();
    // Blanked, not dropped: the line still says the field was there.
    expect(first).toMatchObject({
      level: "info",
      message: "a careless line",
      req: { method: "POST", url: "/sign-in", headers: { cookie: REDACTED, authorization: REDACTED } },
      password: REDACTED,
      form: { password: REDACTED },
      evidence: { name: "plan.pdf", content: REDACTED },
    });
  });

  it("are one JSON object per line with the level as a word, an ISO time and the error's stack", () => {
    const { logger, parsed } = capturingLogger();
    logger.error({ errorId: "e-1", err: new Error("boom") }, "unexpected error");
    const [line] = parsed();
    expect(line).toMatchObject({ level: "error", errorId: "e-1", message: "unexpected error", err: { message: "boom" } });
    expect(line!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((line!.err as { stack: string }).stack).toContain("boom");
  });
});
