// CSV import and export in the published artifact's format (ALGORITHMS.md section 1): a folder of
// CSV files, one per variant (variant = file stem), flavour detected from the header. Every error
// names the file, the line and the column, so a user can go straight to the bad cell.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, extname } from 'node:path';
import { excerpt, writeOutputDir } from '../output/index.ts';
import { SchedulerInputError } from './errors.ts';
import { sangerLayerLatency, SANGER_DEFAULT_SEQ_LEN } from './sanger.ts';
import { buildWorkload, findLayerCountMismatch, type Flavour, type VariantTable, type Workload } from './workload.ts';

const EYERISS_COLUMNS = ['sim_lat', 'overall-sparsity', 'batch-indx', 'layer-indx'] as const;
const SANGER_COLUMNS = ['overall-sparsity', '50%-skip', 'batch-indx', 'layer-indx'] as const;

export interface CsvImportOptions {
  /** Sequence length for Sanger's latency model (the artifact used 512 for every model). */
  seqLen?: number;
  /** Workload name; defaults to the folder's base name. */
  name?: string;
}

export interface CellSource {
  file: string;
  line: number;
  column: string;
  columnNumber: number;
}

function where(c: CellSource): string {
  return `${c.file} line ${c.line}, column '${c.column}' (column ${c.columnNumber})`;
}

function parseNumberCell(raw: string | undefined, at: CellSource): number {
  const text = (raw ?? '').trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new SchedulerInputError(`${where(at)}: '${excerpt(raw ?? '', 60)}' is not a number.`);
  }
  return value;
}

function parseIndexCell(raw: string | undefined, at: CellSource): number {
  const value = parseNumberCell(raw, at);
  if (!Number.isInteger(value) || value < 0) {
    throw new SchedulerInputError(`${where(at)}: '${excerpt(raw ?? '', 60)}' is not a non-negative whole number.`);
  }
  return value;
}

/** Detect the flavour from a header row, or explain which columns are missing. */
export function detectFlavour(header: readonly string[], file: string): Flavour {
  const has = (c: string) => header.includes(c);
  // sim_lat marks the Eyeriss-V2 flavour; load-balance ("...skip") columns mark Sanger's.
  const flavour: Flavour = has('sim_lat') ? 'eyeriss' : header.some((h) => h.includes('skip')) ? 'sanger' : 'eyeriss';
  const required = flavour === 'eyeriss' ? EYERISS_COLUMNS : SANGER_COLUMNS;
  for (const column of required) {
    if (!has(column)) {
      throw new SchedulerInputError(
        `${file} line 1: missing column '${column}'. The header has: ${header.join(', ') || '(nothing)'}. ` +
          `An Eyeriss-V2 file needs ${EYERISS_COLUMNS.join(', ')}; a Sanger file needs ${SANGER_COLUMNS.join(', ')}.`,
      );
    }
  }
  return flavour;
}

export interface ParsedVariantCsv {
  flavour: Flavour;
  table: VariantTable;
  /** The cell holding the largest layer-indx (the first row with it): where the layer count comes from. */
  layersAt: CellSource;
}

/** A record of a CSV file and the line it ends on (1-based), as csv-parse reports it. */
export interface CsvRow {
  record: string[];
  info: { lines: number };
}

const CSV_OPTIONS = { info: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true } as const;
/** Text a plain split reads exactly as csv-parse does: no quotes, no exotic white space or line ends. */
const PLAIN_CSV = /^[\w.,+\-% \t\r\n]*$/;

/** What csv-parse refused (the plain split never refuses anything). */
class CsvSyntaxError extends Error {}

/**
 * The records of a CSV text and the line each ends on (1-based), as csv-parse returns them with
 * CSV_OPTIONS (BOM dropped, empty lines skipped, fields trimmed, ragged rows kept for the caller to
 * report). The artifact's files are plain tables of numbers and names: those are split directly,
 * about ten times faster than csv-parse (a 15,000-row folder is most of a `dysta simulate --csv-dir`
 * run otherwise); anything else (quotes, other characters, a lone or mixed carriage return) goes
 * through csv-parse, loaded then, which throws CsvSyntaxError for text it cannot read.
 * test/sw-scheduler/csv-fast-path.test.ts checks the two agree.
 */
function csvRecords(text: string): { records: string[][]; lines: number[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const crlf = body.includes('\r');
  const records: string[][] = [];
  const lines: number[] = [];
  if (!PLAIN_CSV.test(body) || (crlf && body.split('\r\n').length !== body.split('\n').length) || (crlf && body.split('\r').length !== body.split('\n').length)) {
    const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
    let rows: CsvRow[];
    try {
      rows = parse(text, CSV_OPTIONS) as unknown as CsvRow[];
    } catch (err) {
      throw new CsvSyntaxError((err as Error).message);
    }
    for (const row of rows) {
      records.push(row.record);
      lines.push(row.info.lines);
    }
    return { records, lines };
  }
  const all = body.split(crlf ? '\r\n' : '\n');
  // Only spaces and tabs can surround a field here; most lines have none, and are split as they are.
  const padded = /[ \t]/;
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (!padded.test(line)) {
      if (line === '') continue;
      records.push(line.split(','));
    } else {
      if (line.trim() === '') continue; // a line of blanks: csv-parse skips it too
      records.push(line.split(',').map((f) => f.trim()));
    }
    lines.push(i + 1);
  }
  return { records, lines };
}

/** The records of a CSV text with the line each ends on, as csv-parse returns them (csvRecords). */
export function csvRows(text: string): CsvRow[] {
  const { records, lines } = csvRecords(text);
  return records.map((record, i) => ({ record, info: { lines: lines[i] } }));
}

/**
 * The number in a trimmed CSV field, or NaN for an empty one. Number() alone would read '' as 0;
 * it ignores the same white space that trim() removes, so untrimmed fields read the same.
 */
function fieldNumber(raw: string): number {
  const value = Number(raw);
  return value !== 0 || raw.trim() !== '' ? value : NaN;
}

/** Text regularVariant reads: no quotes, blanks or carriage returns (blank lines are checked apart). */
const REGULAR_TEXT = /^[\w.,+\-%\n]*$/;
/** A character that cannot be part of a decimal number or separate two (in the data rows). */
const NOT_NUMBERS = /[^\d.,eE+\-\n]/;

/**
 * The artifact's files as they come, read with a few whole-text operations (two regular expressions
 * and JSON.parse) instead of a loop over cells: every field a number, and the data rows a complete
 * table in order: sample by sample (batch-indx ascending), each with layers 0, 1, 2, ... (layer-indx),
 * one row each, every value valid. Anything else gives undefined, and parseVariantCsv reads the file
 * record by record (and names what is wrong); test/sw-scheduler/csv-regular.test.ts checks that the
 * two read the same tables.
 */
export function regularVariant(text: string, file: string, seqLen: number): ParsedVariantCsv | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!REGULAR_TEXT.test(body) || body.startsWith('\n') || body.includes('\n\n')) return undefined;
  const headerEnd = body.indexOf('\n');
  if (headerEnd < 0) return undefined;
  const header = body.slice(0, headerEnd).split(',');
  const flavour = detectFlavour(header, file); // what the record-by-record reading would say first
  const width = header.length;
  const iSample = header.indexOf('batch-indx');
  const iLayer = header.indexOf('layer-indx');
  const iSparsity = header.indexOf('overall-sparsity');
  const iLatency = header.indexOf(flavour === 'eyeriss' ? 'sim_lat' : '50%-skip');
  const data = body.endsWith('\n') ? body.slice(headerEnd + 1, -1) : body.slice(headerEnd + 1);
  // Only numbers, and every row exactly `width` fields (a line that is not such a row is refused).
  if (NOT_NUMBERS.test(data) || new RegExp(`^(?![^,\\n]+(?:,[^,\\n]+){${width - 1}}$)`, 'm').test(data)) return undefined;
  // JSON.parse reads the numbers as Number() does (both round correctly) without a string per field;
  // a field JSON does not take as a number (0x10, +1, .5, 007, 1.) refuses the file.
  let values: number[];
  try {
    values = JSON.parse(`[${data.replaceAll('\n', ',')}]`) as number[];
  } catch {
    return undefined;
  }
  const rows = values.length / width;
  // Layers per sample: up to where layer-indx first goes back to 0.
  let layers = 1;
  while (layers < rows && values[layers * width + iLayer] !== 0) layers++;
  if (rows % layers !== 0) return undefined;
  const tables = regularTables(values, width, rows / layers, layers, [iSample, iLayer, iSparsity, iLatency], flavour, seqLen);
  if (!tables) return undefined;
  const { sampleIds, latency, sparsity } = tables;
  // The cell the layer count comes from: the first row of the largest layer, the first sample's last
  // (line 1 is the header).
  const layersAt = { file, line: layers + 1, column: header[iLayer], columnNumber: iLayer + 1 };
  return { flavour, table: { name: basename(file, extname(file)), sampleIds, layers, latency, sparsity }, layersAt };
}

/**
 * regularVariant's reading of the data rows (`values`, row after row of `width` numbers) as `samples`
 * blocks of `layers` rows: sample ids ascending whole numbers, one per block, layer-indx 0, 1, 2, ...
 * in each, every value valid; undefined at the first row that is not. (A function of its own: V8
 * optimises this loop alone, not the whole of regularVariant.)
 */
function regularTables(
  values: readonly number[],
  width: number,
  samples: number,
  layers: number,
  [iSample, iLayer, iSparsity, iLatency]: readonly [number, number, number, number],
  flavour: Flavour,
  seqLen: number,
): Pick<VariantTable, 'sampleIds' | 'latency' | 'sparsity'> | undefined {
  const sampleIds: number[] = new Array(samples);
  const latency = new Float64Array(samples * layers);
  const sparsity = new Float64Array(samples * layers);
  const eyeriss = flavour === 'eyeriss';
  for (let s = 0, r = 0; s < samples; s++) {
    const sample = values[r * width + iSample];
    if (!(Number.isInteger(sample) && sample >= 0 && (s === 0 || sample > sampleIds[s - 1]))) return undefined;
    sampleIds[s] = sample + 0; // -0 as 0, as a Map key (the other reading) makes it
    for (let layer = 0; layer < layers; layer++, r++) {
      const at = r * width;
      if (values[at + iLayer] !== layer || values[at + iSample] !== sample) return undefined;
      const first = values[at + iSparsity];
      const second = values[at + iLatency];
      if (eyeriss) {
        if (!(second > 0 && second < Infinity && first >= 0 && first <= 1)) return undefined;
        latency[r] = second;
        sparsity[r] = first;
      } else {
        if (!(first > 0 && first <= 1 && second > 0 && second < Infinity)) return undefined;
        latency[r] = sangerLayerLatency(first, second, seqLen);
        sparsity[r] = 1 - first;
      }
    }
  }
  return { sampleIds, latency, sparsity };
}

/** Parse one variant file into raw tables (the regular ones through regularVariant). */
export function parseVariantCsv(text: string, file: string, seqLen = SANGER_DEFAULT_SEQ_LEN): ParsedVariantCsv {
  return regularVariant(text, file, seqLen) ?? readVariantCsv(text, file, seqLen);
}

/** Parse one variant file into raw tables, record by record (any file csv-parse reads). */
export function readVariantCsv(text: string, file: string, seqLen: number): ParsedVariantCsv {
  let records: string[][];
  let lines: number[];
  try {
    ({ records, lines } = csvRecords(text));
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new SchedulerInputError(`${file}: not valid CSV: ${excerpt(err.message, 200)}`);
    throw err;
  }
  if (records.length === 0) throw new SchedulerInputError(`${file} line 1: the file is empty; expected a header row.`);
  const header = records[0];
  const flavour = detectFlavour(header, file);
  const col = (name: string) => header.indexOf(name);
  const iSample = col('batch-indx');
  const iLayer = col('layer-indx');
  const iSparsity = col('overall-sparsity');
  const iLatency = flavour === 'eyeriss' ? col('sim_lat') : col('50%-skip');
  if (records.length === 1) throw new SchedulerInputError(`${file} line 2: no data rows after the header.`);

  const cell = (line: number, index: number): CellSource => ({ file, line, column: header[index], columnNumber: index + 1 });
  // The cells' places above are built only for an error: this loop runs for every row of a
  // 15,000-row folder, and keeps its numbers in typed arrays.
  const rowLatency = new Float64Array(records.length);
  const rowSparsity = new Float64Array(records.length);
  // (sample, layer) -> the record holding it.
  const bySample = new Map<number, Map<number, number>>();
  // First and last line of each sample's rows, for errors about a whole sample.
  const sampleLines = new Map<number, { first: number; last: number }>();
  let maxLayer = -1;
  let maxLayerLine = 0;
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    const line = lines[r];
    if (record.length !== header.length) {
      throw new SchedulerInputError(
        `${file} line ${line}: ${record.length} fields, but the header has ${header.length} (${header.join(', ')}); ${record.length > header.length ? 'remove the extra fields (a stray comma?)' : 'fill in the missing fields'}.`,
      );
    }
    let sample = fieldNumber(record[iSample]);
    if (!(Number.isInteger(sample) && sample >= 0)) sample = parseIndexCell(record[iSample], cell(line, iSample));
    let layer = fieldNumber(record[iLayer]);
    if (!(Number.isInteger(layer) && layer >= 0)) layer = parseIndexCell(record[iLayer], cell(line, iLayer));
    let sparsityCell = fieldNumber(record[iSparsity]);
    if (!Number.isFinite(sparsityCell)) sparsityCell = parseNumberCell(record[iSparsity], cell(line, iSparsity));
    let second = fieldNumber(record[iLatency]);
    if (!Number.isFinite(second)) second = parseNumberCell(record[iLatency], cell(line, iLatency));
    if (flavour === 'eyeriss') {
      if (!(second > 0)) throw new SchedulerInputError(`${where(cell(line, iLatency))}: latency ${record[iLatency]} must be a positive number of seconds.`);
      if (sparsityCell < 0 || sparsityCell > 1) throw new SchedulerInputError(`${where(cell(line, iSparsity))}: sparsity ${record[iSparsity]} must be between 0 and 1.`);
      rowLatency[r] = second;
      rowSparsity[r] = sparsityCell;
    } else {
      // Sanger's `overall-sparsity` column holds the attention density d.
      if (!(sparsityCell > 0 && sparsityCell <= 1)) throw new SchedulerInputError(`${where(cell(line, iSparsity))}: density ${record[iSparsity]} must be in (0, 1] (Sanger's 'overall-sparsity' column is a density).`);
      if (!(second > 0)) throw new SchedulerInputError(`${where(cell(line, iLatency))}: load balance ${record[iLatency]} must be a positive number.`);
      rowLatency[r] = sangerLayerLatency(sparsityCell, second, seqLen);
      rowSparsity[r] = 1 - sparsityCell;
    }
    let layers = bySample.get(sample);
    if (!layers) bySample.set(sample, (layers = new Map()));
    const previous = layers.get(layer);
    if (previous !== undefined) throw new SchedulerInputError(`${file} line ${line}: sample ${sample} layer ${layer} appears twice (first on line ${lines[previous]}).`);
    layers.set(layer, r);
    const span = sampleLines.get(sample);
    if (span) span.last = line;
    else sampleLines.set(sample, { first: line, last: line });
    if (layer > maxLayer) {
      maxLayer = layer;
      maxLayerLine = line;
    }
  }
  const layerCount = maxLayer + 1;
  const sampleIds = [...bySample.keys()].sort((a, b) => a - b);
  const latency = new Float64Array(sampleIds.length * layerCount);
  const sparsity = new Float64Array(sampleIds.length * layerCount);
  sampleIds.forEach((id, s) => {
    const layers = bySample.get(id)!;
    for (let l = 0; l < layerCount; l++) {
      const row = layers.get(l);
      if (row === undefined) {
        const span = sampleLines.get(id)!;
        const range = span.first === span.last ? `line ${span.first}` : `lines ${span.first}-${span.last}`;
        throw new SchedulerInputError(
          `${file}: sample ${id} (column 'batch-indx', ${range}) has no row for layer ${l} (column 'layer-indx'); ` +
            `the file has layers 0..${maxLayer} (layer ${maxLayer} on line ${maxLayerLine}), and every sample needs all of them.`,
        );
      }
      latency[s * layerCount + l] = rowLatency[row];
      sparsity[s * layerCount + l] = rowSparsity[row];
    }
  });
  const name = basename(file, extname(file));
  return { flavour, table: { name, sampleIds, layers: layerCount, latency, sparsity }, layersAt: cell(maxLayerLine, iLayer) };
}

/** Import every `*.csv` of a folder as one workload. */
export function importCsvFolder(dir: string, options: CsvImportOptions = {}): Workload {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new SchedulerInputError(`${dir} is not a folder; --csv-dir takes a folder of CSV files, one per variant.`);
    entries = readdirSync(dir);
  } catch (err) {
    if (err instanceof SchedulerInputError) throw err;
    throw new SchedulerInputError(`cannot read CSV folder ${dir}: ${(err as Error).message}`);
  }
  const files = entries.filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new SchedulerInputError(`${dir}: no .csv files found. Put one CSV per variant there (variant name = file name).`);
  const seqLen = options.seqLen ?? SANGER_DEFAULT_SEQ_LEN;
  if (!(Number.isInteger(seqLen) && seqLen > 0)) throw new SchedulerInputError(`--seq-len must be a positive whole number, got ${seqLen}.`);
  let flavour: Flavour | undefined;
  let firstFile = '';
  const parsedFiles: ParsedVariantCsv[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const parsed = parseVariantCsv(readFileSync(path, 'utf8'), path, seqLen);
    if (flavour && parsed.flavour !== flavour) {
      throw new SchedulerInputError(`${path}: this is a ${parsed.flavour} file but ${firstFile} is ${flavour}; one folder must hold one flavour.`);
    }
    flavour = parsed.flavour;
    firstFile ||= path;
    parsedFiles.push(parsed);
  }
  const tables = parsedFiles.map((p) => p.table);
  // Variants of one architecture must have one layer count; say here, where the files and lines are
  // known, rather than in buildWorkload (which repeats the check for callers without files).
  const mismatch = findLayerCountMismatch(tables, flavour!);
  if (mismatch) {
    const at = (t: VariantTable) => parsedFiles.find((p) => p.table === t)!.layersAt;
    const { first, other } = mismatch;
    throw new SchedulerInputError(
      `${where(at(other))}: variant '${other.name}' has ${other.layers} layer(s) (largest layer-indx ${other.layers - 1}) but '${first.name}' ` +
        `of the same architecture '${mismatch.architecture}' has ${first.layers} (largest layer-indx ${first.layers - 1} at ${where(at(first))}). ` +
        `Variants sharing the name prefix before '_' must be the same network.`,
    );
  }
  return buildWorkload(options.name ?? basename(dir), flavour!, tables, dir);
}

/** The Eyeriss-flavour CSV files of a workload (file name -> text), one per variant. */
export function csvFilesOf(workload: Workload): [string, string][] {
  return workload.variants.map((v) => {
    const lines = ['sim_lat,overall-sparsity,batch-indx,layer-indx'];
    v.sampleIds.forEach((id, s) => {
      for (let l = 0; l < v.layers; l++) lines.push(`${v.latency[s * v.layers + l]},${v.sparsity[s * v.layers + l]},${id},${l}`);
    });
    return [`${v.name}.csv`, lines.join('\n') + '\n'];
  });
}

/**
 * Write a workload as Eyeriss-flavour CSVs (sim_lat, overall-sparsity = S, batch-indx, layer-indx),
 * which represents any workload's tables exactly (numbers are written with full double precision).
 * The folder follows the output rule (output/index.ts): created, or replaced only if dysta wrote it.
 */
export function exportCsvFolder(workload: Workload, dir: string, what = '--export-csv'): string[] {
  const files = csvFilesOf(workload);
  writeOutputDir(dir, files, 'workload-csv', what);
  return files.map(([name]) => join(dir, name));
}
