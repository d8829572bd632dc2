import { Form, Link, NavLink } from "react-router";
import { type NavigationItem, ROLE_LABELS } from "../navigation.ts";
import type { Role } from "../../db/schema.ts";

interface Props {
  /** `unread`: how many notifications are unread, as shown ("3", "99+"); null for none. */
  user: { name: string; role: Role; unread: string | null } | null;
  navigation: NavigationItem[];
}

/** The NHS.UK header (nhsuk-frontend 10 markup) with the service name, account and role navigation. */
export function Header({ user, navigation }: Props) {
  return (
    <header className="nhsuk-header" data-module="nhsuk-header">
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <a className="nhsuk-header__service-logo" href="/" aria-label="NHS NCM Assure homepage">
            <svg
              className="nhsuk-header__logo"
              xmlns="http://www.w3.org/2000/svg"
              viewBox="0 0 200 80"
              height="40"
              width="100"
              focusable="false"
              role="img"
              aria-label="NHS"
            >
              <title>NHS</title>
              <path
                fill="currentcolor"
                d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
              />
            </svg>
            <span className="nhsuk-header__service-name">NCM Assure</span>
          </a>
        </div>
        {user ? (
          <nav className="nhsuk-header__account" aria-label="Account">
            <ul className="nhsuk-header__account-list">
              <li className="nhsuk-header__account-item">
                <span className="app-header-account-name">{user.name}</span>
                <span className="nhsuk-u-visually-hidden">, </span> {ROLE_LABELS[user.role]}
              </li>
              <li className="nhsuk-header__account-item">
                <Link className="nhsuk-header__account-link" to="/notifications">
                  Notifications{user.unread ? ` (${user.unread} unread)` : ""}
                </Link>
              </li>
              <li className="nhsuk-header__account-item">
                <Form className="nhsuk-header__account-form" action="/sign-out" method="post" reloadDocument>
                  <button className="nhsuk-header__account-button" type="submit">
                    Sign out
                  </button>
                </Form>
              </li>
            </ul>
          </nav>
        ) : null}
      </div>
      {navigation.length > 0 ? (
        <nav className="nhsuk-header__navigation" aria-label="Menu">
          <div className="nhsuk-header__navigation-container nhsuk-width-container">
            <ul className="nhsuk-header__navigation-list">
              {navigation.map((item) => (
                <li key={item.href} className="nhsuk-header__navigation-item">
                  <NavLink className="nhsuk-header__navigation-link" to={item.href} end>
                    {item.text}
                  </NavLink>
                </li>
              ))}
              <li className="nhsuk-header__menu" hidden>
                <button
                  className="nhsuk-header__menu-toggle nhsuk-header__navigation-link"
                  id="toggle-menu"
                  aria-expanded="false"
                  type="button"
                >
                  <span className="nhsuk-u-visually-hidden">Browse </span>More
                </button>
              </li>
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
}

export function Footer() {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <p className="nhsuk-body-s">
            NCM Assure: assurance of new care models (multispecialty community providers and primary and acute care systems) for the NHS in
            England.
          </p>
          <p className="nhsuk-body-s">© NHS England</p>
        </div>
      </div>
    </footer>
  );
}
