import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { parseForm } from "../.server/forms.ts";
import type { Route } from "./+types/sign-in";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { TextInput } from "../components/form/TextInput.tsx";
import { getUser, safeRedirectTo, signIn } from "../.server/session.ts";
import { env } from "../.server/env.ts";
import { ssoMessage } from "../.server/single-sign-on.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectTo(url.searchParams.get("redirectTo") ?? "/");
  if (await getUser(request)) throw redirect(redirectTo);
  const { sso } = env();
  // A sign-in with the identity provider that was refused comes back here with better-auth's or
  // our own code (never shown as such: only our words for it, so a crafted link cannot put text on the page).
  const error = url.searchParams.get("error");
  return {
    redirectTo,
    signedOut: url.searchParams.has("signedOut"),
    passwordSet: url.searchParams.has("passwordSet"),
    sso: sso ? { providerName: sso.providerName, error: error ? ssoMessage(error.slice(0, 100), sso) : null } : null,
  };
}

const SignInSchema = z.object({
  email: z
    .email({
      error: (issue) =>
        issue.input === undefined ? "Enter your email address" : "Enter an email address in the correct format, like name@example.nhs.uk",
    })
    .max(254, "Enter an email address in the correct format, like name@example.nhs.uk"),
  password: z.string({ error: "Enter your password" }).max(512, "Password must be 512 characters or fewer"),
  redirectTo: z.string().max(2048).optional(),
});

// The same words whether the email is unknown or the password wrong, so the page never reveals
// which email addresses have accounts.
const WRONG_CREDENTIALS = "Enter a correct email address and password";

export async function action({ request }: Route.ActionArgs) {
  const formData = await request.formData();
  const submission = parseForm(formData, SignInSchema);
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const outcome = await signIn(request, submission.value);
  if (!outcome.ok) {
    const message =
      outcome.reason === "throttled"
        ? `Too many attempts to sign in from your connection. Wait ${outcome.retryAfterSeconds} seconds, then try again.`
        : WRONG_CREDENTIALS;
    return data(submission.reply({ formErrors: [message], hideFields: ["password"] }), {
      status: outcome.reason === "throttled" ? 429 : 401,
    });
  }
  const headers = new Headers();
  for (const cookie of outcome.setCookies) headers.append("Set-Cookie", cookie);
  return redirect(safeRedirectTo(submission.value.redirectTo), { headers });
}

const SSO_BUTTON_ID = "sign-in-with-provider";

export default function SignIn({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData,
    constraint: { email: { required: true }, password: { required: true } },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });

  const summary = [
    ...(loaderData.sso?.error && !actionData ? [{ fieldId: SSO_BUTTON_ID, message: loaderData.sso.error }] : []),
    ...(form.errors ?? []).map((message) => ({ fieldId: fields.email.id, message })),
    ...(fields.email.errors ?? []).map((message) => ({ fieldId: fields.email.id, message })),
    ...(fields.password.errors ?? []).map((message) => ({ fieldId: fields.password.id, message })),
  ];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <ErrorSummary errors={summary} title={"Sign in"} />
        {loaderData.passwordSet && summary.length === 0 ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>Your password has been set. Sign in with your email address and new password.</p>
          </div>
        ) : null}
        {loaderData.signedOut && summary.length === 0 ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>You have signed out.</p>
          </div>
        ) : null}
        <h1>Sign in to NCM Assure</h1>
        <p>
          Use the email address and password your programme administrator gave you. There is no public sign-up: ask your administrator for
          an account.
        </p>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
          <TextInput
            field={fields.email}
            label="Email address"
            type="email"
            autoComplete="username"
            spellCheck={false}
            invalid={Boolean(form.errors)}
          />
          <TextInput field={fields.password} label="Password" type="password" autoComplete="current-password" />
          <button className="nhsuk-button" type="submit" data-module="nhsuk-button" disabled={navigation.state === "submitting"}>
            Sign in
          </button>
        </Form>
        {loaderData.sso ? (
          <>
            <h2 className="nhsuk-heading-m">Sign in with {loaderData.sso.providerName}</h2>
            <p>
              If your programme administrator invited you using your {loaderData.sso.providerName} email address, you can sign in with your{" "}
              {loaderData.sso.providerName} account instead.
            </p>
            {/* A plain form, not React Router's: the answer is a redirect to the identity provider, a
                whole-page navigation with JavaScript on or off. */}
            <form method="post" action="/sign-in/oidc">
              <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
              <button id={SSO_BUTTON_ID} className="nhsuk-button nhsuk-button--secondary" type="submit" data-module="nhsuk-button">
                Sign in with {loaderData.sso.providerName}
              </button>
            </form>
          </>
        ) : null}
      </div>
    </div>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
