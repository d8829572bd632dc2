import type { Role } from "../db/schema.ts";

export interface NavigationItem {
  href: string;
  text: string;
}

/**
 * The header's navigation for each role. Only pages that exist are listed; each journey adds its
 * own (the lead's submissions, the reviewer's reviews, the admin's pipeline) as it is built.
 */
export function navigationFor(role: Role | undefined): NavigationItem[] {
  if (!role) return [];
  const items: NavigationItem[] = [{ href: "/", text: "Home" }];
  if (role === "lead") items.push({ href: "/submissions", text: "Your submissions" });
  if (role === "reviewer" || role === "admin") items.push({ href: "/reviews", text: "Your reviews" });
  if (role === "reviewer") items.push({ href: "/reviews/workload", text: "Your workload" });
  if (role === "reviewer" || role === "admin") items.push({ href: "/pipeline", text: "Pipeline" });
  if (role === "reviewer" || role === "admin") items.push({ href: "/pipeline/regions", text: "Regions" });
  if (role === "admin") items.push({ href: "/admin/assignments", text: "Assign reviewers" });
  if (role === "admin") items.push({ href: "/admin/workload", text: "Reviewer workload" });
  if (role === "admin") items.push({ href: "/admin/users", text: "Users" });
  if (role === "admin") items.push({ href: "/admin/criteria", text: "Criteria" });
  if (role === "admin") items.push({ href: "/admin/audit", text: "Audit log" });
  if (role === "reviewer" || role === "admin") items.push({ href: "/account/conflicts", text: "Your conflicts" });
  return items;
}

export const ROLE_LABELS: Record<Role, string> = {
  lead: "System lead",
  reviewer: "National reviewer",
  admin: "Programme administrator",
};
