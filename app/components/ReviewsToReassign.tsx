import { Link } from "react-router";

/**
 * The warning that open reviews are held by someone who can no longer review them, with the link
 * to move them: for one person (their account page) or for everyone (the assignments page).
 */
export function ReviewsToReassign({ count, person }: { count: number; person?: { id: string; name: string } }) {
  if (count === 0) return null;
  const them = count === 1 ? "it" : "them";
  return (
    <div className="nhsuk-warning-callout">
      <h2 className="nhsuk-warning-callout__label">
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          {count === 1 ? "1 review needs another reviewer" : `${count} reviews need another reviewer`}
        </span>
      </h2>
      <p>
        {person
          ? `${person.name} holds ${count === 1 ? "an open review" : `${count} open reviews`} they can no longer carry on with.`
          : "A reviewer was deactivated, is no longer a reviewer, or declared a conflict with the footprint."}{" "}
        <Link to={person ? `/admin/reassignments?user=${encodeURIComponent(person.id)}` : "/admin/reassignments"}>Reassign {them}</Link>
      </p>
    </div>
  );
}
