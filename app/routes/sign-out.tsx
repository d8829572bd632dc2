import { Form, redirect } from "react-router";
import type { Route } from "./+types/sign-out";
import { requireUser, signOut } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request);
  return null;
}

export async function action({ request }: Route.ActionArgs) {
  await requireUser(request);
  const headers = new Headers();
  for (const cookie of await signOut(request)) headers.append("Set-Cookie", cookie);
  return redirect("/sign-in?signedOut=1", { headers });
}

export default function SignOut() {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Sign out of NCM Assure</h1>
        <p>Anything you saved stays saved. Sign out if you are on a shared computer.</p>
        <Form method="post" reloadDocument>
          <button className="nhsuk-button" type="submit">
            Sign out
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Sign out – NCM Assure" }];
