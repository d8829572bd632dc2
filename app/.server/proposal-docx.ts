import {
  AlignmentType,
  Bookmark,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  InternalHyperlink,
  type ITableCellBorders,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { AnswerBlock, AnswerRow } from "../forms/answers.ts";
import type { Proposal, ProposalCheck } from "./proposal.ts";

/**
 * The proposal as a Word document, laid out from the same AnswerBlocks as the print view and every
 * page of answers (app/components/form/Answers.tsx): a summary list becomes a two-column table of
 * question and answer, a list of short rows a table with a header row that repeats on each page,
 * and a list of long rows a heading and a question-and-answer table per row. Headings sit one level
 * above the print view's, because Word's Title style plays the part of its <h1>.
 */

export const DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * The whole document in memory, deliberately. docx 9.15.2's `Packer.toStream` builds every part of
 * the document before it returns and then emits the finished zip as one Buffer (its
 * dist/index.mjs), so it would stream nothing and hold the same bytes; a Buffer also gives the
 * response its Content-Length. Measured with 500 practices (bench/export.bench.ts, 2 shared cores):
 * a 25–30 KB file, 0.3–0.4 s from reading the submission to the last byte, most of it packing.
 */
export function proposalDocx(proposal: Proposal): Promise<Buffer> {
  return Packer.toBuffer(proposalDocument(proposal));
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4] as const;

/**
 * The print view's heading level (h2 to h5) as Word's (Heading 1 to Heading 4); with `bookmark`,
 * the heading is the target of that contents entry.
 */
function heading(htmlLevel: number, text: string, options: { newPage?: boolean; bookmark?: string } = {}): Paragraph {
  const level = HEADINGS[Math.min(Math.max(htmlLevel - 2, 0), HEADINGS.length - 1)];
  const run = new TextRun(words(text));
  return new Paragraph({
    heading: level,
    keepNext: true,
    pageBreakBefore: options.newPage,
    children: [options.bookmark ? new Bookmark({ id: options.bookmark, children: [run] }) : run],
  });
}

/**
 * The contents, on the title page: each part a link to its heading. Written out rather than a
 * Word contents field, which is empty until Word is asked to update it (and many previewers
 * never do); page numbers are in every page's footer instead.
 */
function contents(parts: readonly { title: string; bookmark: string }[]): Paragraph[] {
  return [
    new Paragraph({ spacing: { before: 360 }, keepNext: true, children: [new TextRun({ text: "Contents", bold: true })] }),
    ...parts.map(
      (part) =>
        new Paragraph({
          bullet: { level: 0 },
          children: [
            new InternalHyperlink({ anchor: part.bookmark, children: [new TextRun({ text: words(part.title), style: "Hyperlink" })] }),
          ],
        }),
    ),
  ];
}

/** "Page 3 of 12" at the foot of every page after the title page, with the proposal's title. */
function pageFooter(title: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [
          new TextRun({ text: `${words(title)}    `, size: 18, color: "4C6272" }),
          new TextRun({ children: ["Page ", PageNumber.CURRENT, " of ", PageNumber.TOTAL_PAGES], size: 18, color: "4C6272" }),
        ],
      }),
    ],
  });
}

/** Stored answers may hold characters XML 1.0 cannot carry (U+FFFE, lone surrogates), which Word refuses to open. */
function words(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
}

/** A paragraph of text; a line break a person typed stays a line break. */
function paragraph(text: string, options: { bold?: boolean } = {}): Paragraph {
  const lines = words(text).split(/\r\n|\r|\n/);
  return new Paragraph({
    children: lines.map((line, i) => new TextRun({ text: line, bold: options.bold, break: i > 0 ? 1 : undefined })),
  });
}

const RULE = { style: BorderStyle.SINGLE, size: 4, color: "D8DDE0" } as const;
const NONE = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" } as const;
/** A summary list's look: a light rule under each row, nothing else. */
const SUMMARY_BORDERS = { top: NONE, bottom: RULE, left: NONE, right: NONE, insideHorizontal: RULE, insideVertical: NONE };
const CELL_BORDERS: ITableCellBorders = { top: NONE, bottom: RULE, left: NONE, right: NONE };

function cell(children: Paragraph[], widthPercent?: number): TableCell {
  return new TableCell({
    children,
    borders: CELL_BORDERS,
    margins: { top: 60, bottom: 60, left: 0, right: 120 },
    width: widthPercent ? { size: widthPercent, type: WidthType.PERCENTAGE } : undefined,
  });
}

/** Questions and answers, as a summary list: the question in bold, each line of the answer its own paragraph. */
function summaryTable(rows: readonly { label: string; lines: readonly string[] }[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: SUMMARY_BORDERS,
    rows: rows.map(
      (row) =>
        new TableRow({
          cantSplit: true,
          children: [
            cell([paragraph(row.label, { bold: true })], 35),
            cell(
              row.lines.map((line) => paragraph(line)),
              65,
            ),
          ],
        }),
    ),
  });
}

function answerRows(rows: readonly AnswerRow[]) {
  return summaryTable(rows.map((r) => ({ label: r.label, lines: r.lines })));
}

/** A section's answers, block by block, at the print view's heading level `htmlLevel` for level-2 blocks. */
function answerBlocks(blocks: readonly AnswerBlock[], htmlLevel: number): (Paragraph | Table)[] {
  const levelOf = (level: 2 | 3) => (level === 2 ? htmlLevel : htmlLevel + 1);
  return blocks.flatMap((block): (Paragraph | Table)[] => {
    switch (block.kind) {
      case "heading":
        return [heading(levelOf(block.level), block.text)];
      case "summary":
        return [answerRows(block.rows)];
      case "table":
        return [
          heading(levelOf(block.level), block.label),
          block.rows.length === 0
            ? paragraph("None added.")
            : new Table({
                width: { size: 100, type: WidthType.PERCENTAGE },
                borders: SUMMARY_BORDERS,
                rows: [
                  new TableRow({
                    tableHeader: true,
                    cantSplit: true,
                    children: block.columns.map((column) => cell([paragraph(column, { bold: true })])),
                  }),
                  ...block.rows.map(
                    (row) =>
                      new TableRow({
                        cantSplit: true,
                        // The first cell names the row, as the page's row header does.
                        children: row.cells.map((text, i) => cell([paragraph(text, { bold: i === 0 })])),
                      }),
                  ),
                ],
              }),
        ];
      case "cards":
        return [
          heading(levelOf(block.level), block.label),
          ...(block.cards.length === 0 ? [paragraph("None added.")] : []),
          ...block.cards.flatMap((card) => [heading(levelOf(block.level) + 1, card.title), answerRows(card.rows)]),
        ];
      default:
        return [];
    }
  });
}

function checkList(checks: readonly ProposalCheck[]): Paragraph[] {
  return checks.map(
    (c) =>
      new Paragraph({
        bullet: { level: 0 },
        children: [new TextRun({ text: c.id, bold: true }), new TextRun(words(` ${c.title}${c.message ? `: ${c.message}` : ""}`))],
      }),
  );
}

/** The document itself, for the bench and tests to inspect without packing it. */
export function proposalDocument(p: Proposal): Document {
  const { checks } = p;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(words(p.title))] }),
    paragraph(p.subtitle),
    summaryTable(p.particulars.map((row) => ({ label: row.label, lines: [row.value] }))),
  ];

  const parts = [...p.sections.map((s) => s.title), checks.heading, "Evidence"].map((title, i) => ({ title, bookmark: `part-${i + 1}` }));
  children.push(...contents(parts));

  // The title page stands alone, as the front of a board paper.
  p.sections.forEach((section, i) => {
    children.push(heading(2, section.title, { newPage: i === 0, bookmark: parts[i]!.bookmark }));
    children.push(...(section.blocks.length === 0 ? [paragraph("Not started.")] : answerBlocks(section.blocks, 3)));
  });

  children.push(heading(2, checks.heading, { bookmark: parts.at(-2)!.bookmark }), ...checks.summary.map((line) => paragraph(line)));
  for (const group of checks.groups) children.push(heading(3, group.heading), ...checkList(group.checks));

  children.push(heading(2, "Evidence", { bookmark: parts.at(-1)!.bookmark }));
  children.push(...(p.evidence.length === 0 ? [paragraph("No documents uploaded.")] : answerBlocks(p.evidence, 3)));

  return new Document({
    title: words(p.title),
    subject: p.subtitle,
    creator: "NCM Assure",
    styles: {
      default: {
        document: { run: { font: "Arial", size: 22, color: "212B32" } },
        title: { run: { font: "Arial", size: 48, bold: true, color: "212B32" } },
        heading1: { run: { font: "Arial", size: 32, bold: true, color: "212B32" }, paragraph: { spacing: { before: 360, after: 120 } } },
        heading2: { run: { font: "Arial", size: 26, bold: true, color: "212B32" }, paragraph: { spacing: { before: 240, after: 120 } } },
        heading3: { run: { font: "Arial", size: 22, bold: true, color: "212B32" }, paragraph: { spacing: { before: 200, after: 80 } } },
        heading4: { run: { font: "Arial", size: 22, bold: true, italics: true, color: "212B32" }, paragraph: { spacing: { before: 160 } } },
      },
    },
    // The title page has no footer of its own (titlePage: its `first` footer is empty).
    sections: [
      { properties: { titlePage: true }, footers: { default: pageFooter(p.title), first: new Footer({ children: [] }) }, children },
    ],
  });
}
