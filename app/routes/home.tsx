import { Link } from "react-router";
import type { Route } from "./+types/home";
import { ROLE_LABELS } from "../navigation.ts";
import type { Role } from "../../workflows/policy.ts";
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

/** Where each role's work starts: the lead's submissions, the reviewer's reviews, the administrator's pipeline. */
const START: Record<Role, { href: string; text: string }> = {
  lead: { href: "/submissions", text: "Go to your submissions" },
  reviewer: { href: "/reviews", text: "Go to your reviews" },
  admin: { href: "/pipeline", text: "Go to the pipeline" },
};

/** The NHS.UK action link: the one next step a page offers. */
function ActionLink({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-action-link">
      <Link className="nhsuk-action-link__link" to={to}>
        <svg
          className="nhsuk-icon nhsuk-icon--arrow-right-circle"
          xmlns="http://www.w3.org/2000/svg"
          viewBox="0 0 24 24"
          width="16"
          height="16"
          focusable="false"
          aria-hidden="true"
        >
          <path d="M12 2a10 10 0 0 0-10 9h11.7l-4-4a1 1 0 0 1 1.3-1.4l6 6a1 1 0 0 1 0 1.4l-6 6a1 1 0 0 1-1.4-1.4l4-4H2A10 10 0 1 0 12 2z" />
        </svg>
        <span className="nhsuk-action-link__text">{children}</span>
      </Link>
    </div>
  );
}

export default function Home({ loaderData }: Route.ComponentProps) {
  const { user } = loaderData;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <span className="nhsuk-caption-l">{ROLE_LABELS[user.role]}</span>
        <h1>Welcome, {user.name}</h1>
        <p className="nhsuk-lede-text">{WHAT_YOU_DO[user.role]}</p>
        <ActionLink to={START[user.role].href}>{START[user.role].text}</ActionLink>
        {user.role === "admin" ? (
          <ul className="nhsuk-list">
            <li>
              <Link to="/admin/assignments">Assign reviewers</Link>
            </li>
            <li>
              <Link to="/pipeline/regions">See the pipeline by region</Link>
            </li>
            <li>
              <Link to="/admin/users">Manage users, their footprints and conflicts</Link>
            </li>
          </ul>
        ) : null}

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
