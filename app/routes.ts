import { index, type RouteConfig, route } from "@react-router/dev/routes";

// `npm run bench` builds with NCM_BENCH_ROUTES=1 (into build-bench/, see react-router.config.ts) to
// add two pages that measure the framework floor. No other build has them, so users never can.
const benchRoutes =
  process.env.NCM_BENCH_ROUTES === "1"
    ? [route("__bench/floor", "../bench/routes/floor.tsx"), route("__bench/rows", "../bench/routes/rows.tsx")]
    : [];

export default [
  ...benchRoutes,
  index("routes/home.tsx"),
  route("sign-in", "routes/sign-in.tsx"),
  route("sign-in/oidc", "routes/sign-in-oidc.ts"),
  route("sign-out", "routes/sign-out.tsx"),
  route("healthz", "routes/healthz.ts"),
  route("api/auth/*", "routes/api.auth.ts"),

  // The lead's journey.
  route("submissions", "routes/submissions.tsx"),
  route("submissions/new", "routes/submissions.new.tsx"),
  route("submissions/:id", "routes/submission.tsx"),
  route("submissions/:id/sections/evidence", "routes/submission-evidence.tsx"),
  route("submissions/:id/sections/:section", "routes/submission-section.tsx"),
  route("submissions/:id/evidence/:documentId", "routes/submission-evidence-download.ts"),
  route("submissions/:id/check", "routes/submission-check.tsx"),
  route("submissions/:id/submitted", "routes/submission-submitted.tsx"),
  route("submissions/:id/conditions", "routes/submission-conditions.tsx"),
  route("submissions/:id/versions", "routes/submission-versions.tsx"),
  // The proposal as a paper for the boards: the draft, or a frozen version with ?version=N.
  route("submissions/:id/proposal", "routes/submission-proposal.tsx"),
  route("submissions/:id/proposal.docx", "routes/submission-proposal.docx.ts"),
  route("submissions/:id/withdraw", "routes/submission-withdraw.tsx"),

  route("submissions/:id/decisions/:number", "routes/submission-decision.tsx"),
  route("submissions/:id/assign", "routes/submission-assign.tsx"),

  // The reviewer's journey.
  route("reviews", "routes/reviews.tsx"),
  route("reviews/workload", "routes/reviews-workload.tsx"),
  route("reviews/:id", "routes/review.tsx"),
  route("account/conflicts", "routes/account-conflicts.tsx"),
  route("notifications", "routes/notifications.tsx"),

  // The pipeline (admins and reviewers).
  route("pipeline", "routes/pipeline.tsx"),
  route("pipeline.csv", "routes/pipeline.csv.ts"),
  route("pipeline/regions", "routes/pipeline-regions.tsx"),

  // Administration.
  route("admin/assignments", "routes/admin-assignments.tsx"),
  route("admin/reassignments", "routes/admin-reassignments.tsx"),
  route("admin/outbox", "routes/admin-outbox.tsx"),
  route("admin/users", "routes/admin-users.tsx"),
  route("admin/users/invite", "routes/admin-users.invite.tsx"),
  route("admin/users/:userId", "routes/admin-user.tsx"),
  route("admin/workload", "routes/admin-workload.tsx"),
  route("admin/audit", "routes/admin-audit.tsx"),
  route("admin/criteria", "routes/admin-criteria.tsx"),
  route("admin/criteria/history", "routes/admin-criteria-history.tsx"),
  route("admin/criteria/simulations/:id", "routes/admin-criteria-simulation.tsx"),
  route("admin/criteria/sets/new", "routes/admin-criteria-set-new.tsx"),
  route("admin/criteria/sets/:setId", "routes/admin-criteria-set.tsx"),
  route("admin/criteria/sets/:setId/criteria/:criterionId", "routes/admin-criteria-criterion.tsx"),
  route("submissions/:id/pause", "routes/submission-pause.tsx"),
  route("set-password", "routes/set-password.tsx"),

  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
