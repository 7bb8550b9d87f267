// Public surface of the cosim driver: build a cached Verilator simulator from any design folder
// (files.f + manifest.json), talk to it in transactions, record replayable sessions and waveforms.
// It never imports hwgen: the manifest is the whole contract. See cosim/README.md for the life cycle.
export { buildSimulator, defaultCacheDir, defaultLogDir, type BuildOptions, type Simulator } from './build.ts';
export { Session, type StartOptions } from './session.ts';
export { loadDesign, plainManifest, sha256Hex, zodManifest, type Design, type Manifest, type ManifestModule, type ManifestPort } from './design.ts';
export { readVerilatorXml, crossCheck, type XmlPort, type XmlTop } from './xml.ts';
export { HARNESS_HEADER, type TraceFlavour } from './harness.ts';
export { CosimError, DesignError, BuildError, SimulatorError, type SimulatorFailure } from './errors.ts';
export { requireTool, ToolError } from './tools.ts';
export { writeGtkw, readWaveSignals, waveScope, type GtkwGroup, type GtkwSignal, type GtkwOptions, type GtkwFormat } from './gtkw.ts';
