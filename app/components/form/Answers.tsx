import type { ReactNode } from "react";
import { Link } from "react-router";
import type { AnswerBlock, AnswerRow } from "../../forms/answers.ts";

/**
 * A section's answers as the NHS "check your answers" pattern lays them out: summary lists for
 * plain answers, a small table for a list of short rows, a summary card per row otherwise. With
 * `changeHref`, each answer, row and card has its "Change" link; with `anchorOf`, each has an id
 * that links from criteria and comments land on.
 */
export function Answers({
  blocks,
  headingLevel = 2,
  changeHref,
  anchorOf,
}: {
  blocks: readonly AnswerBlock[];
  /** The level of the section's own headings; groups and cards sit one below. */
  headingLevel?: 2 | 3;
  changeHref?: (fieldPath: string) => string;
  anchorOf?: (fieldPath: string) => string;
}) {
  const levelOf = (level: 2 | 3) => (level === 2 ? headingLevel : headingLevel + 1) as 2 | 3 | 4;
  return (
    <>
      {blocks.map((block, i) => {
        // Blocks come in the form's fixed order, rebuilt whole on each render.
        const key = `${block.kind}:${String(i)}`;
        switch (block.kind) {
          case "heading":
            return (
              <Heading key={key} level={levelOf(block.level)} className={block.level === 2 ? "nhsuk-heading-m" : "nhsuk-heading-s"}>
                {block.text}
              </Heading>
            );
          case "summary":
            return <SummaryList key={key} rows={block.rows} changeHref={changeHref} anchorOf={anchorOf} />;
          case "table":
            return (
              <div key={key} id={anchorOf?.(block.fieldPath)}>
                <Heading level={levelOf(block.level)} className={block.level === 2 ? "nhsuk-heading-m" : "nhsuk-heading-s"}>
                  {block.label}
                </Heading>
                {block.rows.length === 0 ? (
                  <p>None added.</p>
                ) : (
                  <div className="app-table-scroll">
                    <table className="nhsuk-table">
                      <caption className="nhsuk-u-visually-hidden">{block.label}</caption>
                      <thead className="nhsuk-table__head">
                        <tr className="nhsuk-table__row">
                          {block.columns.map((c) => (
                            <th key={c} scope="col" className="nhsuk-table__header">
                              {c}
                            </th>
                          ))}
                          {changeHref ? (
                            <th scope="col" className="nhsuk-table__header">
                              <span className="nhsuk-u-visually-hidden">Actions</span>
                            </th>
                          ) : null}
                        </tr>
                      </thead>
                      <tbody className="nhsuk-table__body">
                        {block.rows.map((row) => (
                          <tr className="nhsuk-table__row" key={row.fieldPath} id={anchorOf?.(row.fieldPath)}>
                            {row.cells.map((cell, c) =>
                              c === 0 ? (
                                <th key={block.columns[c]} scope="row" className="nhsuk-table__header">
                                  {cell}
                                </th>
                              ) : (
                                <td key={block.columns[c]} className="nhsuk-table__cell">
                                  {cell}
                                </td>
                              ),
                            )}
                            {changeHref ? (
                              <td className="nhsuk-table__cell">
                                <Link to={changeHref(row.fieldPath)}>
                                  Change<span className="nhsuk-u-visually-hidden"> {row.name}</span>
                                </Link>
                              </td>
                            ) : null}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            );
          case "cards":
            return (
              <div key={key} id={anchorOf?.(block.fieldPath)}>
                <Heading level={levelOf(block.level)} className={block.level === 2 ? "nhsuk-heading-m" : "nhsuk-heading-s"}>
                  {block.label}
                </Heading>
                {block.cards.length === 0 ? <p>None added.</p> : null}
                {block.cards.map((card) => (
                  <div className="nhsuk-card" key={card.fieldPath} id={anchorOf?.(card.fieldPath)}>
                    <div className="nhsuk-card__heading-container">
                      <Heading level={(levelOf(block.level) + 1) as 3 | 4 | 5} className="nhsuk-card__heading nhsuk-heading-s">
                        {card.title}
                      </Heading>
                      {changeHref ? (
                        <div className="nhsuk-card__actions">
                          <Link className="nhsuk-link" to={changeHref(card.fieldPath)}>
                            Change<span className="nhsuk-u-visually-hidden"> {card.title}</span>
                          </Link>
                        </div>
                      ) : null}
                    </div>
                    <div className="nhsuk-card__content">
                      <SummaryList rows={card.rows} anchorOf={anchorOf} />
                    </div>
                  </div>
                ))}
              </div>
            );
          default:
            return null;
        }
      })}
    </>
  );
}

function Heading({ level, className, children }: { level: 2 | 3 | 4 | 5; className: string; children: ReactNode }) {
  const Tag = level === 2 ? "h2" : level === 3 ? "h3" : level === 4 ? "h4" : "h5";
  return <Tag className={className}>{children}</Tag>;
}

function SummaryList({
  rows,
  changeHref,
  anchorOf,
}: {
  rows: readonly AnswerRow[];
  changeHref?: ((fieldPath: string) => string) | undefined;
  anchorOf?: ((fieldPath: string) => string) | undefined;
}) {
  return (
    <dl className="nhsuk-summary-list">
      {rows.map((row) => (
        <div className="nhsuk-summary-list__row" key={row.fieldPath} id={anchorOf?.(row.fieldPath)}>
          <dt className="nhsuk-summary-list__key">{row.label}</dt>
          <dd className="nhsuk-summary-list__value">
            {row.lines.length === 1 ? (
              row.lines[0]
            ) : (
              <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                {row.lines.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </dd>
          {changeHref ? (
            <dd className="nhsuk-summary-list__actions">
              <Link to={changeHref(row.fieldPath)}>
                Change<span className="nhsuk-u-visually-hidden"> {row.label}</span>
              </Link>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}
