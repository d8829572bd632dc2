// The hidden fields workflow forms carry, as Zod schemas their own schemas share. A page only gets
// these wrong if it is stale or the post is forged, so the words ask for a reload.
import { z } from "zod";

const RELOAD = "Reload the page and try again";

/** The submission's version when the page was drawn: someone else's change in between is refused (409). */
export const versionField = z.coerce.number({ error: RELOAD }).int(RELOAD);

/** Which of a page's actions a button asked for. */
export const intentField = <const Values extends readonly [string, ...string[]]>(values: Values) => z.enum(values, { error: RELOAD });
