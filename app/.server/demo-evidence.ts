import { crc32 } from "node:zlib";
import type { EvidenceDocument } from "../../workflows/submission.ts";
import { storeEvidenceBytes } from "./evidence.ts";

// Small but real documents for the demo submissions' evidence, made here rather than shipped: a
// PDF, a Word document and an Excel workbook that open in their programs and pass the upload's own
// checks of what a file really is (sniffFormat in evidence.ts), so every demo download works.

const latin1 = (text: string) => Buffer.from(text, "latin1");

/** Text a PDF's standard fonts can show: Latin-1, with its string delimiters escaped. */
function pdfText(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, "-").replace(/[\\()]/g, "\\$&");
}

/** A one-page A4 PDF with a title and lines of text in Helvetica. */
export function demoPdf(title: string, lines: readonly string[]): Uint8Array {
  const stream = [
    "BT",
    "/F1 18 Tf",
    "72 760 Td",
    `(${pdfText(title)}) Tj`,
    "/F1 11 Tf",
    "0 -30 Td",
    ...lines.flatMap((line) => [`(${pdfText(line)}) Tj`, "0 -16 Td"]),
    "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${latin1(stream).length} >>\nstream\n${stream}\nendstream`,
    `<< /Title (${pdfText(title)}) /Producer (NCM Assure demo data) >>`,
  ];
  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(latin1(body).length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = latin1(body).length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(latin1(body));
}

/** A zip archive of stored (uncompressed) entries: what an Office Open XML document is. */
function zip(entries: readonly { name: string; text: string }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 1 January 2016, 00:00, in MS-DOS form: a fixed time keeps the file's bytes, and its hash, the same.
  const dosTime = 0;
  const dosDate = ((2016 - 1980) << 9) | (1 << 5) | 1;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = Buffer.from(entry.text, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const xmlText = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

/** A Word document: a heading and paragraphs. */
export function demoDocx(title: string, paragraphs: readonly string[]): Uint8Array {
  const main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
  const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  const paragraph = (text: string, bold = false) =>
    `<w:p><w:r>${bold ? '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr>' : ""}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r></w:p>`;
  return zip([
    {
      name: "[Content_Types].xml",
      text: `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`,
    },
    {
      name: "_rels/.rels",
      text: `${XML}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${OFFICE_DOCUMENT}" Target="word/document.xml"/></Relationships>`,
    },
    {
      name: "word/document.xml",
      text: `${XML}<w:document xmlns:w="${w}"><w:body>${paragraph(title, true)}${paragraphs.map((p) => paragraph(p)).join("")}</w:body></w:document>`,
    },
  ]);
}

/** An Excel workbook of one sheet: a header row and rows of text or numbers. */
export function demoXlsx(sheetName: string, rows: readonly (readonly (string | number)[])[]): Uint8Array {
  const s = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const column = (i: number) => String.fromCharCode(65 + i);
  const cell = (value: string | number, ref: string) =>
    typeof value === "number"
      ? `<c r="${ref}"><v>${value}</v></c>`
      : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
  const sheetRows = rows
    .map((row, r) => `<row r="${r + 1}">${row.map((value, c) => cell(value, `${column(c)}${r + 1}`)).join("")}</row>`)
    .join("");
  return zip([
    {
      name: "[Content_Types].xml",
      text: `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: "_rels/.rels",
      text: `${XML}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${OFFICE_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      text: `${XML}<workbook xmlns="${s}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${xmlText(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      text: `${XML}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    { name: "xl/worksheets/sheet1.xml", text: `${XML}<worksheet xmlns="${s}"><sheetData>${sheetRows}</sheetData></worksheet>` },
  ]);
}

/** The bytes of one demo document, by its file name's kind, saying what it is and whose. */
export function demoDocumentBytes(document: Pick<EvidenceDocument, "fileName" | "description">, proposal: string): Uint8Array {
  const title = document.description ?? document.fileName;
  const lines = [
    proposal,
    "",
    "Demonstration data made by NCM Assure's demo seed. It stands in for the document a local",
    "system would upload here, so that downloading it works as a real one would.",
  ];
  if (document.fileName.endsWith(".xlsx")) {
    return demoXlsx(title, [
      ["Financial year", "Whole-population budget (GBP)", "Out-of-hospital investment (GBP)"],
      ["2017-18", 412_000_000, 18_500_000],
      ["2018-19", 425_300_000, 21_200_000],
      ["2019-20", 438_900_000, 24_000_000],
      [lines.slice(2).join(" ")],
    ]);
  }
  if (document.fileName.endsWith(".docx")) return demoDocx(title, lines);
  return demoPdf(title, lines);
}

/**
 * The demo documents made and stored, each described by its real size and content hash, so the
 * evidence list and every submitted version point at a file that downloads.
 */
export async function withDemoFiles(documents: readonly EvidenceDocument[], proposal: string): Promise<EvidenceDocument[]> {
  return Promise.all(
    documents.map(async (document) => {
      const bytes = demoDocumentBytes(document, proposal);
      return { ...document, sizeBytes: bytes.length, sha256: await storeEvidenceBytes(bytes) };
    }),
  );
}
