import { Link } from "react-router";
import type { Route } from "./+types/home";
import { ROLE_LABELS } from "../navigation.ts";
import { requireUser } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireUser(request);
  return { user };
}

const WHAT_YOU_DO: Record<string, string> = {
  lead: "You describe your footprint's proposed care model, check it against the national criteria, and submit it for each assurance checkpoint.",
  reviewer: "You assess the submissions assigned to you, rate the key lines of enquiry, and propose or countersign checkpoint decisions.",
  admin:
    "You assign reviewers, manage accounts, footprints and conflicts, publish criteria sets, and track the pipeline across NHS regions.",
};

export default function Home({ loaderData }: Route.ComponentProps) {
  const { user } = loaderData;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <span className="nhsuk-caption-l">{ROLE_LABELS[user.role]}</span>
        <h1>Welcome, {user.name}</h1>
        <p className="nhsuk-lede-text">{WHAT_YOU_DO[user.role]}</p>
        {user.role === "lead" ? (
          <p>
            <Link className="nhsuk-action-link__link" to="/submissions">
              Go to your submissions
            </Link>
          </p>
        ) : (
          <p>
            <Link className="nhsuk-action-link__link" to="/reviews">
              Go to your reviews
            </Link>
          </p>
        )}

        <h2 className="nhsuk-heading-m">Your account</h2>
        <dl className="nhsuk-summary-list">
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Name</dt>
            <dd className="nhsuk-summary-list__value">{user.name}</dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Email</dt>
            <dd className="nhsuk-summary-list__value">{user.email}</dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Role</dt>
            <dd className="nhsuk-summary-list__value">{ROLE_LABELS[user.role]}</dd>
          </div>
          {user.role === "lead" ? (
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Footprints</dt>
              <dd className="nhsuk-summary-list__value">
                {user.footprints.length === 0 ? (
                  "None yet. Ask your programme administrator to add you to your footprint."
                ) : (
                  <ul className="nhsuk-list">
                    {user.footprints.map((f) => (
                      <li key={f.code}>
                        {f.name} ({f.code}), {f.regionName}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
          ) : null}
          {user.role === "reviewer" ? (
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Declared conflicts</dt>
              <dd className="nhsuk-summary-list__value">
                {user.conflicts.length === 0 ? (
                  "None declared"
                ) : (
                  <ul className="nhsuk-list">
                    {user.conflicts.map((c) => (
                      <li key={c.footprintCode}>
                        {c.footprintName}: {c.reason}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
          ) : null}
        </dl>
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Home – NCM Assure" }];
