/**
 * Every case's verdict, one line each, then the summary: `node --import tsx test/onnx-backend/report.ts [REGEX]`
 * (a regex on the case id keeps some, e.g. `node/test_conv`). For development; the suite is backend.test.ts.
 */
import { classify, loadCases, summary, type Result } from './backend';

async function main(): Promise<void> {
  const filter = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
  const results: Result[] = [];
  for (const c of loadCases(filter)) {
    const r = await classify(c);
    results.push(r);
    console.log(`${r.verdict.padEnd(8)} ${r.id}${r.reason ? `  ${r.reason}` : ''}`);
  }
  console.log(summary(results));
}

void main();
