import { data } from "react-router";

// Public (a one-time link from an invitation). Being built: answers 404 until its page exists.
export async function loader() {
  throw data("Not found", { status: 404 });
}

export default function Page() {
  return null;
}
