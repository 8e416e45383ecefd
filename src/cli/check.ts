/** `sslexp check FILE...`: every problem as FILE:LINE:COLUMN: severity code: message; exit 1 on any error. */
import { hasError, loadAndAnalyze, locate, safeText, type CliIo } from './io';

export function check(files: string[], io: CliIo): number {
  let errors = false;
  for (const file of files) {
    const { text, result } = loadAndAnalyze(file, {});
    const shown = safeText(file);
    for (const p of locate(text, result.problems)) io.out(`${shown}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`);
    errors ||= hasError(result);
  }
  return errors ? 1 : 0;
}
