// Progress of a long run (sweep, study) on stderr: a redrawn bar on a terminal, a line every ~10%
// elsewhere (CI logs, pipes).
import cliProgress from 'cli-progress';

export function progressReporter(total: number, label = 'sweep'): { update: (done: number) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} jobs | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  // Not a terminal (CI, a pipe): a line every ~10% instead of a redrawn bar.
  let lastTenth = 0;
  const started = Date.now();
  return {
    update: (done) => {
      const tenth = Math.floor((done * 10) / total);
      if (tenth > lastTenth || done === total) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total} jobs (${Math.round((done * 100) / total)}%), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    },
    stop: () => {},
  };
}
