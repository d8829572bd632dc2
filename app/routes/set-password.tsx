import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { parseForm } from "../.server/forms.ts";
import type { Route } from "./+types/set-password";
import { ErrorSummary, PageTitle } from "../components/ErrorSummary.tsx";
import { TextInput } from "../components/form/TextInput.tsx";
import { db } from "../.server/db.ts";
import { checkSetPasswordLink, INVITATION_DAYS, type LinkProblem, setPasswordWithLink } from "../.server/users.ts";

// Public on purpose: reached from a one-time invitation link by someone who has no password yet.
// The token is the only credential, so every answer is the same whatever account it may belong to.

const PROBLEM_STATUS: Record<LinkProblem, number> = { invalid: 400, used: 410, expired: 410 };

function problem(kind: LinkProblem) {
  return data({ problem: kind, result: null }, { status: PROBLEM_STATUS[kind] });
}

export async function loader({ request }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const link = await checkSetPasswordLink(db(), token);
  if (!link.ok) {
    return data(
      { problem: link.problem, token: "", name: "", email: "", linkDays: INVITATION_DAYS },
      { status: PROBLEM_STATUS[link.problem] },
    );
  }
  return { problem: null, token, name: link.name, email: link.email, linkDays: INVITATION_DAYS };
}

// better-auth's limits (minPasswordLength 12 in app/.server/auth.ts, and its default maximum of 128).
const SetPasswordSchema = z
  .object({
    token: z.string().optional(),
    password: z
      .string({ error: "Enter a new password" })
      .min(12, "Password must be 12 characters or more")
      .max(128, "Password must be 128 characters or fewer"),
    confirmPassword: z.string({ error: "Enter the password again" }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match. Enter the same password twice",
  });

export async function action({ request }: Route.ActionArgs) {
  const formData = await request.formData();
  const token = typeof formData.get("token") === "string" ? (formData.get("token") as string) : "";
  const link = await checkSetPasswordLink(db(), token);
  if (!link.ok) return problem(link.problem);
  const submission = parseForm(formData, SetPasswordSchema);
  if (submission.status !== "success") {
    return data({ problem: null, result: submission.reply({ hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
  }
  const done = await setPasswordWithLink(db(), token, submission.value.password);
  if (!done.ok) return problem(done.problem);
  return redirect("/sign-in?passwordSet=1");
}

export default function SetPassword({ loaderData: d, actionData }: Route.ComponentProps) {
  const trouble = actionData?.problem ?? d.problem;
  if (trouble) return <LinkTrouble problem={trouble} linkDays={d.linkDays} />;
  return <SetPasswordForm token={d.token} name={d.name} email={d.email} lastResult={actionData?.result ?? undefined} />;
}

function SetPasswordForm(props: { token: string; name: string; email: string; lastResult: SubmissionResult<string[]> | undefined }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: props.lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SetPasswordSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const summary = [
    ...(fields.password.errors ?? []).map((message) => ({ fieldId: fields.password.id, message })),
    ...(fields.confirmPassword.errors ?? []).map((message) => ({ fieldId: fields.confirmPassword.id, message })),
  ];
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <ErrorSummary errors={summary} title="Set your password" />
        <h1>Set your password</h1>
        <p>
          Welcome to NCM Assure, {props.name}. Choose a password for your account, <strong>{props.email}</strong>. You will sign in with
          this email address and password.
        </p>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="token" value={props.token} />
          <TextInput
            field={fields.password}
            label="New password"
            labelClassName="nhsuk-label nhsuk-label--s"
            hint="At least 12 characters. A few unrelated words together are easy to remember and hard to guess."
            type="password"
            autoComplete="new-password"
            spellCheck={false}
          />
          <TextInput
            field={fields.confirmPassword}
            label="Enter the password again"
            labelClassName="nhsuk-label nhsuk-label--s"
            type="password"
            autoComplete="new-password"
            spellCheck={false}
          />
          <button className="nhsuk-button" type="submit" data-module="nhsuk-button" disabled={navigation.state === "submitting"}>
            Set password
          </button>
        </Form>
      </div>
    </div>
  );
}

const TROUBLE: Record<LinkProblem, { title: string; body: (linkDays: number) => string }> = {
  invalid: {
    title: "This link is not valid",
    body: () =>
      "Check that you opened the whole link from your invitation email. If it still does not work, ask your programme administrator for a new invitation.",
  },
  used: {
    title: "This link has already been used",
    body: () =>
      "Each link sets a password once. If you have set your password, sign in with it. If you have not, ask your programme administrator for a new invitation.",
  },
  expired: {
    title: "This link has expired",
    body: (linkDays) =>
      `Invitation links work for ${linkDays} days, and only the newest one sent to you works. Ask your programme administrator for a new invitation.`,
  },
};

function LinkTrouble({ problem: kind, linkDays }: { problem: LinkProblem; linkDays: number }) {
  const words = TROUBLE[kind];
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageTitle title={words.title} />
        <h1>{words.title}</h1>
        <p>{words.body(linkDays)}</p>
        <p>
          <Link to="/sign-in">Go to sign in</Link>
        </p>
      </div>
    </div>
  );
}

// The token is in the address: keep the page out of caches. (Not "Referrer-Policy: no-referrer":
// Chromium then sends "Origin: null" with the form's POST, which the server refuses as cross-site.
// The site-wide strict-origin-when-cross-origin already keeps the path from other sites.)
export const headers: Route.HeadersFunction = () => ({ "Cache-Control": "no-store" });

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
