/**
 * The tracking option Books setup chose for an Amazon account (e.g. Channel → Amazon UK),
 * put on every line of that account's invoices. Xero takes at most two tracking categories
 * per line (LineItem.Tracking in xero_accounting.yaml): the chosen category replaces a line's
 * own option in the same category and goes first, so it is never the one dropped.
 */
export interface TrackingChoice {
  category: string;
  option: string;
}

interface PayloadLike {
  LineItems: { Tracking: { Name: string; Option: string }[] }[];
}

interface ReportLike {
  invoices: { lines: { tracking: { name: string; option: string }[] }[] }[];
}

export function withTracking<P extends PayloadLike>(payload: P, choice: TrackingChoice): P {
  return {
    ...payload,
    LineItems: payload.LineItems.map((line) => ({
      ...line,
      Tracking: [
        { Name: choice.category, Option: choice.option },
        ...line.Tracking.filter((t) => t.Name.toLowerCase() !== choice.category.toLowerCase()),
      ].slice(0, 2),
    })),
  };
}

/** The same on the preview's report, so the preview and the summary CSV show what is posted. */
export function reportWithTracking<R extends ReportLike>(report: R, choice: TrackingChoice): R {
  return {
    ...report,
    invoices: report.invoices.map((inv) => ({
      ...inv,
      lines: inv.lines.map((line) => ({
        ...line,
        tracking: [
          { name: choice.category, option: choice.option },
          ...line.tracking.filter((t) => t.name.toLowerCase() !== choice.category.toLowerCase()),
        ].slice(0, 2),
      })),
    })),
  };
}
